"""The tour's figures/index.html: every figure of every lesson, in lesson order, with its caption.

    write_index("figures", [("perceptron", "Lesson 1 - ...", [(path, caption), ...]), ...])

One self-contained HTML page (no scripts, no network): a contents list, then each lesson
with its figures inline (PNG and GIF), each captioned and numbered, with links to the
previous and next figure so a teacher can click through. Links are relative, so the
folder can be moved, zipped or opened offline.
"""
import html
import os
from pathlib import Path

__all__ = ["write_index"]

_STYLE = """body{font-family:sans-serif;max-width:1320px;margin:auto;padding:1em;font-size:18px}
figure{margin:2em 0;border-top:1px solid #ccc;padding-top:1em}
img{max-width:100%;max-height:88vh;display:block;margin:auto}
figcaption{font-size:20px;margin:.5em 0}
nav a{margin-right:1.5em} .file{color:#666;font-size:15px}"""


def write_index(out, lessons):
    """Write out/index.html for `lessons`: [(name, summary, [(figure path, caption), ...])].

    Returns the path of index.html.
    """
    out = Path(out)
    figures = [(name, path, caption) for name, _, saved in lessons for path, caption in saved]
    contents = "".join(f'<li><a href="#{_anchor(name)}">{html.escape(summary)}</a> '
                       f'({len(saved)} figure{"s" if len(saved) != 1 else ""})</li>'
                       for name, summary, saved in lessons)
    body, number = [], 0
    for name, summary, saved in lessons:
        body.append(f'<h2 id="{_anchor(name)}">{html.escape(summary)}</h2>')
        for path, caption in saved:
            number += 1
            body.append(_figure(out, number, len(figures), path, caption))
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>microdl tour: {len(figures)} figures</title><style>{_STYLE}</style></head><body>'
            f'<h1 id="top">microdl tour: {len(figures)} figures in {len(lessons)} lessons</h1>'
            f'<ol>{contents}</ol>{"".join(body)}</body></html>\n')
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _anchor(name):
    return "lesson-" + "".join(c if c.isalnum() else "-" for c in name)


def _figure(out, number, total, path, caption):
    """One numbered figure: the picture (a link to the file), its caption, previous / next links."""
    link = html.escape(Path(os.path.relpath(path, out)).as_posix(), quote=True)
    caption = html.escape(caption or Path(path).stem.replace("_", " "))
    previous = f'<a href="#figure-{number - 1}">‹ previous</a>' if number > 1 else ""
    following = f'<a href="#figure-{number + 1}">next ›</a>' if number < total else ""
    return (f'<figure id="figure-{number}"><figcaption><b>{number}.</b> {caption} '
            f'<span class="file">({link})</span></figcaption>'
            f'<a href="{link}"><img src="{link}" alt="{caption}" loading="lazy"></a>'
            f'<nav>{previous}{following}<a href="#top">contents</a></nav></figure>')
