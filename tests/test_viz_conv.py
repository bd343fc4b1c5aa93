"""viz.convolution: the step figures and animations show exactly what microdl's conv2d / max_pool2d compute."""
import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

import microdl.nn.functional as F
from microdl import Tensor
from microdl.viz import (animate_convolution, animate_pooling, plot_convolution_steps,
                         plot_pooling_steps)
from microdl.viz.convolution import convolution_steps, pooling_steps

SEED_IMAGE = np.array([[1, 1, 1, 0, 0],
                       [0, 1, 1, 1, 0],
                       [0, 0, 1, 1, 1],
                       [0, 0, 1, 1, 0],
                       [0, 1, 1, 0, 0]], dtype=float)
SEED_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)
VERTICAL_EDGE = np.array([[1, 0, -1]] * 3, dtype=float)


def texts_of(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_seed_example_gives_the_textbook_feature_map():
    walk = convolution_steps(SEED_IMAGE, SEED_KERNEL)
    assert walk.output.tolist() == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    assert [s.cell for s in walk.steps][:4] == [(0, 0), (0, 1), (0, 2), (1, 0)]


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (2, 0)])
def test_convolution_steps_equal_microdl_conv2d(stride, padding):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 3))
    expected = F.conv2d(Tensor(image[None, None]), Tensor(kernel[None, None]),
                        stride=stride, padding=padding).data[0, 0]
    walk = convolution_steps(image, kernel, stride=stride, padding=padding)
    assert walk.output.shape == expected.shape
    assert len(walk.steps) == expected.size
    for step in walk.steps:
        assert step.value == pytest.approx(expected[step.cell])
        assert step.products.sum() == pytest.approx(expected[step.cell])  # the shown sum adds up


def test_convolution_bias_is_added_and_written_out():
    walk = convolution_steps(SEED_IMAGE, SEED_KERNEL, bias=-1.5)
    assert walk.output[0, 0] == pytest.approx(2.5)
    fig = plot_convolution_steps(SEED_IMAGE, SEED_KERNEL, bias=-1.5, cells=[(0, 0)])
    assert any("(bias)" in t for t in texts_of(fig))
    plt.close(fig)


@pytest.mark.parametrize("size, stride", [(2, None), (2, 1), (3, 3)])
def test_pooling_steps_equal_microdl_max_pool2d(size, stride):
    image = np.random.default_rng(1).normal(size=(6, 6))
    expected = F.max_pool2d(Tensor(image[None, None]), size, stride).data[0, 0]
    walk = pooling_steps(image, size, stride)
    for step in walk.steps:
        assert step.value == pytest.approx(expected[step.cell])
        assert step.window[step.argmax] == pytest.approx(step.value)


def test_pooling_tie_circles_the_first_maximum_like_the_gradient():
    walk = pooling_steps(np.array([[0.0, 5.0], [5.0, 1.0]]))
    assert walk.steps[0].argmax == (0, 1)


def test_step_figure_writes_the_sum_and_the_output(tmp_path, assert_png_not_blank):
    fig = plot_convolution_steps(SEED_IMAGE, SEED_KERNEL, cells=[(0, 0), (1, 0)])
    texts = texts_of(fig)
    assert any(t.endswith("= 4") for t in texts) and any(t.endswith("= 2") for t in texts)
    assert any("1·1 + 1·0 + 1·1" in t for t in texts)
    assert_png_not_blank(fig, tmp_path / "conv.png")


def test_step_figure_selects_steps_when_the_output_is_large(tmp_path, assert_png_not_blank):
    image = np.random.default_rng(2).normal(size=(8, 8))
    fig = plot_convolution_steps(image, VERTICAL_EDGE, padding=1, max_steps=3)
    labels = [t for t in texts_of(fig) if t.startswith("step ")]
    assert len(labels) == 3 and labels[0].startswith("step 1\n") and labels[-1].startswith("step 64\n")
    assert_png_not_blank(fig, tmp_path / "conv_selection.png")


def test_unknown_cells_are_a_clear_error():
    with pytest.raises(ValueError, match="not in the"):
        plot_convolution_steps(SEED_IMAGE, SEED_KERNEL, cells=[(5, 5)])


def test_multichannel_image_is_a_clear_error():
    with pytest.raises(ValueError, match="pick one channel"):
        convolution_steps(np.zeros((3, 5, 5)), SEED_KERNEL)


def test_pooling_figure(tmp_path, assert_png_not_blank):
    fig = plot_pooling_steps(np.arange(16.0).reshape(4, 4) - 8)
    assert any(t.startswith("max(") for t in texts_of(fig))
    assert_png_not_blank(fig, tmp_path / "pool.png")


def test_accepts_tensors_and_batched_shapes():
    walk = convolution_steps(Tensor(SEED_IMAGE[None, None]), SEED_KERNEL[None, None].tolist())
    assert walk.output.tolist() == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]


def test_inputs_are_not_changed():
    image, kernel = SEED_IMAGE.copy(), VERTICAL_EDGE.copy()
    plt.close(plot_convolution_steps(image, kernel, padding=1, max_steps=2))
    assert np.array_equal(image, SEED_IMAGE) and np.array_equal(kernel, VERTICAL_EDGE)


@pytest.mark.parametrize("make, frames", [
    (lambda: animate_convolution(SEED_IMAGE, VERTICAL_EDGE), 9),
    (lambda: animate_convolution(SEED_IMAGE, VERTICAL_EDGE, stride=2, padding=1), 9),
    (lambda: animate_convolution(np.eye(6), SEED_KERNEL, stride=2), 4),
    (lambda: animate_pooling(np.arange(36.0).reshape(6, 6)), 9),
])
def test_animation_has_one_frame_per_output_cell(make, frames):
    scene = make()
    assert len(scene) == frames
    last = scene.figure(frames - 1)
    texts = [t.get_text() for t in last.texts]
    assert f"step {frames}\nof {frames}" in "\n".join(texts)   # the counter of the still rows
    width, height = last.get_size_inches() * last.dpi
    assert width <= 1280 + 1e-6 and height <= 720 + 1e-6          # slide-sized frames
    assert 2 <= scene.fps <= 4
    assert plt.get_fignums() == []


def test_animation_frame_is_the_still_row():
    image = np.arange(16.0).reshape(4, 4) - 8
    scene = animate_pooling(image).step(2)
    still = plot_pooling_steps(image, cells=[(1, 0)])
    shown = {t.get_text() for ax in scene.figure().axes for t in ax.texts}
    assert shown == {t.get_text() for ax in still.axes for t in ax.texts}


def test_animation_saves_as_gif_with_one_frame_per_output_cell(tmp_path):
    scene = animate_pooling(np.arange(16.0).reshape(4, 4) - 8, size=(400, 300))
    path = scene.save(tmp_path / "pooling.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.size[0] <= 400 and gif.size[1] <= 300


def test_a_huge_step_figure_is_refused_with_what_to_do():
    image = np.random.default_rng(0).random((28, 28))
    with pytest.raises(ValueError, match=r"\d+x\d+ px figure, larger than the 3000x6000 px limit.*Crop"):
        plot_convolution_steps(image, SEED_KERNEL)
    fig = plot_convolution_steps(image[10:16, 10:16], SEED_KERNEL, max_steps=2)   # what it suggests
    assert fig.get_size_inches()[0] * fig.dpi < 3000


def test_grid_lines_on_the_right_and_bottom_edge_are_not_clipped():
    from matplotlib.collections import LineCollection
    fig = plot_pooling_steps(np.arange(16.0).reshape(4, 4), cells=[(0, 0)])
    grids = [c for ax in fig.axes for c in ax.collections if isinstance(c, LineCollection)]
    assert grids and all(not c.get_clip_on() for c in grids)


def test_animation_steps_in_a_window_with_the_keys():
    from microdl.viz.canvas import SceneWindow
    scene = animate_convolution(SEED_IMAGE, SEED_KERNEL)
    window = SceneWindow(scene)
    window.press("end")
    assert scene.index == 8
    assert any("step 9\nof 9" in t.get_text() for t in window.picture.texts)
