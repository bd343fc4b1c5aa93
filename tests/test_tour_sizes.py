"""Every figure of the quick tour fits a 16:9 slide, and figures/index.html shows them all.

The rule (issue 13): width / height between 1.0 and 2.4, no side over 2,400 px, and text at
least 12 pt when the picture is fitted to a 1280x720 slide (13.33 x 7.5 in, 96 px an inch).
The tour runs once for the module; every savefig records its smallest visible text.
"""
import re
from pathlib import Path

import matplotlib.figure
import matplotlib.text
import numpy as np
import pytest
from PIL import Image

from microdl import cli

SLIDE = (1280, 720)          # px; a 13.33 x 7.5 in slide at 96 px an inch
SLIDE_PX_PER_INCH = 96
SMALLEST_TEXT_PT = 12
RATIO = (1.0, 2.4)
LARGEST_SIDE = 2400

#: pictures allowed to break a rule, each with the reason (none may be added without one)
PENDING = {}


def _judge(wrong, rule):
    """Fail on any picture breaking `rule`; only pending pictures breaking it: an expected failure."""
    ours = [line for line in wrong if line.split(":")[0] not in PENDING]
    assert not ours, f"{rule}:\n" + "\n".join(ours)
    if wrong:
        pytest.xfail(f"{rule} (pending on other branches):\n" + "\n".join(wrong))


def _smallest_text(fig):
    """The smallest font size (pt) of the texts that are drawn: visible, non-empty, visible axes."""
    sizes = []
    for text in fig.findobj(matplotlib.text.Text):
        axes = text.axes
        if not text.get_visible() or not text.get_text().strip() or (axes is not None and not axes.get_visible()):
            continue
        sizes.append(text.get_fontsize())
    return min(sizes, default=np.inf)


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """Run `microdl tour` (quick) once; {figure path: (smallest text in pt, dpi)} and the folder."""
    out = tmp_path_factory.mktemp("tour")
    texts = {}
    original = matplotlib.figure.Figure.savefig

    def recording_savefig(fig, fname, *args, **kwargs):
        result = original(fig, fname, *args, **kwargs)  # draws first: the texts are final
        if isinstance(fname, (str, Path)):
            dpi = kwargs.get("dpi")
            dpi = dpi if isinstance(dpi, (int, float)) else fig.dpi     # "figure" or None: the figure's
            texts[Path(fname).resolve()] = (_smallest_text(fig), dpi)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matplotlib.figure.Figure, "savefig", recording_savefig)
        assert cli.main(["tour", "--out", str(out)]) == 0
    return out, texts


def _pictures(out):
    return sorted(p for p in out.rglob("*") if p.suffix.lower() in (".png", ".gif"))


def test_the_tour_saves_pictures_in_every_lesson(tour):
    out, _ = tour
    folders = {p.parent.name for p in _pictures(out)}
    assert folders == set(cli.list_lessons())


def test_every_picture_fits_a_16_by_9_slide(tour):
    out, _ = tour
    wrong = []
    for path in _pictures(out):
        width, height = Image.open(path).size
        if not RATIO[0] <= width / height <= RATIO[1] or max(width, height) > LARGEST_SIDE:
            wrong.append(f"{path.relative_to(out)}: {width}x{height} px, width/height {width / height:.2f}")
    _judge(wrong, "not slide-shaped (width/height 1.0-2.4, sides <= 2400 px)")


def test_text_is_at_least_12_pt_on_a_1280x720_slide(tour):
    out, texts = tour
    wrong = []
    for path in _pictures(out):
        if path.resolve() not in texts:
            continue  # not drawn by savefig (a GIF, a graphviz picture)
        smallest, dpi = texts[path.resolve()]
        width, height = Image.open(path).size
        fit = min(SLIDE[0] / width, SLIDE[1] / height)
        on_slide = smallest * dpi / SLIDE_PX_PER_INCH * fit
        if on_slide < SMALLEST_TEXT_PT - 0.05:
            wrong.append(f"{path.relative_to(out)}: {smallest:g} pt text at {width}x{height} px "
                         f"becomes {on_slide:.1f} pt on the slide")
    _judge(wrong, "text smaller than 12 pt on a slide")


def test_gifs_play_at_a_classroom_pace_and_size(tour):
    out, _ = tour
    wrong = []
    for path in (p for p in _pictures(out) if p.suffix == ".gif"):
        image = Image.open(path)
        if image.info.get("duration", 0) >= 1000 or max(image.size) < 800:
            wrong.append(f"{path.relative_to(out)}: {image.info.get('duration')} ms a frame, {image.size} px")
    _judge(wrong, "GIFs should step faster than 1 s a frame and be >= 800 px wide")


def test_the_index_shows_every_picture_in_lesson_order_with_a_caption(tour):
    out, _ = tour
    page = (out / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sorted(sources) == sorted(p.relative_to(out).as_posix() for p in _pictures(out))
    lessons = list(cli.list_lessons())
    order = [lessons.index(source.split("/")[0]) for source in sources]
    assert order == sorted(order), "figures are not in lesson order"
    assert all(not source.startswith(("/", "http")) for source in sources)  # relative: works offline
    captions = re.findall(r"<figcaption><b>\d+\.</b> (.*?) <span", page)
    assert len(captions) == len(sources) and all(c.strip() for c in captions)
    assert "<script" not in page and "http" not in page
