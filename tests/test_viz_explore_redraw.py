"""The explorers redraw in place (Scene.update_in_place): a slider move changes only what
moved, and the picture is the same, pixel for pixel, as one drawn afresh for that state."""
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from microdl import Value
from microdl.viz import explore_backprop, explore_convolution, explore_landscape
from microdl.viz.canvas import Control, Scene, SceneWindow
from microdl.viz.canvas.figure import png_bytes


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def pixels(fig):
    return np.asarray(Image.open(io.BytesIO(png_bytes(fig, dpi=40, tight=False))).convert("RGB"))


def backprop_scene():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    return explore_backprop(a * b + c.tanh())


CASES = {
    "landscape": (lambda: explore_landscape("bowl"),
                  [{"lr": 0.05}, {"lr": 0.2}, {"momentum": 0.5}, {"optimizer": "adam"}, {"lr": 0.25}]),
    "convolution": (explore_convolution,
                    [{"row": 1, "col": 2}, {"weight": 2.0}, {"kernel_row": 2, "kernel_col": 1}, {"row": 0, "col": 0}]),
    "backprop": (backprop_scene, [{"frame": i} for i in (*range(1, 11), 3)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_in_place_redraw_shows_the_same_picture_as_drawing_afresh(name):
    make, moves = CASES[name]
    scene = make()
    shown = scene.figure()
    kinds = []
    for move in moves:
        scene.set(**move)
        axes_before = list(shown.axes)
        scene.redraw(shown)
        kinds.append(shown.axes == axes_before)             # same Axes objects: updated in place
        assert np.array_equal(pixels(shown), pixels(scene.figure())), f"{name} after {move}"
    assert sum(kinds) >= len(moves) - 3              # all but a change of phase (forward -> backward)


def test_a_landscape_path_that_widens_the_view_is_drawn_afresh():
    scene = explore_landscape("bowl")
    shown = scene.figure()
    assert scene.update_in_place(shown, **{**scene.state, "lr": 0.12})
    assert not scene.update_in_place(shown, **{**scene.state, "lr": 0.3})   # diverges: a wider window


def test_the_in_place_landscape_shows_the_new_path_and_verdict():
    scene = explore_landscape("bowl")
    shown = scene.figure()
    scene.set(lr=0.2)
    assert scene.update_in_place(shown, **scene.state)
    path = scene.path()
    drawn = [line for line in shown.axes[0].get_lines() if line.get_label() == path.label]
    np.testing.assert_allclose(np.column_stack(drawn[0].get_data()), path.points)
    assert "lr=0.2" in shown._suptitle.get_text()


def test_a_scene_without_update_in_place_is_cleared_and_drawn_afresh():
    drawn = []
    scene = Scene(lambda fig, frame: drawn.append(fig.suptitle(f"frame {frame}")), [Control("frame", range(3))])
    shown = scene.figure()
    scene.set(frame=2).redraw(shown)
    assert shown._suptitle.get_text() == "frame 2" and len(drawn) == 2


def test_a_window_redraws_in_place():
    scene = explore_convolution()
    window = SceneWindow(scene)
    panels = list(window.picture.axes)
    scene.set(row=2, col=1)
    assert window.picture.axes == panels
    assert window.picture.texts[-2].get_text().startswith("Convolution you can poke: output[2, 1] = ")
