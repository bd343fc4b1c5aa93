"""The loss on a grid over a plane through a network's weights, evaluated fast.

    losses = plane_losses(model, plane, loss_fn, X, y, a, b)     # (len(b), len(a))

losses[j, i] is the model's loss on (X, y) at weights  c + a[i] d1 + b[j] d2  (plane.py),
exactly what model_weights.loss_at gives there. What makes it fast (measured by
benchmarks/bench_landscape.py):

* one evaluation mode and one no_grad around the whole grid, and the data made a
  Tensor once, not at every point;
* each point's weights are written in place into the parameters from one reused buffer;
* the first layer runs once for the whole grid when it is linear in its weights (a
  Linear or Conv2d first in a Sequential). The plane's directions are zero on biases, so
      layer(x; c + a d1 + b d2) = layer(x; c) + a layer(x; d1) + b layer(x; d2)
  and a grid point starts at the second layer from three precomputed outputs.
"""
import numpy as np

from ...autodiff import no_grad
from ...nn.layers import Conv2d, Linear, Sequential
from ...nn.module import evaluation_mode
from ...nn.scalar import MLP
from ...tensor import Tensor
from .model_weights import loss_at

__all__ = ["plane_losses"]


def plane_losses(model, plane, loss_fn, X, y, a, b):
    """(len(b), len(a)) losses on the plane's grid; the model's weights are put back after."""
    weights = plane.weights
    original = weights.get()
    losses = np.empty((len(b), len(a)))
    try:
        with evaluation_mode(model), no_grad():
            if isinstance(model, MLP):
                evaluate = _whole_model(model, loss_fn, X, y)
            else:
                evaluate = _from_second_layer(model, plane, loss_fn, X, y) or _whole_model(model, loss_fn, X, y)
            theta = np.empty_like(plane.centre)
            for j, bj in enumerate(b):
                for i, ai in enumerate(a):
                    np.multiply(plane.directions[0], ai, out=theta)      # theta = c + a d1 + b d2
                    theta += plane.centre
                    theta += bj * plane.directions[1]
                    weights.set(theta)
                    losses[j, i] = evaluate(ai, bj)
    finally:
        weights.set(original)
    return losses


def _whole_model(model, loss_fn, X, y):
    """A grid point's loss by the model's full forward (what loss_at does), data converted once."""
    X = X if isinstance(model, MLP) else Tensor(X)
    return lambda a, b: loss_at(model, loss_fn, X, y, batch_size=len(X))


def _from_second_layer(model, plane, loss_fn, X, y):
    """The loss from three precomputed first-layer outputs (see the module docstring), or
    None when the model does not start with a Linear or Conv2d in a Sequential."""
    if not (isinstance(model, Sequential) and len(model) > 1 and isinstance(model[0], (Linear, Conv2d))):
        return None
    weights, first, rest = plane.weights, model[0], Sequential(*model.layers[1:])
    X = Tensor(X)
    outputs = []
    for theta in (plane.centre, *plane.directions):        # layer(x; c), layer(x; d1), layer(x; d2)
        weights.set(theta)
        outputs.append(np.array(first(X).data))
    base, along_1, along_2 = outputs
    buffer = np.empty_like(base)

    def evaluate(a, b):
        here = np.multiply(along_1, a, out=buffer)             # (N, ...) the first layer's output here
        here += base
        here += b * along_2
        return float(np.asarray(loss_fn(rest(Tensor(here)), y).data))
    return evaluate
