"""A scalar MLP, Layer or Neuron as the same network of tensor layers, and back.

A scalar `Layer` of `nout` neurons with `nin` inputs computes activation(W x + b) with
W[j, i] = neuron j's weight i: exactly `Linear(nin, nout)` and an activation layer.
`MLP(2, [16, 16, 1])` (ReLU hidden layers, linear output, as micrograd) becomes

    Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(), Linear(16, 1))

which takes a batch (N, nin) where the scalar model takes one example of nin numbers.
Exporting a scalar model goes through this twin, so the exporters know only tensor layers.
"""
import numpy as np

from .. import nn
from .layers import ExportError

__all__ = ["is_scalar_model", "as_tensor_model", "copy_into_scalar_model"]

#: a scalar activation's name -> the tensor layer computing it (None: linear, no layer)
ACTIVATION_LAYERS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                     "leaky_relu": nn.LeakyReLU,   # slope 0.01, Value.leaky_relu's default
                     "linear": None}


def is_scalar_model(model):
    return isinstance(model, (nn.MLP, nn.Layer, nn.Neuron))


def _neuron_rows(model):
    """The model's layers, each a list of its neurons."""
    if isinstance(model, nn.Neuron):
        return [[model]]
    if isinstance(model, nn.Layer):
        return [model.neurons]
    return [layer.neurons for layer in model.layers]


def _activation(neurons, where):
    names = {n.activation for n in neurons}
    if len(names) != 1:
        raise ExportError(f"{where}: its neurons use different activations ({', '.join(sorted(names))}); "
                          f"a Linear layer applies one activation to all of them")
    name = names.pop()
    if name not in ACTIVATION_LAYERS:
        raise ExportError(f"{where}: activation {name!r} has no tensor layer; supported: "
                          f"{', '.join(ACTIVATION_LAYERS)}")
    return ACTIVATION_LAYERS[name]


def as_tensor_model(model, dtype=np.float32):
    """The tensor-engine Sequential computing what the scalar `model` computes, same weights."""
    layers = []
    for k, neurons in enumerate(_neuron_rows(model), 1):
        activation = _activation(neurons, f"scalar layer L{k}")
        linear = nn.Linear(len(neurons[0].w), len(neurons), dtype=dtype)
        linear.weight.data[...] = [[w.data for w in n.w] for n in neurons]   # (nout, nin)
        linear.bias.data[...] = [n.b.data for n in neurons]
        layers += [linear] + ([activation()] if activation else [])
    return nn.Sequential(*layers)


def copy_into_scalar_model(model, tensor_model):
    """Copy the weights of `as_tensor_model(model)`'s shape back into the scalar `model`."""
    linears = [layer for layer in tensor_model if isinstance(layer, nn.Linear)]
    for neurons, linear in zip(_neuron_rows(model), linears):
        for j, neuron in enumerate(neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(linear.weight.data[j, i])
            neuron.b.data = float(linear.bias.data[j])
    return model
