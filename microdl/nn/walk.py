"""One walk over a model's layers: what each layer outputs, in order, for one batch.

    for name, layer, output in layer_outputs(model, X):
        print(name, type(layer).__name__, output.shape)

Feature maps, the network drawing and the dead-ReLU counts of training all look
inside the same forward pass; this is the one place that runs it layer by layer.
"""
import numpy as np

from ..autodiff import no_grad
from ..tensor import Tensor
from ..value import Value
from .module import evaluation_mode

__all__ = ["layer_outputs"]


def layer_outputs(model, x):
    """[(name, layer, output)] for each layer of `model`, in order, on the batch `x`.

    The layers: a model with a `layers` list (a Sequential, a scalar MLP) is walked
    through them, named as `named_children()` names them ("0", "1", ... or "L1",
    "L2", ...); any other module (a Neuron, a Layer, a Linear) is one layer named "".
    Tensor engine: x is a Tensor or an array (N, ...); each output is a Tensor (N, ...).
    Scalar engine: x is N examples of numbers (N, inputs); each output is a list of
    N results, what the layer returned for each example (a Value or a list of Values).
    Runs in evaluation mode without recording a graph; the model is left as it was.
    """
    names = {id(child): name for name, child in model.named_children()}
    layers = getattr(model, "layers", None) or [model]
    named = [(names.get(id(layer), ""), layer) for layer in layers]
    params = model.parameters()
    scalar = bool(params) and isinstance(params[0], Value)
    outputs = []
    with evaluation_mode(model), no_grad():
        h = np.asarray(x, dtype=float).tolist() if scalar else x if isinstance(x, Tensor) else Tensor(x)
        for name, layer in named:
            h = [layer(example) for example in h] if scalar else layer(h)
            outputs.append((name, layer, h))
    return outputs
