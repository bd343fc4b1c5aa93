"""A scalar model's forward pass redone in NumPy, for pictures only (never for training).

    scores = numpy_forward(MLP(2, [8, 8, 2], seed=0))(points)    # (n, 2) -> (n, 2)
    outputs = numpy_layer_outputs(model, points)                 # [(n, 8), (n, 8), (n, 2)]
    numpy_dead_relus(model, X)                                   # {"L1 (Layer)": 0.25, ...}

A live frame asks the model about thousands of points (the decision-boundary grid, every
neuron's heatmap). Through `Value`s that is one Python object per multiply: ~0.3 ms a
point for MLP(2, [8, 8, 2]). The same weights as arrays give the same numbers (to float64
rounding) a hundred times faster: activation(points @ W.T + b), layer by layer.
"""
import numpy as np

from ...nn.scalar import MLP, Layer, Neuron
from ..network.reading import network_layers

__all__ = ["numpy_forward", "numpy_layer_outputs", "numpy_dead_relus"]


def _sigmoid(x):
    # 1 / (1 + e^-x) written so that neither side overflows (as Value.sigmoid)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


#: the scalar engine's activations (nn/scalar.py ACTIVATIONS), on arrays
ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),     # Value.leaky_relu's slope
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
}


def numpy_layer_outputs(model, points):
    """[(n, neurons) per layer]: what every neuron of a scalar Neuron / Layer / MLP outputs."""
    _, layers = network_layers(model)
    x = np.asarray(points, dtype=float)
    outputs = []
    for layer in layers:
        x = ACTIVATIONS[layer.activation](x @ layer.weight.T + layer.bias)   # (n, out)
        outputs.append(x)
    return outputs


def numpy_forward(model):
    """A function (n, inputs) -> (n, outputs) computing what `model` would, with today's
    weights; None when `model` is not a scalar Neuron, Layer or MLP (a student's own class)."""
    if not isinstance(model, (Neuron, Layer, MLP)):
        return None

    def scores(points):
        return numpy_layer_outputs(model, points)[-1]
    return scores


def numpy_dead_relus(model, X):
    """{layer name: fraction of its ReLUs that output 0 for every example in X}, as
    train.dead_relu_fractions names them, for a scalar MLP; None for any other model."""
    if not isinstance(model, MLP):
        return None
    names = {id(child): name for name, child in model.named_children()}
    fractions = {}
    for layer, output in zip(model.layers, numpy_layer_outputs(model, X)):
        if layer.neurons[0].activation == "relu":
            name = f"{names.get(id(layer), '')} ({type(layer).__name__})"
            fractions[name] = float(1.0 - (output > 0).any(axis=0).mean())
    return fractions
