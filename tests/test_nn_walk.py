"""nn.walk.layer_outputs: one walk over a model's layers, for both engines."""
import numpy as np

from microdl import Tensor, Value
from microdl.nn import (MLP, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Neuron, ReLU,
                        Sequential, layer_outputs)


def small_cnn():
    return Sequential(Conv2d(1, 4, 3, padding=1, seed=0), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                      Conv2d(4, 6, 3, seed=1), ReLU(), Dropout(0.5, seed=0), Flatten(),
                      Linear(6 * 2 * 2, 3, seed=2))


def test_tensor_layers_in_order_with_their_outputs():
    model = small_cnn()
    x = np.random.default_rng(0).normal(size=(2, 1, 8, 8)).astype(np.float32)
    outputs = layer_outputs(model, x)
    assert [name for name, _, _ in outputs] == [str(i) for i in range(len(model))]
    assert all(layer is module for (_, layer, _), module in zip(outputs, model))
    assert [out.shape for _, _, out in outputs] == [(2, 4, 8, 8), (2, 4, 8, 8), (2, 4, 8, 8), (2, 4, 4, 4),
                                                    (2, 6, 2, 2), (2, 6, 2, 2), (2, 6, 2, 2), (2, 24), (2, 3)]
    model.eval()  # the walk runs in evaluation mode (BatchNorm's running statistics, no dropout)
    expected = x
    for (_, layer, out) in outputs:
        expected = layer(Tensor(expected) if isinstance(expected, np.ndarray) else expected)
        assert np.allclose(out.data, expected.data, atol=1e-6)


def test_tensor_walk_leaves_the_model_as_it_was():
    model = small_cnn()
    running_mean = model[1].running_mean.copy()
    outputs = layer_outputs(model, Tensor(np.ones((1, 1, 8, 8), dtype=np.float32)))
    assert model.training and all(m.training for m in model)
    assert np.array_equal(model[1].running_mean, running_mean)
    assert not any(out.requires_grad for _, _, out in outputs)  # no graph was recorded


def test_scalar_mlp_layers_per_example():
    model = MLP(2, [3, 1], seed=0)
    X = [[1.0, -2.0], [0.5, 0.25]]
    outputs = layer_outputs(model, X)
    assert [name for name, _, _ in outputs] == ["L1", "L2"]
    assert [layer for _, layer, _ in outputs] == model.layers
    hidden, final = outputs[0][2], outputs[1][2]
    assert len(hidden) == len(final) == 2                      # one result per example
    for row, h, y in zip(X, hidden, final):
        assert [v.data for v in h] == [v.data for v in model.layers[0](row)]
        assert y.data == model(row).data
        assert isinstance(y, Value) and y._prev == ()           # computed without a graph


def test_a_model_without_layers_is_its_own_single_layer():
    neuron = Neuron(3, activation="tanh", weights=[0.5, -1.0, 0.25], bias=0.1)
    [(name, layer, out)] = layer_outputs(neuron, [[1.0, 2.0, 3.0]])
    assert (name, layer) == ("", neuron)
    assert out[0].data == neuron([1.0, 2.0, 3.0]).data
    linear = Linear(3, 2, seed=0)
    [(name, layer, out)] = layer_outputs(linear, np.ones((4, 3), dtype=np.float32))
    assert (name, layer, out.shape) == ("", linear, (4, 2))
