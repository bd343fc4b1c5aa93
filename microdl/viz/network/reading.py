"""Reading a network for its drawing: its fully connected layers, and what each neuron outputs.

    n_inputs, layers = network_layers(MLP(2, [4, 1], seed=0))   # [Dense, Dense]
    values = neuron_outputs(model, layers, inputs=[1.0, -2.0])    # [inputs, layer 1, layer 2]

A scalar Neuron, Layer or MLP, a tensor Linear, a Sequential of Linear layers and
activations (an activation joins the Linear before it), or a list of layer sizes.
"""
from dataclasses import dataclass, field

import numpy as np

from ...nn.activation_layers import LeakyReLU, ReLU, Sigmoid, Tanh
from ...nn.layers import Dropout, Flatten, Linear, Sequential
from ...nn.scalar import MLP, Layer, Neuron
from ...nn.walk import layer_outputs
from ...tensor import Tensor

__all__ = ["Dense", "network_layers", "neuron_outputs"]

_TENSOR_ACTIVATIONS = {ReLU: "relu", Tanh: "tanh", Sigmoid: "sigmoid", LeakyReLU: "leaky_relu"}


@dataclass
class Dense:
    """One fully connected layer: what the drawing needs, and how to run it."""
    weight: np.ndarray = None       # (out, in), or None when only sizes are known
    bias: np.ndarray = None         # (out,)
    activation: str = "linear"
    size: int = 0
    modules: list = field(default_factory=list)   # to compute activations from inputs


def _scalar_dense(neurons, module):
    weight = np.array([[w.data for w in n.w] for n in neurons])
    bias = np.array([n.b.data for n in neurons])
    return Dense(weight, bias, neurons[0].activation, len(neurons), [module])


def _tensor_dense(linear):
    weight = np.array(linear.weight.data, dtype=float)
    bias = np.zeros(len(weight)) if linear.bias is None else np.array(linear.bias.data, dtype=float)
    return Dense(weight, bias, "linear", len(weight), [linear])


def _from_sequential(model):
    layers = []
    for index, module in enumerate(model.layers):
        if isinstance(module, Linear):
            layers.append(_tensor_dense(module))
        elif type(module) in _TENSOR_ACTIVATIONS and layers and layers[-1].activation == "linear":
            layers[-1].activation = _TENSOR_ACTIVATIONS[type(module)]
            layers[-1].modules.append(module)
        elif isinstance(module, Dropout) or (isinstance(module, Flatten) and not layers):
            continue  # no weights: nothing to draw
        else:
            raise ValueError(f"draw_network draws fully connected networks (Linear layers and activations); "
                             f"layers[{index}] is a {type(module).__name__}. For a CNN use "
                             f"viz.plot_filters and viz.plot_feature_maps")
    return layers


def network_layers(model_or_sizes):
    """(number of inputs, [Dense per layer]) for any network draw_network accepts."""
    m = model_or_sizes
    if isinstance(m, Neuron):
        return len(m.w), [_scalar_dense([m], m)]
    if isinstance(m, Layer):
        return len(m.neurons[0].w), [_scalar_dense(m.neurons, m)]
    if isinstance(m, MLP):
        return len(m.layers[0].neurons[0].w), [_scalar_dense(layer.neurons, layer) for layer in m.layers]
    if isinstance(m, Linear):
        return m.in_features, [_tensor_dense(m)]
    if isinstance(m, Sequential):
        layers = _from_sequential(m)
        if not layers:
            raise ValueError("the Sequential has no Linear layer to draw")
        return layers[0].weight.shape[1], layers
    if isinstance(m, (list, tuple)) and len(m) >= 2 and all(map(_is_layer_size, m)):
        return int(m[0]), [Dense(size=int(s)) for s in m[1:]]
    raise TypeError(f"draw_network takes a Neuron, Layer, MLP, Linear, a Sequential of Linear layers, or "
                    f"layer sizes like [3, 4, 1]; got {type(m).__name__}")


def _is_layer_size(size):
    return isinstance(size, (int, np.integer)) and size > 0


def neuron_outputs(model, layers, inputs):
    """[input values, outputs of layer 1, ...] for one input vector (nn.layer_outputs, which
    leaves the model untouched): each drawn layer shows the output of its last module."""
    values = [np.asarray(inputs, dtype=float).reshape(-1)]
    if len(values[0]) != (layers[0].weight.shape[1] if layers[0].weight is not None else -1):
        raise ValueError(f"inputs has {len(values[0])} numbers, the network takes "
                         f"{layers[0].weight.shape[1] if layers[0].weight is not None else 'weights to run'}")
    first = layers[0].modules[0]
    batch = Tensor(values[0][None].astype(first.weight.dtype)) if isinstance(first, Linear) else [values[0]]
    output_of = {id(module): output for _, module, output in layer_outputs(model, batch)}
    for layer in layers:
        out = output_of[id(layer.modules[-1])]
        if isinstance(out, Tensor):
            values.append(np.array(out.data[0], dtype=float))
        else:  # one example's result: a Value, or a list of Values
            values.append(np.array([v.data for v in (out[0] if isinstance(out[0], list) else [out[0]])]))
    return values
