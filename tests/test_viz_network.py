"""viz.network: neurons and weighted edges for a Neuron, an MLP, a tensor network or sizes."""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl.nn import MLP, Conv2d, Dropout, Linear, Neuron, ReLU, Sequential, Sigmoid
from microdl.viz.network import draw_network, network_layers


def all_texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def perceptron():
    return Neuron(3, activation="sigmoid", weights=[.3, .5, .2], bias=-0.1)


def test_perceptron_shows_weights_bias_activation_and_names(tmp_path, assert_png_not_blank):
    fig = draw_network(perceptron())
    texts = all_texts(fig)
    assert {"0.3", "0.5", "0.2"} <= set(texts)
    assert "σ\nb=\u22120.1" in texts
    assert {"$x_{1}$", "$x_{2}$", "$x_{3}$", "$y$"} <= set(texts)
    assert fig.axes[0].get_title() == "One neuron: y = σ(w·x + b)"
    assert any(ax.get_ylabel().startswith("weight") for ax in fig.axes)  # the colour bar
    assert_png_not_blank(fig, tmp_path / "perceptron.png")


def test_perceptron_with_inputs_shows_the_output():
    fig = draw_network(perceptron(), inputs=[1, 0, 1])
    expected = 1 / (1 + math.exp(-(0.3 + 0.2 - 0.1)))
    assert f"{expected:.2f}".rstrip("0") in all_texts(fig)
    plt.close(fig)


def test_mlp_with_inputs_leaves_the_model_alone(tmp_path, assert_png_not_blank):
    model = MLP(2, [3, 1], seed=0)
    model.parameters()[0].grad = 0.5
    before = [(p.data, p.grad) for p in model.parameters()]
    fig = draw_network(model, inputs=[0.5, -1.0])
    assert [(p.data, p.grad) for p in model.parameters()] == before
    assert fig.axes[0].get_title().startswith("MLP: 2 → 3 → 1")
    assert_png_not_blank(fig, tmp_path / "mlp.png")


def test_big_mlp_draws_without_numbers(tmp_path, assert_png_not_blank):
    fig = draw_network(MLP(2, [16, 16, 1], seed=0))
    assert not any(t[:1].isdigit() or t.startswith("\u2212") for t in all_texts(fig))
    assert_png_not_blank(fig, tmp_path / "big.png")


def test_tensor_sequential_matches_the_model():
    model = Sequential(Linear(4, 5, seed=0), ReLU(), Dropout(0.5), Linear(5, 2, seed=1), Sigmoid()).train()
    n_inputs, layers = network_layers(model)
    assert n_inputs == 4 and [l.activation for l in layers] == ["relu", "sigmoid"]
    assert np.array_equal(layers[1].weight, model[3].weight.data)
    fig = draw_network(model, inputs=[1, 2, 0, -1])
    assert model.training and model[2].training
    assert all(p._grad is None for p in model.parameters())
    plt.close(fig)


def test_sizes_and_axes(tmp_path, assert_png_not_blank):
    fig, ax = plt.subplots()
    assert draw_network([3, 4, 1], ax=ax) is ax
    assert_png_not_blank(fig, tmp_path / "sizes.png")


def test_errors_say_what_to_draw_instead():
    with pytest.raises(ValueError, match="plot_filters"):
        draw_network(Sequential(Conv2d(1, 2, 3)))
    with pytest.raises(TypeError, match="layer sizes"):
        draw_network("3-4-1")
    with pytest.raises(ValueError, match="inputs has 2 numbers"):
        draw_network(perceptron(), inputs=[1, 2])
    with pytest.raises(ValueError, match="one name per neuron"):
        draw_network(perceptron(), input_names=["a"])
