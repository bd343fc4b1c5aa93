"""Looking inside a network while it learns: the gradient norm of each layer and the
fraction of its ReLUs that are dead. `fit(track_gradients=True)` records them; the live
view and `viz.plot_gradient_norms` / `plot_dead_relus` draw them.
"""
import math

import numpy as np

from .nn.walk import layer_outputs

__all__ = ["parameter_groups", "layer_gradient_norms", "dead_relu_fractions", "layer_labels"]


def parameter_groups(model):
    """{layer name: its parameters}: the model's direct children that hold parameters
    (the layers of a Sequential or a scalar MLP), or the model itself."""
    groups = {_layer_name(name, child): child.parameters()
              for name, child in model.named_children() if child.parameters()}
    return groups or {type(model).__name__: model.parameters()}


def layer_gradient_norms(model):
    """{layer name: sqrt(sum of squared gradients of its parameters)}."""
    norms = {}
    for name, params in parameter_groups(model).items():
        total = sum(float(np.sum(np.square(p.grad))) for p in params if p.requires_grad)
        norms[name] = math.sqrt(total)
    return norms


def dead_relu_fractions(model, X):
    """{ReLU layer: fraction of its units that output 0 for every example in X}.

    A dead unit passes no gradient back (relu'(x) = 0 for x <= 0), so it never learns.
    Works for models with a `.layers` list (Sequential, scalar MLP).
    """
    if not getattr(model, "layers", None) or X is None:
        return {}
    fractions = {}
    for name, layer, output in layer_outputs(model, X):
        active = _relu_activity(layer, output)
        if active is not None:
            fractions[_layer_name(name, layer)] = float(1.0 - active.mean())
    return fractions


def layer_labels(model):
    """{key of the dicts above: the name a student reads}, one numbering everywhere.

    Layers with weights count from the input, as viz.curves.layer_names counts them:
    '0 (Linear)' -> 'layer 1 (Linear 2→8)', the last -> 'layer 3 (Linear 8→2, output)'.
    A ReLU ('1 (ReLU)') takes the name of the layer whose outputs it switches off, so
    "layer 1: 71 % of its ReLUs dead" and the gradient of layer 1 sit on the same line.
    """
    children = list(model.named_children()) or [(None, model)]
    weighted = [child for _, child in children if child.parameters()]
    labels, current = {}, None
    for name, child in children:
        key = type(model).__name__ if name is None else _layer_name(name, child)
        if child.parameters():
            number = weighted.index(child) + 1
            output = ", output" if number == len(weighted) > 1 else ""
            current = f"layer {number} ({_layer_shape(child)}{output})"
        if current is not None:
            labels[key] = current
    return labels


def _layer_shape(layer):
    """'Linear 2→8', 'Conv2d 1→8 3x3', 'Layer 2→8 relu' (a scalar layer of neurons)."""
    kind = type(layer).__name__
    if hasattr(layer, "in_features"):
        return f"{kind} {layer.in_features}\u2192{layer.out_features}"
    if hasattr(layer, "in_channels"):
        return f"{kind} {layer.in_channels}\u2192{layer.out_channels} {'x'.join(map(str, layer.kernel_size))}"
    neurons = getattr(layer, "neurons", None)
    if neurons:
        return f"{kind} {len(neurons[0].w)}\u2192{len(neurons)} {neurons[0].activation}"
    if hasattr(layer, "w"):                     # one Neuron
        return f"{kind} {len(layer.w)}\u21921 {layer.activation}"
    return kind


def _layer_name(name, layer):
    """How histories name a layer: its place in the model and its kind, '3 (Conv2d)'."""
    return f"{name} ({type(layer).__name__})"


def _relu_activity(layer, output):
    """Per unit: was it ever > 0 on the batch? None if the layer is not a ReLU."""
    if type(layer).__name__ == "ReLU":
        return (output.data > 0).any(axis=0).reshape(-1)
    neurons = getattr(layer, "neurons", None)
    if neurons and neurons[0].activation == "relu":
        rows = [[v.data for v in (o if isinstance(o, list) else [o])] for o in output]
        return (np.asarray(rows) > 0).any(axis=0)
    return None
