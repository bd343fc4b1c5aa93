"""The loss on a grid over a plane through a network's weights, evaluated fast.

    losses = plane_losses(model, plane, loss_fn, X, y, a, b)     # (len(b), len(a))

losses[j, i] is the model's loss on (X, y) at weights  c + a[i] d1 + b[j] d2  (plane.py),
exactly what model_weights.loss_at gives there: one forward pass a point, in one
evaluation mode and one no_grad around the whole grid, the data made a Tensor once, each
point's weights written into the parameters from one reused buffer. A point costs one
forward pass over X, so the budget is the grid and the examples (real_landscape.py:
15 x 15 on 256 images for a CNN); benchmarks/bench_landscape.py measures it.

(Tried and dropped: running the first layer once for the whole grid, since it is linear
in its weights. On the lesson-9 CNN it saved nothing measurable: the second convolution
is most of the work.)
"""
import numpy as np

from ...autodiff import no_grad
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
            evaluate = _whole_model(model, loss_fn, X, y)
            theta = np.empty_like(plane.centre)
            for j, bj in enumerate(b):
                for i, ai in enumerate(a):
                    np.multiply(plane.directions[0], ai, out=theta)      # theta = c + a d1 + b d2
                    theta += plane.centre
                    theta += bj * plane.directions[1]
                    weights.set(theta)
                    losses[j, i] = evaluate()
    finally:
        weights.set(original)
    return losses


def _whole_model(model, loss_fn, X, y):
    """A grid point's loss by the model's full forward (what loss_at does), data converted once."""
    X = X if isinstance(model, MLP) else Tensor(X)
    return lambda: loss_at(model, loss_fn, X, y, batch_size=len(X))
