"""The window's control texts are at least 12 pt on a 1280x720 slide (issues 12 and 13),
larger in projector mode, inside the window and not on top of one another.

Measured on a real SceneWindow under Agg for the four interactive tools: every visible
text of the controls (slider labels and values, buttons, radio labels, key hints).
"""
import itertools

import matplotlib.pyplot as plt
import matplotlib.text
import pytest

from microdl import Value
from microdl.viz import explore_backprop, explore_convolution, explore_landscape, playground, projector
from microdl.viz.canvas import SceneWindow

SLIDE = (1280, 720)


def backprop():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    y = a * b + c.tanh()
    y.label = "y"
    return explore_backprop(y)


TOOLS = {"explore_backprop": backprop, "explore_landscape": lambda: explore_landscape("bowl"),
         "explore_convolution": explore_convolution, "playground": lambda: playground("moons")}


def control_texts(window):
    """(text, pixel box) of every visible, non-empty text among the window's controls."""
    figure = window.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = [t for t in window._panel.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible())]
    return [(t, t.get_window_extent(renderer)) for t in texts]


def overlapping(boxes):
    """Pairs of texts whose boxes overlap by more than a pixel each way."""
    return [(a.get_text(), b.get_text()) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
            if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 1
            and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 1]


def check_window(make, smallest):
    window = SceneWindow(make())
    assert tuple(window.figure.get_size_inches() * window.figure.dpi) == SLIDE
    boxes = control_texts(window)
    assert len(boxes) >= 3, "the window shows no control texts"
    sizes = {t.get_text(): t.get_fontsize() for t, _ in boxes}
    assert min(sizes.values()) >= smallest, f"control texts under {smallest} pt: {sizes}"
    clipped = [t.get_text() for t, box in boxes
               if box.x0 < 0 or box.y0 < 0 or box.x1 > SLIDE[0] or box.y1 > SLIDE[1]]
    assert not clipped, f"control texts cut off at the window's edge: {clipped}"
    assert not overlapping(boxes), f"control texts on top of each other: {overlapping(boxes)}"
    return window


@pytest.mark.parametrize("tool", list(TOOLS))
def test_control_texts_are_at_least_12_pt_unclipped_and_apart(tool):
    before = plt.get_fignums()
    window = check_window(TOOLS[tool], 12)
    assert window.font_size == 12
    assert plt.get_fignums() == before


@pytest.mark.parametrize("tool", ["explore_backprop", "explore_landscape", "explore_convolution"])
def test_projector_mode_makes_the_controls_larger(tool):
    with projector():
        window = check_window(TOOLS[tool], 18)
    assert window.font_size == 18


def test_the_side_panel_grows_in_projector_mode_as_far_as_its_column_allows():
    from microdl.viz import style
    with projector(), style.context():          # how Playground.show builds its window
        window = check_window(TOOLS["playground"], 14)
    assert window.font_size == 14


WINDOW_SCRIPT = '''
import sys, subprocess, matplotlib
matplotlib.use("TkAgg")
import matplotlib.text
from microdl import Value
from microdl.viz import explore_backprop, explore_convolution, explore_landscape, playground
a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
y = a * b + c.tanh(); y.label = "y"
tools = {"explore_backprop": explore_backprop(y), "explore_landscape": explore_landscape("bowl"),
         "explore_convolution": explore_convolution(), "playground": playground("moons")}
for name, scene in tools.items():
    window = scene.show(block=False)
    window.press("right")                      # a key, as a student would
    canvas = window.figure.canvas
    canvas.draw()
    canvas.flush_events()
    canvas.get_tk_widget().update()
    texts = [t for t in window._panel.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    subprocess.run(["import", "-window", "root", f"{sys.argv[1]}/{name}.png"], check=True)
    print(name, min(t.get_fontsize() for t in texts), len(texts))
    canvas.get_tk_widget().winfo_toplevel().destroy()
'''


def test_control_texts_in_real_windows_under_xvfb(tmp_path, run_in_virtual_window):
    from PIL import Image
    result = run_in_virtual_window(WINDOW_SCRIPT, tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    smallest = {line.split()[0]: float(line.split()[1]) for line in result.stdout.splitlines()}
    assert set(smallest) == set(TOOLS) and min(smallest.values()) >= 12, result.stdout
    for name in TOOLS:
        with Image.open(tmp_path / f"{name}.png") as shot:
            colours = shot.convert("RGB").resize((140, 90)).getcolors(140 * 90)
        assert colours is not None and len(colours) > 20, f"{name}: a blank screen"
