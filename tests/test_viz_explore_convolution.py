"""explore_convolution: the output cell's sum and the whole output map equal microdl's conv2d,
driven by code (controls and mouse clicks) under Agg, and once in a real window under Xvfb."""
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import microdl.nn.functional as F
from microdl import Tensor
from microdl.viz import explore_convolution
from microdl.viz.canvas import SceneWindow
from microdl.viz.convolution import ConvolutionExplorer



def conv2d(image, kernel, stride=1, padding=0):
    return F.conv2d(Tensor(np.asarray(image, float)[None, None]), Tensor(np.asarray(kernel, float)[None, None]),
                    stride=stride, padding=padding).data[0, 0]


def axes_named(fig, name):
    return next(ax for ax in fig.axes if ax.get_label() == name)


def cell_numbers(ax):
    """{(row, col): text} of the numbers written in a grid's cells."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}


def equation(fig):
    return "\n".join(t.get_text() for t in axes_named(fig, "sum").texts)


def as_number(text):
    return float(text.replace("\u2212", "-"))


def test_defaults_are_lesson_eight_and_every_cell_sum_equals_conv2d():
    before = plt.get_fignums()
    explorer = explore_convolution()
    expected = conv2d(explorer.image, explorer.kernel)
    assert expected.tolist() == [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    for row in range(3):
        for col in range(3):
            fig = explorer.set(row=row, col=col).figure()
            assert equation(fig).strip().endswith(f"= {expected[row, col]:g}")
            window = explorer.image[row:row + 3, col:col + 3]
            first_line = equation(fig).splitlines()[0].strip()   # "1·1 + 1·0 + 1·1": window · kernel
            assert first_line == " + ".join(f"{w:g}·{k:g}" for w, k in zip(window[0], explorer.kernel[0]))
            shown = cell_numbers(axes_named(fig, "output"))
            assert {cell: as_number(v) for cell, v in shown.items()} == \
                {cell: v for cell, v in np.ndenumerate(expected)}      # the whole map is shown
            assert f"output[{row}, {col}] = {expected[row, col]:g}" in fig.texts[-2].get_text()
    assert plt.get_fignums() == before


def test_editing_a_kernel_cell_recomputes_the_output():
    explorer = explore_convolution()
    explorer.set(kernel_row=0, kernel_col=1)
    assert explorer.state["weight"] == 0                   # the slider moves to that cell's value
    explorer.set(weight=-2.5)
    kernel = np.array([[1, -2.5, 1], [0, 1, 0], [1, 0, 1]])
    np.testing.assert_allclose(explorer.kernel, kernel)
    np.testing.assert_allclose(explorer.output, conv2d(explorer.image, kernel))
    fig = explorer.set(row=2, col=1).figure()
    assert cell_numbers(axes_named(fig, "kernel"))[(0, 1)] == "\u22122.5"
    assert equation(fig).strip().endswith(f"= {conv2d(explorer.image, kernel)[2, 1]:g}")
    explorer.set(kernel_row=2, kernel_col=2)
    assert explorer.state["weight"] == 1


def test_any_small_image_with_stride_and_padding():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(6, 7)).round(1), rng.normal(size=(2, 2)).round(1)
    explorer = explore_convolution(image, kernel, stride=2, padding=1)
    np.testing.assert_allclose(explorer.output, conv2d(image, kernel, 2, 1), atol=1e-12)
    assert explorer.controls["row"].choices == list(range(explorer.output.shape[0]))


def test_size_guard_downsamples_with_a_message_or_refuses():
    image = np.arange(28 * 28, dtype=float).reshape(28, 28)
    with pytest.warns(UserWarning, match=r"28×28 image is averaged over 3×3 blocks to 10×10"):
        explorer = explore_convolution(image)
    assert explorer.image.shape == (10, 10)
    assert explorer.image[0, 0] == pytest.approx(image[:3, :3].mean())
    fig = explorer.figure()
    assert fig.get_size_inches().tolist() == [12.8, 7.2]      # a slide, not a 14,000-px-tall figure
    with pytest.raises(ValueError, match=r"28×28.*image\[8:18, 8:18\]"):
        explore_convolution(image, downsample=False)
    with pytest.raises(ValueError, match="up to 5×5"):
        explore_convolution(kernel=np.ones((7, 7)))


def test_clicks_in_a_window_pick_cells():
    explorer = explore_convolution()
    window = SceneWindow(explorer)
    canvas = window.figure.canvas
    canvas.draw()

    def click(name, x, y):
        px, py = axes_named(window.picture, name).transData.transform((x, y))
        MouseEvent("button_press_event", canvas, px, py, button=1)._process()
        MouseEvent("button_release_event", canvas, px, py, button=1)._process()
    click("output", 2, 1)                          # output[1, 2]
    assert (explorer.state["row"], explorer.state["col"]) == (1, 2)
    assert window.widgets["row"].index_selected == 1
    click("input", 1, 1)                           # the window centred on input[1, 1]: output[0, 0]
    assert (explorer.state["row"], explorer.state["col"]) == (0, 0)
    click("kernel", 0, 2)                          # kernel[2, 0]
    assert (explorer.state["kernel_row"], explorer.state["kernel_col"]) == (2, 0)
    window.widgets["weight"].set_val(3.0)          # the student slides the weight
    assert explorer.kernel[2, 0] == 3.0
    assert isinstance(explorer, ConvolutionExplorer)
    assert equation(window.picture).strip().endswith(f"= {conv2d(explorer.image, explorer.kernel)[0, 0]:g}")


def test_notebook_widget_edits_the_kernel():
    pytest.importorskip("ipywidgets", reason="ipywidgets is the [jupyter] extra")
    explorer = explore_convolution()
    box = explorer.widget()
    first = box.image.value
    box.controls["weight"].value = 2.0
    assert explorer.kernel[0, 0] == 2.0 and box.image.value != first


WINDOW_SCRIPT = textwrap.dedent("""
    import subprocess, sys
    import matplotlib
    matplotlib.use("TkAgg")
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import MouseEvent
    from microdl.viz import explore_convolution
    from microdl.viz.canvas import SceneWindow

    explorer = explore_convolution()
    window = SceneWindow(explorer).show(block=False)
    canvas = window.figure.canvas
    canvas.draw(); canvas.flush_events()
    output = next(ax for ax in window.picture.axes if ax.get_label() == "output")
    px, py = output.transData.transform((2, 1))
    MouseEvent("button_press_event", canvas, px, py, button=1)._process()   # a real click: output[1, 2]
    MouseEvent("button_release_event", canvas, px, py, button=1)._process()
    explorer.set(kernel_row=0, kernel_col=1, weight=2)
    canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
    print("cell", explorer.state["row"], explorer.state["col"], "value", explorer.output[1, 2])
    subprocess.run(["import", "-window", "root", sys.argv[1]], check=True)
    plt.close("all")
""")



def test_explorer_in_a_real_window(tmp_path, run_in_virtual_window):
    from PIL import Image
    shot = tmp_path / "explore_convolution_window.png"
    result = run_in_virtual_window(WINDOW_SCRIPT, shot)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "cell 1 2 value 5.0" in result.stdout
    low, high = Image.open(shot).convert("L").getextrema()
    assert high - low > 100, f"{shot} looks blank"


def test_a_28x28_image_of_fractions_is_shown_with_numbers_that_fit_their_cells():
    """An MNIST-like image (values in [0, 1]) is averaged to at most 7x7 and rounded to 0.1,
    so every number is narrower than its cell at 1280x720."""
    image = np.random.default_rng(0).random((28, 28))
    with pytest.warns(UserWarning, match=r"averaged over 4×4 blocks to 7×7 and rounded to 0.1"):
        explorer = explore_convolution(image)
    np.testing.assert_allclose(explorer.image[0, 0], round(image[:4, :4].mean(), 1))
    fig = explorer.figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        if ax.get_label() in ("input", "kernel", "products", "output"):
            columns = int(round(ax.get_xlim()[1] + 0.5))         # cells span -0.5 .. columns - 0.5
            cell = ax.get_window_extent(renderer).width / columns
            widths = [t.get_window_extent(renderer).width for t in ax.texts]
            assert widths and max(widths) < cell, ax.get_label()
    with pytest.raises(ValueError, match=r"larger than 7×7.*image\[10:17, 10:17\]"):
        explore_convolution(image, downsample=False)
