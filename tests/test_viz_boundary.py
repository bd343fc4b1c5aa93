"""viz.boundary: decision regions for scalar models, tensor models and plain functions."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl import Value
from microdl.nn import MLP, Linear, ReLU, Sequential, Sigmoid
from microdl.viz.boundary import (plot_boundary_evolution, plot_decision_boundary, scores_at,
                                  snapshot)

X = np.array([[-1.0, 0.5], [-0.5, -1.0], [-2.0, 0.0], [1.0, 1.0], [0.5, -0.5], [2.0, 0.3]])
Y01 = np.array([0, 0, 0, 1, 1, 1])


def texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_scalar_mlp(tmp_path, assert_png_not_blank):
    model = MLP(2, [4, 1], seed=0)
    fig = plot_decision_boundary(model, X, Y01, resolution=12)
    assert fig.axes[0].get_title().startswith("Decision boundary")
    assert_png_not_blank(fig, tmp_path / "scalar.png")


def test_scalar_model_is_left_as_it_was():
    model = MLP(2, [4, 1], seed=0)
    model.parameters()[0].grad = 0.25
    before = [(p.data, p.grad) for p in model.parameters()]
    plt.close(plot_decision_boundary(model, X, Y01, resolution=8))
    assert [(p.data, p.grad) for p in model.parameters()] == before
    assert "training" not in vars(model)


@pytest.mark.parametrize("outputs, y", [(3, np.array([0, 1, 2, 2, 1, 0])), (1, Y01)])
def test_tensor_model(tmp_path, outputs, y, assert_png_not_blank):
    model = Sequential(Linear(2, 8, seed=0), ReLU(), Linear(8, outputs, seed=1)).train()
    weights = [p.data.copy() for p in model.parameters()]
    fig = plot_decision_boundary(model, X, y, resolution=30)
    assert_png_not_blank(fig, tmp_path / "tensor.png")
    assert all(np.array_equal(a, p.data) for a, p in zip(weights, model.parameters()))
    assert all(p._grad is None for p in model.parameters()) and model.training


def test_a_function_and_plus_minus_one_labels_give_the_exact_answer():
    fig, ax = plt.subplots()
    returned = plot_decision_boundary(lambda points: points[:, 0], X, Y01 * 2 - 1, ax=ax, resolution=20)
    assert returned is ax
    assert "100%" in ax.get_title()
    assert not any(t.startswith("misclassified") for t in texts(ax))
    plt.close(fig)


def test_misclassified_points_are_counted_in_the_legend():
    fig = plot_decision_boundary(lambda points: -points[:, 0], X, Y01, resolution=10)
    assert "misclassified (6)" in texts(fig.axes[0]) and "0%" in fig.axes[0].get_title()
    plt.close(fig)


def test_sigmoid_outputs_are_cut_at_one_half():
    tensor_model = Sequential(Linear(2, 1, seed=0), Sigmoid())
    tensor_model[0].weight.data[...] = [[5.0, 0.0]]
    scalar_model = MLP(2, [1], output_activation="sigmoid", seed=0)
    scalar_model.layers[0].neurons[0].w[0].data, scalar_model.layers[0].neurons[0].w[1].data = 5.0, 0.0
    scalar_model.layers[0].neurons[0].b.data = 0.0
    for model in (tensor_model, scalar_model):
        fig = plot_decision_boundary(model, X, Y01, resolution=10)
        assert "100%" in fig.axes[0].get_title()
        plt.close(fig)


def test_scalar_model_with_several_outputs_uses_the_largest():
    scores = scores_at(MLP(2, [3], seed=0), X)
    assert scores.shape == (6, 3)
    model = lambda points: [[Value(-p[0]), Value(p[0])] for p in points]  # a list of Values per point
    assert scores_at(model, X).shape == (6, 2)


def test_labels_must_match_the_outputs():
    with pytest.raises(ValueError, match="one output"):
        plot_decision_boundary(lambda p: p[:, 0], X, np.array([0, 1, 2, 0, 1, 2]), resolution=5)
    with pytest.raises(ValueError, match="class indices 0..1"):
        plot_decision_boundary(lambda p: p, X, Y01 + 5, resolution=5)
    with pytest.raises(ValueError, match=r"\(n, 2\) points"):
        plot_decision_boundary(lambda p: p[:, 0], np.zeros((3, 3)), [0, 1, 0])


def test_evolution_of_snapshots(tmp_path, assert_png_not_blank):
    model = MLP(2, [3, 1], seed=0)
    first = snapshot(model)
    for p in model.parameters():
        p.data += 1.0
    assert first.parameters()[0].data != model.parameters()[0].data
    fig = plot_boundary_evolution([("start", first), ("later", model), ("rule", lambda p: p[:, 1])],
                                  X, Y01, resolution=8)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes[:3]] == ["start", "later", "rule"]
    assert fig.legends
    assert_png_not_blank(fig, tmp_path / "evolution.png")


def test_evolution_needs_snapshots():
    with pytest.raises(ValueError, match="snapshots is empty"):
        plot_boundary_evolution([], X, Y01)
