"""viz.activations: derivatives by autodiff, vanishing-gradient regions, softmax bars."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl.viz.activations import (LEAKY_SLOPE, activation_and_derivative, plot_activation,
                                     plot_activations, plot_softmax, softmax_probabilities,
                                     vanishing_regions)

pytestmark = pytest.mark.usefixtures("close_figures")



def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


ANALYTIC = {  # name: (f, f') written by hand, as the test's second opinion
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "leaky_relu": (lambda x: np.where(x > 0, x, LEAKY_SLOPE * x),
                   lambda x: np.where(x > 0, 1.0, LEAKY_SLOPE)),
    "softplus": (lambda x: np.log1p(np.exp(x)), _sigmoid),
}


@pytest.mark.parametrize("name", sorted(ANALYTIC))
def test_autodiff_derivatives_equal_the_analytic_ones(name):
    x = np.linspace(-6, 6, 241)
    values, derivative = activation_and_derivative(name, x)
    f, df = ANALYTIC[name]
    assert np.allclose(values, f(x), atol=1e-12)
    assert np.allclose(derivative, df(x), atol=1e-12)


def test_the_input_grid_is_not_modified():
    x = np.linspace(-2, 2, 5)
    before = x.copy()
    activation_and_derivative("tanh", x)
    assert np.array_equal(x, before)


def test_vanishing_regions_dead_relu_and_saturating_sigmoid():
    x = np.linspace(-6, 6, 1201)
    assert vanishing_regions(x, activation_and_derivative("relu", x)[1]) == [(-6.0, 0.0, "dead")]
    regions = vanishing_regions(x, activation_and_derivative("sigmoid", x)[1])
    assert [kind for *_, kind in regions] == ["saturates", "saturates"]
    (left_start, left_end, _), (right_start, right_end, _) = regions
    assert left_start == -6 and right_end == 6
    # sigma'(x) = 0.1 * 0.25 at |x| = ln((1 + sqrt(0.9)) / (1 - sqrt(0.9))) ~ 3.64
    assert abs(left_end + 3.64) < 0.02 and abs(right_start - 3.64) < 0.02
    assert vanishing_regions(x, activation_and_derivative("leaky_relu", x)[1]) == []


def test_unknown_activation_is_explained():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activation_and_derivative("swish", [0.0])


def test_plot_activations_writes_a_picture(tmp_path, assert_png_not_blank):
    figure = plot_activations()
    assert_png_not_blank(figure, tmp_path / "activations.png")
    legends = figure.legends + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
    legend_texts = [t.get_text() for legend in legends for t in legend.get_texts()]
    assert "dead: gradient = 0" in legend_texts and "saturates: gradient ≈ 0" in legend_texts
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert any(t.startswith("dead") for t in texts) and any(t.startswith("saturates") for t in texts)


def test_plot_activation_accepts_ax_and_returns_it(tmp_path, assert_png_not_blank):
    figure, ax = plt.subplots()
    assert plot_activation("relu", ax=ax) is ax
    assert_png_not_blank(figure, tmp_path / "relu.png")


def test_softmax_probabilities_and_temperature():
    logits = np.array([2.0, 1.0, 0.1, -1.0])
    p = softmax_probabilities(logits)
    assert np.isclose(p.sum(), 1) and np.allclose(p, np.exp(logits) / np.exp(logits).sum())
    assert softmax_probabilities(logits, 0.5).max() > p.max() > softmax_probabilities(logits, 2.0).max()
    with pytest.raises(ValueError, match="temperature must be > 0"):
        softmax_probabilities(logits, 0)


def test_plot_softmax_writes_a_picture_and_labels_the_bars(tmp_path, assert_png_not_blank):
    logits = [2.0, 1.0, 0.1, -1.0]
    before = list(logits)
    figure = plot_softmax(logits, temperature=(0.5, 1, 2), labels=["cat", "dog", "bird", "fish"])
    assert_png_not_blank(figure, tmp_path / "softmax.png")
    assert logits == before
    probabilities_axes = figure.axes[1]
    written = [t.get_text() for t in probabilities_axes.texts]
    assert "0.64" in written                        # softmax([2, 1, 0.1, -1])[0] at T = 1
    _, axes = plt.subplots(1, 2)
    assert plot_softmax(logits, ax=axes) == tuple(axes)
