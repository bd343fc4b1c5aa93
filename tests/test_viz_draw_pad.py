"""The drawing pad: strokes -> pixels -> probabilities equal softmax(model(image)), driven by
code, by mouse events in a window under Agg, by the command line, and once in a real window."""
import json
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from microdl import Tensor, cli, nn
from microdl.data import SHAPE_CLASSES
from microdl import zoo
from microdl.viz import draw_pad
from microdl.viz.canvas import SceneWindow
from microdl.viz.live.draw_pad import centred, load_strokes, stroke_ink


TRIANGLE = [[14, 5], [23, 21], [5, 21], [14, 5]]
CROSS = [[[6, 14], [22, 14]], [[14, 6], [14, 22]]]


def untrained_cnn(seed=0):
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=seed), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 14 * 14, 5, seed=seed + 1))


def softmax_of_model(model, image):
    """The oracle: the model's own forward pass on the image, and a softmax in NumPy."""
    scores = model(Tensor(image[None, None].astype(np.float32))).data[0].astype(float)
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def axes_named(fig, name):
    return next(ax for ax in fig.axes if ax.get_label() == name)


def said(fig):
    return next(t.get_text() for t in fig.texts if t.get_text().startswith(("The model says", "Draw something")))


def test_the_brush_has_soft_edges():
    ink = stroke_ink([(5, 14), (20, 14)])               # a horizontal line along row 14
    assert ink[14, 10] == 1 and ink[15, 10] == 1        # within the brush (1 pixel)
    assert ink[16, 10] == 0 and ink[14, 23] == 0        # two pixels away: no ink
    edge = stroke_ink([(5, 14.5), (20, 14.5)])[16, 10]  # 1.5 pixels away: half the ink
    assert edge == pytest.approx(0.5)
    assert stroke_ink([(3, 3)])[3, 3] == 1               # a click is a dot


def test_strokes_to_pixels_to_probabilities_equal_the_model():
    before = plt.get_fignums()
    model = untrained_cnn()
    pad = draw_pad(model, SHAPE_CLASSES)
    assert "Draw something" in said(pad.figure())
    pad.stroke(TRIANGLE)
    np.testing.assert_allclose(pad.pixels, stroke_ink(TRIANGLE))
    np.testing.assert_allclose(pad.probabilities(), softmax_of_model(model, pad.pixels), rtol=1e-5)
    fig = pad.figure()
    bars = axes_named(fig, "probabilities")
    shown = [float(t.get_text().rstrip("%")) / 100 for t in bars.texts]
    np.testing.assert_allclose(shown, pad.probabilities(), atol=0.005)   # the bars say the numbers
    best = int(np.argmax(pad.probabilities()))
    assert said(fig) == f"The model says: {SHAPE_CLASSES[best]} ({pad.probabilities()[best]:.0%})"
    assert plt.get_fignums() == before


def test_eraser_clear_and_replay():
    pad = draw_pad(untrained_cnn(), SHAPE_CLASSES)
    pad.replay(CROSS)
    assert pad.pixels[14, 14] == 1 and len(pad.strokes) == 2
    pad.set(tool="eraser").stroke([(14, 10), (14, 18)])
    assert pad.pixels[14, 14] == 0 and pad.pixels[14, 8] == 1          # only the vertical bar's middle
    pad.actions["clear"]()
    assert not pad.pixels.any() and pad.strokes == []


def test_centred_moves_the_centre_of_mass_to_the_middle():
    image = stroke_ink([(3, 3), (8, 3)])
    moved = centred(image)
    rows, cols = np.indices(moved.shape)
    assert (rows * moved).sum() / moved.sum() == pytest.approx(13.5, abs=0.51)   # whole-pixel shifts
    assert (cols * moved).sum() / moved.sum() == pytest.approx(13.5, abs=0.51)   # whole-pixel shifts
    assert moved.sum() == pytest.approx(image.sum())
    pad = draw_pad(untrained_cnn(), SHAPE_CLASSES, strokes=[[(3, 3), (8, 3)]], centre=True)
    np.testing.assert_allclose(pad.probabilities(), softmax_of_model(pad.model, moved), rtol=1e-5)


def test_mouse_strokes_in_a_window_and_the_model_asked_when_the_stroke_ends():
    pad = draw_pad(untrained_cnn(), SHAPE_CLASSES, features=True)
    window = SceneWindow(pad)
    canvas = window.figure.canvas
    canvas.draw()
    ax = axes_named(window.picture, "pad")

    def mouse(kind, x, y):
        px, py = ax.transData.transform((x, y))
        MouseEvent(kind, canvas, px, py, button=1)._process()
    mouse("button_press_event", 6, 6)
    mouse("motion_notify_event", 20, 6)
    mouse("motion_notify_event", 20, 20)
    assert "Draw something" in said(window.picture)      # drawing: only the ink is redrawn
    assert axes_named(window.picture, "pad").images[0].get_array()[6, 12] == 1
    mouse("button_release_event", 20, 20)
    np.testing.assert_allclose(pad.pixels, stroke_ink([(6, 6), (20, 6), (20, 20)]), atol=1e-6)
    assert said(window.picture).startswith("The model says")
    assert any(ax.get_label().startswith("layers[0]: Conv2d") for ax in window.picture.axes)
    window.widgets["clear"]._observers.process("clicked", None)
    assert not pad.pixels.any()


def test_the_button_pad_paints_blocks_and_the_model_follows_every_click():
    pytest.importorskip("ipywidgets", reason="ipywidgets is the [jupyter] extra")
    from microdl.viz.live.draw_pad_widget import painted_cells
    model = untrained_cnn()
    pad = draw_pad(model, SHAPE_CLASSES)
    box = pad.widget()
    assert len(box.cells) == 14 and len(box.cells[0]) == 14
    images = [box.image.value]
    box.cells[3][5].value = True                        # paint the block at rows 6-7, columns 10-11
    assert pad.pixels[6:8, 10:12].min() == 1 and len(pad.strokes) == 1 and pad.strokes[0]["tool"] == "pen"
    np.testing.assert_allclose(pad.probabilities(), softmax_of_model(model, pad.pixels), rtol=1e-5)
    images.append(box.image.value)
    for col in range(6, 10):                            # a bar: one stroke a click, the picture each time
        box.cells[3][col].value = True
        images.append(box.image.value)
    assert len(set(images)) == len(images) and len(pad.strokes) == 5
    assert said(pad.figure()).startswith("The model says")
    box.cells[3][5].value = False                       # a painted cell: the eraser
    assert pad.pixels[6:8, 10:12].max() == 0 and pad.strokes[-1]["tool"] == "eraser"
    assert [b.value for b in box.cells[3][5:10]] == [False, True, True, True, True]
    pad.stroke([(2, 20), (20, 20)])                     # a stroke from code shows on the grid
    assert [box.cells[10][c].value for c in range(1, 10)] == [True] * 9
    assert (painted_cells(pad.pixels) == np.array([[b.value for b in row] for row in box.cells])).all()
    box.clear.click()
    assert not pad.pixels.any() and not any(b.value for row in box.cells for b in row)


NOTEBOOK_SETUP = """
import json
import numpy as np
from microdl import nn
from microdl.viz import draw_pad
from microdl.data import SHAPE_CLASSES
model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(4 * 14 * 14, 5, seed=1))
pad = draw_pad(model, SHAPE_CLASSES, features=True)
"""


def run_notebook(cells, pythonpath):
    """Execute `cells` in a fresh kernel; the outputs of each cell."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the notebook tests need nbclient (pip install -e .[dev])")
    pytest.importorskip("ipykernel")
    import os
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = {**os.environ, "PYTHONPATH": pythonpath, "MPLBACKEND": ""}
    client = nbclient.NotebookClient(book, timeout=180, kernel_name="python3")
    import unittest.mock
    with unittest.mock.patch.dict(os.environ, env):
        client.execute()
    return [cell.outputs for cell in book.cells]


def printed(outputs):
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")


def widget_views(outputs):
    return [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


def test_in_jupyter_without_ipympl_the_pad_is_the_button_grid(tmp_path):
    """nbclient: the pad as a cell's last expression is the widget; buttons driven by code."""
    pytest.importorskip("ipywidgets", reason="ipywidgets is the [jupyter] extra")
    import microdl
    root = str(Path(microdl.__file__).resolve().parent.parent)
    drive = """
box = pad.widget()
before = box.image.value
for col in range(3, 11):
    box.cells[7][col].value = True
print(json.dumps({"strokes": len(pad.strokes), "ink": float(pad.pixels.sum()),
                  "changed": box.image.value != before,
                  "probabilities": pad.probabilities().tolist(),
                  "scores": model(__import__("microdl").Tensor(pad.model_input())).data[0].tolist()}))
"""
    outputs = run_notebook([NOTEBOOK_SETUP, "pad", drive], root)
    assert len(widget_views(outputs[1])) == 1                 # shown once, as the widget
    result = json.loads(printed(outputs[2]))
    assert result["strokes"] == 8 and result["ink"] > 30 and result["changed"]
    scores = np.array(result["scores"])               # the oracle: the model's scores, softmax in NumPy
    np.testing.assert_allclose(result["probabilities"], np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum(),
                               rtol=1e-5)


def test_in_jupyter_with_ipympl_the_pad_draws_with_the_mouse():
    """nbclient + %matplotlib widget: pad.show() is the window (ipympl's canvas) in the
    notebook, shown once; mouse events on it draw and the model is asked."""
    import importlib.util
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed (pip install -e '.[jupyter]')")
    import microdl
    import os
    root = os.pathsep.join([str(Path(microdl.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])
    drive = """
from matplotlib.backend_bases import MouseEvent
canvas = window.figure.canvas
ax = next(a for a in window.picture.axes if a.get_label() == "pad")
for kind, (x, y) in [("button_press_event", (5, 14)), ("motion_notify_event", (22, 14)),
                     ("button_release_event", (22, 14))]:
    MouseEvent(kind, canvas, *ax.transData.transform((x, y)), button=1)._process()
said = [t.get_text() for t in window.picture.texts if t.get_text().startswith("The model says")]
print(json.dumps({"canvas": type(canvas).__module__, "strokes": len(pad.strokes), "said": said}))
"""
    outputs = run_notebook(["%matplotlib widget", NOTEBOOK_SETUP, "window = pad.show()", drive], root)
    assert len(widget_views(outputs[2])) == 1                 # ipympl's canvas, shown once
    result = json.loads(printed(outputs[3]))
    assert result["canvas"].startswith("ipympl") and result["strokes"] == 1 and len(result["said"]) == 1
    assert not widget_views(outputs[3])                       # drawing shows nothing new


def test_wrong_class_names_and_stroke_files_are_explained(tmp_path):
    with pytest.raises(ValueError, match="5 class scores but 2 class names"):
        draw_pad(untrained_cnn(), ["a", "b"])
    path = tmp_path / "bad.json"
    path.write_text('"circle"')
    with pytest.raises(ValueError, match="list of strokes"):
        load_strokes(path)


@pytest.fixture(scope="module")
def shapes_model():
    return zoo.shapes_cnn(seed=0)


def test_the_shapes_cnn_names_a_drawn_triangle_and_cross(shapes_model):
    pad = draw_pad(*shapes_model, strokes=[TRIANGLE])
    assert pad.classes[int(np.argmax(pad.probabilities()))] == "triangle"
    pad.clear().replay(CROSS)
    assert pad.classes[int(np.argmax(pad.probabilities()))] == "cross"


def test_command_line_replays_strokes_and_saves(shapes_model, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(zoo, "shapes_cnn", lambda seed=0: shapes_model)   # trained once
    strokes = tmp_path / "strokes.json"
    strokes.write_text(json.dumps([TRIANGLE]))
    assert cli.main(["draw", "--strokes", str(strokes), "--save", str(tmp_path / "pad.png")]) == 0
    printed = capsys.readouterr().out
    probabilities = dict(part.rsplit(" ", 1) for part in printed.splitlines()[0].split(", "))
    assert max(probabilities, key=lambda k: float(probabilities[k].rstrip("%"))) == "triangle"
    from PIL import Image
    assert Image.open(tmp_path / "pad.png").size[0] > 1000


WINDOW_SCRIPT = textwrap.dedent("""
    import subprocess, sys
    import matplotlib
    matplotlib.use("TkAgg")
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import MouseEvent
    from microdl import nn
    from microdl.data import SHAPE_CLASSES
    from microdl.viz import draw_pad
    from microdl.viz.canvas import SceneWindow

    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(4 * 14 * 14, 5, seed=1))
    pad = draw_pad(model, SHAPE_CLASSES, features=True)
    window = SceneWindow(pad).show(block=False)
    canvas = window.figure.canvas
    canvas.draw(); canvas.flush_events()
    ax = next(a for a in window.picture.axes if a.get_label() == "pad")
    points = [(14, 5), (23, 21), (5, 21), (14, 5)]
    for k, (x, y) in enumerate(points):       # real mouse events through Tk's canvas
        px, py = ax.transData.transform((x, y))
        MouseEvent("button_press_event" if k == 0 else "motion_notify_event", canvas, px, py, button=1)._process()
        canvas.flush_events()
    MouseEvent("button_release_event", canvas, px, py, button=1)._process()
    canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
    print("ink", round(float(pad.pixels.sum()), 1), "strokes", len(pad.strokes))
    subprocess.run(["import", "-window", "root", sys.argv[1]], check=True)
    plt.close("all")
""")



def test_draw_pad_in_a_real_window(tmp_path, run_in_virtual_window):
    from PIL import Image
    shot = tmp_path / "draw_pad_window.png"
    result = run_in_virtual_window(WINDOW_SCRIPT, shot)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = stroke_ink(TRIANGLE).sum()
    ink = float(result.stdout.split("ink ")[1].split()[0])
    assert ink == pytest.approx(expected, abs=0.2) and "strokes 1" in result.stdout
    low, high = Image.open(shot).convert("L").getextrema()
    assert high - low > 100, f"{shot} looks blank"


def test_draw_pad_without_a_model_says_where_to_get_one():
    with pytest.raises(TypeError, match=r"zoo.shapes_cnn\(\)"):
        draw_pad()
