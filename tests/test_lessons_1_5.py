"""What the figures of lessons 1-5 show (issue 13): each one read back from the Figure.

sgd_vs_batch: two budgets, one quantity (L - L_min on all the data), nothing clipped,
no 0 on a log colour bar, the cost of a step; epochs: the iterations per epoch drawn;
optimizers: distinct colours, each lr explained, a curve that leaves the axis marked;
losses: the KL panel shows the asymmetry and cross-entropy = entropy + KL.
"""
import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import rgb_to_hsv, to_rgb
from matplotlib.patches import Rectangle

from microdl import viz
from microdl.data import house_prices

DEMOS = Path(__file__).resolve().parents[1] / "demos"


def texts_of(figure):
    from matplotlib.text import Text
    return [t.get_text() for t in figure.findobj(Text)]


def load_demo(name):
    spec = importlib.util.spec_from_file_location(name, DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def batches_figure():
    x, y = house_prices(50, seed=0)
    figure = viz.compare_batch_sizes(x, y, (1, 10, None), 0.1, epochs=3, steps=30)
    yield figure
    plt.close(figure)


def test_sgd_vs_batch_compares_at_equal_examples_and_at_equal_steps(batches_figure):
    axes = {ax.get_title(): ax for ax in batches_figure.axes}
    assert "Same examples seen: 3 epochs = 150" in axes and "Same number of steps: 30" in axes
    by_examples = [ax for ax in batches_figure.axes if ax.get_xlabel() == "examples seen"][0]
    by_steps = [ax for ax in batches_figure.axes if ax.get_xlabel().startswith("steps")][0]
    # equal examples: 150, 15 and 3 steps; every run ends at 150 examples seen
    assert [len(line.get_xdata()) - 1 for line in by_examples.lines[:3]] == [150, 15, 3]
    assert all(line.get_xdata()[-1] == 150 for line in by_examples.lines[:3])
    # equal steps: 30 steps each
    assert [len(line.get_xdata()) - 1 for line in by_steps.lines[:3]] == [30, 30, 30]
    # one quantity on both panels, and no point outside the axis (nothing clipped)
    for ax in (by_examples, by_steps):
        assert ax.get_ylabel() == by_examples.get_ylabel() and "L_{min}" in ax.get_ylabel()
        low, high = ax.get_ylim()
        for line in ax.lines[:3]:
            values = np.asarray(line.get_ydata())
            assert np.all((values >= low) & (values <= high))


def test_sgd_is_noisy_and_full_batch_smooth_at_equal_steps(batches_figure):
    by_steps = [ax for ax in batches_figure.axes if ax.get_xlabel().startswith("steps")][0]
    sgd, _, full = (np.asarray(line.get_ydata()) for line in by_steps.lines[:3])
    assert np.sum(np.diff(sgd) > 0) >= 5          # SGD often makes the full loss worse
    assert np.all(np.diff(full) < 0)               # full batch never does


def test_sgd_vs_batch_draws_no_marker_blob_and_states_the_cost_of_a_step(batches_figure):
    paths = [ax for ax in batches_figure.axes if ax.get_title().startswith("Same examples")][0]
    long_lines = [line for line in paths.lines if len(line.get_xdata()) > 100]
    assert long_lines and all(line.get_marker() in ("", "None", None) for line in long_lines)
    cost = [ax for ax in batches_figure.axes if ax.get_title().startswith("A step's cost")][0]
    assert sorted(bar.get_width() for bar in cost.patches) == [1, 10, 50]
    names = sorted(t.get_text() for t in cost.get_yticklabels())
    assert [name.split(" x ")[0] for name in names] == [
        "SGD\n50 steps", "full batch\n1 step", "mini-batch\n5 steps"]
    assert all(name.endswith("ms\nan epoch") for name in names)


def test_a_log_colour_bar_has_no_zero_tick(batches_figure):
    bars = [ax for ax in batches_figure.axes if "log scale" in ax.get_ylabel()]
    assert bars, "the contour colour bar is missing"
    ticks = bars[0].get_yticks()
    assert len(ticks) >= 3 and 0 not in ticks



def test_overlapping_paths_stay_apart_to_the_eye(batches_figure):
    """At equal steps the mini-batch path lies on the full-batch path: different widths,
    the thinner line drawn on top, so both show where they overlap (issue 13, item 1)."""
    for title in ("Same examples seen", "Same number of steps"):
        ax = [ax for ax in batches_figure.axes if ax.get_title().startswith(title)][0]
        sgd, mini, full = [line for line in ax.lines if len(line.get_xdata()) > 2][:3]
        assert mini.get_linewidth() >= 3 * full.get_linewidth() > full.get_linewidth() > sgd.get_linewidth()
        assert mini.get_zorder() < full.get_zorder() < sgd.get_zorder()
        colors = {to_rgb(line.get_color()) for line in (sgd, mini, full)}
        assert len(colors) == 3
    by_steps = [ax for ax in batches_figure.axes if ax.get_xlabel().startswith("steps")][0]
    sgd, mini, full = by_steps.lines[:3]
    gap = np.abs(np.log10(np.asarray(mini.get_ydata())) - np.log10(np.asarray(full.get_ydata())))
    assert np.median(gap) < 0.1      # they really do overlap here: that is why the look matters
    assert mini.get_linewidth() > full.get_linewidth() and mini.get_zorder() < full.get_zorder()

def test_plot_epochs_draws_one_block_per_iteration():
    figure = viz.plot_epochs(1_000_000, 10_000, epochs=3)
    blocks = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    assert len(blocks) == 300
    text = " ".join(texts_of(figure))
    assert "1,000,000 examples in batches of 10,000 = 100 iterations per epoch" in text
    assert "iterations\n201 to 300" in text and "3,000,000 examples seen" in text
    plt.close(figure)


def test_plot_epochs_shows_a_short_last_batch():
    figure = viz.plot_epochs(50, 16, epochs=1)
    widths = sorted(p.get_width() for p in figure.axes[0].patches)
    assert np.allclose(widths, [2 / 50, 16 / 50, 16 / 50, 16 / 50])
    assert "the last batch has 2" in " ".join(texts_of(figure))
    plt.close(figure)


@pytest.fixture(scope="module")
def optimizers_figure():
    figure = viz.compare_optimizers(viz.quadratic_bowl())
    yield figure
    plt.close(figure)


def test_optimizers_have_distinct_colours_and_a_panel_each(optimizers_figure):
    curves = [ax for ax in optimizers_figure.axes if ax.get_title() == "Loss at every step (log scale)"][0]
    hues = [360 * rgb_to_hsv(to_rgb(line.get_color()))[0] for line in curves.get_legend().get_lines()]
    assert len(hues) == 4
    # every pair of hues at least 30 degrees apart (vermillion and orange, as before, were 16)
    gaps = [min(abs(a - b), 360 - abs(a - b)) for i, a in enumerate(hues) for b in hues[i + 1:]]
    assert min(gaps) > 30
    panels = [ax for ax in optimizers_figure.axes if ax.get_xlabel() == "$w_1$"]
    assert len(panels) == 4


def test_optimizers_say_why_their_learning_rates_differ(optimizers_figure):
    title = optimizers_figure._suptitle.get_text()
    assert "best steady learning rate from the same grid" in title and "lr × gradient" in title
    from microdl.viz.landscape import best_learning_rate
    assert f"RMSprop, lr={best_learning_rate(viz.quadratic_bowl(), 'rmsprop'):g}" in texts_of(optimizers_figure)


def test_a_curve_that_leaves_through_the_bottom_is_marked(optimizers_figure):
    curves = [ax for ax in optimizers_figure.axes if ax.get_title() == "Loss at every step (log scale)"][0]
    bottom = curves.get_ylim()[0]
    floor_markers = [line for line in curves.lines if line.get_marker() == "v"]
    assert floor_markers and all(np.isclose(line.get_ydata()[0], bottom) for line in floor_markers)
    assert any("bottom of the axis" in t for t in texts_of(optimizers_figure))


def test_losses_kl_panel_shows_the_asymmetry_and_the_decomposition(tmp_path):
    lesson = load_demo("03_losses")
    p = np.array(lesson.P_TRUE)
    assert all(not np.allclose(np.sort(q), np.sort(p)) or not np.allclose(q, p[::-1])
               for q in map(np.array, lesson.Q_GUESSES.values()))          # no q is p mirrored
    kl, entropy = lesson.classification()
    forward, backward, cross = kl["too sure"]
    assert abs(forward - backward) > 0.2                                   # the asymmetry shows
    for f, _, c in kl.values():
        assert np.isclose(c, entropy + f)                                  # CE = H(p) + KL(p||q)
    size, y = np.linspace(0, 2, 10), np.linspace(1, 7, 10)
    figure = lesson.figure(size, y, {name: 1.0 for name in lesson.LINES}, kl, entropy)
    text = " ".join(texts_of(figure))
    assert "KL(p‖q) ≠ KL(q‖p)" in text and f"KL(q‖p) = {backward:.2f}" in text
    assert f"cross-entropy {cross:.2f} = {entropy:.2f} + KL(p‖q) {forward:.2f}" in text
    plt.close(figure)


def test_learning_rate_titles_and_axis_labels_do_not_touch():
    """learning_rates.png: each panel's title stays clear of its neighbour's y label (issue 13)."""
    figure = viz.compare_learning_rates(viz.quadratic_bowl())
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = [text for ax in figure.axes for text in (ax.title, ax.xaxis.label, ax.yaxis.label)
             if text.get_text()]
    boxes = [text.get_window_extent(renderer) for text in texts]
    assert len(boxes) >= 8
    for i, first in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not first.overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    plt.close(figure)
