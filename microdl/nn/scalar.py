"""Neurons, layers and MLPs on the scalar engine: y = phi(sum_i w_i x_i + b).

micrograd-compatible: `MLP(2, [16, 16, 1])` has ReLU hidden layers and a linear output,
`Neuron(nin, nonlin=False)` is linear. Every parameter is a `Value` with a readable
label (`L1.N3.w0` is weight 0 of neuron 3 in layer 1) that graph diagrams show.

>>> n = Neuron(3, activation="sigmoid", weights=[0.3, 0.5, 0.2], bias=0.0)
>>> round(n([1.0, 1.0, 1.0]).data, 4)   # sigmoid(0.3 + 0.5 + 0.2)
0.7311
"""
import math

from ..rng import generator
from ..value import Value
from .module import Module

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS", "as_values"]

#: activation name -> what it does to a Value
ACTIVATIONS = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "linear": None,
}


def _activation(name, nonlin):
    if nonlin is not None:  # micrograd's spelling: nonlin=True is ReLU, False is linear
        return "relu" if nonlin else "linear"
    if name is None:
        return "linear"
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


class Neuron(Module):
    """One neuron: `activation(w . x + b)`.

    Weights start uniform in +-1/sqrt(nin) from `seed`, or are given:
    `Neuron(3, activation="sigmoid", weights=[.3, .5, .2], bias=0.1)`.
    """
    _item_names = {"w": "w{i}"}

    def __init__(self, nin, activation="relu", *, weights=None, bias=None, seed=None,
                 nonlin=None):
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int (the number of inputs), got {nin!r}")
        self.activation = _activation(activation, nonlin)
        bound = 1.0 / math.sqrt(nin)
        rng = generator(seed) if weights is None or bias is None else None
        if weights is None:
            weights = rng.uniform(-bound, bound, nin).tolist()
        elif len(weights) != nin:
            raise ValueError(f"Neuron({nin}): got {len(weights)} weights, expected {nin}")
        if bias is None:
            bias = float(rng.uniform(-bound, bound))
        self.w = [Value(wi, label=f"w{i}") for i, wi in enumerate(weights)]
        self.b = Value(bias, label="b")

    def forward(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"Neuron with {len(self.w)} inputs called on {len(x)} values")
        z = Value.dot(self.w, x, self.b)  # w . x + b, one node
        act = ACTIVATIONS[self.activation]
        return act(z) if act else z

    def extra_repr(self):
        return f"{len(self.w)}, activation={self.activation!r}"


class Layer(Module):
    """`nout` neurons that all see the same `nin` inputs; returns a list of Values
    (a single Value when nout == 1, as in micrograd)."""
    _item_names = {"neurons": "N{n}"}
    _repr_children = False

    def __init__(self, nin, nout, activation="relu", *, seed=None, nonlin=None):
        rng = generator(seed)
        self.neurons = [Neuron(nin, activation, seed=rng, nonlin=nonlin) for _ in range(nout)]
        _label_parameters(self)

    def forward(self, x):
        x = as_values(x)  # once for all neurons
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def extra_repr(self):
        return f"{len(self.neurons[0].w)}, {len(self.neurons)}, activation={self.neurons[0].activation!r}"


class MLP(Module):
    """A multi-layer perceptron: `MLP(2, [16, 16, 1])` is 2 inputs -> 16 -> 16 -> 1.

    Hidden layers use `activation` (ReLU), the last layer `output_activation` (linear).
    Parameters are labelled `L1.N1.w0`, `L1.N1.b`, ... for diagrams.
    """
    _item_names = {"layers": "L{n}"}

    def __init__(self, nin, nouts, activation="relu", output_activation="linear", *, seed=None):
        sizes = [nin] + list(nouts)
        rng = generator(seed)
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1],
                             output_activation if i == last else activation, seed=rng)
                       for i in range(len(nouts))]
        _label_parameters(self)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def extra_repr(self):
        sizes = [len(self.layers[0].neurons[0].w)] + [len(l.neurons) for l in self.layers]
        return " -> ".join(map(str, sizes))


def _label_parameters(module):
    """Give every parameter its dotted name as a label, for graph diagrams."""
    for name, p in module.named_parameters():
        p.label = name


def as_values(xs):
    """Inputs as a tuple of Values (numbers become leaf Values, shown as inputs in graphs)."""
    if isinstance(xs, Value):
        xs = (xs,)
    return tuple(x if isinstance(x, Value) else Value(x) for x in xs)
