"""microdl.tour.write_index: one offline page, every figure in order, captioned, clickable."""
from microdl.demo import recording, save, title_of
from microdl.tour import write_index
from microdl.viz.canvas import Figure


def test_index_lists_figures_in_order_with_captions_and_relative_links(tmp_path):
    for folder, name in (("perceptron", "a.png"), ("perceptron", "b.gif"), ("mnist", "c.png")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_bytes(b"")
    lessons = [("perceptron", "Lesson 1 - a <perceptron>", [(tmp_path / "perceptron" / "a.png", "first & best"),
                                                            (tmp_path / "perceptron" / "b.gif", "")]),
               ("mnist", "Lesson 9 - a CNN", [(tmp_path / "mnist" / "c.png", "third")])]
    page = write_index(tmp_path, lessons).read_text(encoding="utf-8")
    assert page.index('src="perceptron/a.png"') < page.index('src="perceptron/b.gif"') < page.index('src="mnist/c.png"')
    assert "first &amp; best" in page and "Lesson 1 - a &lt;perceptron&gt;" in page  # escaped
    assert "<b>2.</b> b " in page  # no caption given: the file's name stands in
    assert 'href="#figure-2">next' in page and 'href="#figure-2">‹ previous' in page
    assert "3 figures in 2 lessons" in page and str(tmp_path) not in page  # relative links only


def test_save_records_captions_inside_recording_only(tmp_path):
    class Args:
        out, show = tmp_path, False

    fig = Figure()
    fig.suptitle("Gradient norm\nper layer")
    with recording() as saved:
        save(fig, Args, "one.png")
        save(fig, Args, "two.png", caption="given")
    save(fig, Args, "three.png")  # outside: nothing recorded
    assert [(p.name, c) for p, c in saved] == [("one.png", "Gradient norm per layer"), ("two.png", "given")]
    assert title_of(object()) == ""
