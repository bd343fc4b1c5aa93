"""The real loss of a network along two of its weights: a Loss2D that runs the network.

    model = nn.MLP(2, [8, 1], seed=0)
    loss = network_loss(model, X, y, weights=("L1.N1.w0", "L2.N1.w1"))
    descent_path(loss, lr=0.1, engine=loss.engine)      # every step: forward + backward
    plot_landscape(loss, ...)                            # contours: the loss on a grid

Every other weight stays where it is; L(p1, p2) is the model's loss over all of (X, y)
with the two chosen weights set to p1 and p2. On parameters, the two weights are put
into the model in place of its own (and taken out again afterwards), so the loss is a
real microdl graph and `.backward()` gives the real gradient. On a grid the loss is
evaluated point by point (model_weights.loss_at) and remembered, since a network costs
far more than a formula: `grid_resolution` is 31 points a side by default.
"""
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ...nn.module import evaluation_mode
from ...tensor import Tensor
from ...inference import forward
from .losses import Loss2D, _settings
from .model_weights import ModelWeights, default_loss_fn, loss_at

__all__ = ["NetworkLoss", "network_loss"]


@dataclass(frozen=True, eq=False, repr=False)
class NetworkLoss(Loss2D):
    """A Loss2D along two weights of a real network; `engine` is what descent_path needs
    ("value" for a scalar MLP, "tensor" for a Tensor model), `weight_names` which two."""
    engine: str = "tensor"
    weight_names: tuple = ()
    grid_cache: dict = field(default_factory=dict, repr=False)


def network_loss(model, X, y, loss_fn=None, weights=None, span=None, resolution=31):
    """The loss of `model` on (X, y) as a function of two of its weights, the rest fixed.

    weights:  two of the model's numbers: names ("L1.N1.w0" for a scalar MLP,
              "0.weight[3, 1]" for a Tensor model) or positions in the flat weight vector
              (ints); default the first two numbers of the first parameter.
    loss_fn:  loss_fn(outputs, y) as in train.fit; default mean squared error for one
              output, cross-entropy for class scores.
    span:     the window is the weights' values +- span (default max(2, 2 |w|)).
    The lowest grid point stands in for the minimum (a network's is not known exactly),
    and the teaching learning rates come from the curvature at the current weights.
    """
    X = np.asarray(X, dtype=float) if not np.issubdtype(np.asarray(X).dtype, np.floating) else np.asarray(X)
    y = np.asarray(y)
    loss_fn = loss_fn or default_loss_fn(model, y)
    flat = ModelWeights(model)
    chosen = tuple(flat.index(w) for w in (weights or (0, 1)))
    if len(chosen) != 2 or chosen[0] == chosen[1]:
        raise ValueError(f"network_loss: choose two different weights, got {weights!r}")
    names = tuple(flat.name_of(i) for i in chosen)
    here = flat.get()[list(chosen)]
    reach = [span or max(2.0, 2 * abs(v)) for v in here]
    view = tuple((float(v - r), float(v + r)) for v, r in zip(here, reach))

    def on_grid(p1, p2):
        return _grid_losses(flat, chosen, loss_fn, X, y, p1, p2, cache)

    def on_parameters(p1, p2):
        with evaluation_mode(model), _substituted(flat, chosen, (p1, p2)):
            return loss_fn(forward(model, X), y)

    cache = {}
    P1, P2 = np.meshgrid(np.linspace(*view[0], resolution), np.linspace(*view[1], resolution))
    L = on_grid(P1, P2)
    lowest = np.unravel_index(np.nanargmin(L), L.shape)
    steepest = _steepest_curvature(on_grid, here, [r / 20 for r in reach])
    lr = 1.0 / steepest
    return NetworkLoss(
        name=f"{type(model).__name__} loss along {names[0]} and {names[1]}",
        formula=f"the loss on {len(X)} examples, every other weight fixed",
        expression=on_parameters, grid_expression=on_grid, grid_resolution=resolution,
        minimum=(float(P1[lowest]), float(P2[lowest])), view=view, start=tuple(float(v) for v in here),
        parameter_names=names, steps=40,
        settings=_settings(gd=lr, momentum=0.5 * lr, beta=0.5, adam=0.05 * max(reach), rmsprop=0.02 * max(reach),
                           adagrad=0.3 * max(reach)),
        learning_rate_examples=(0.1 * lr, lr, 2.5 * lr),
        engine="value" if flat.scalar else "tensor", weight_names=names, grid_cache=cache)


def _grid_losses(flat, chosen, loss_fn, X, y, p1, p2, cache):
    """The loss at every (p1[i], p2[i]) (NumPy arrays of one shape), remembered by value."""
    p1, p2 = np.broadcast_arrays(np.asarray(p1, dtype=float), np.asarray(p2, dtype=float))
    key = hashlib.blake2b(p1.tobytes() + p2.tobytes() + str(p1.shape).encode()).hexdigest()
    if key not in cache:
        original = flat.get()
        theta = original.copy()
        values = np.empty(p1.size)
        try:
            for k, (a, b) in enumerate(zip(p1.reshape(-1).tolist(), p2.reshape(-1).tolist())):
                theta[list(chosen)] = a, b
                flat.set(theta)
                values[k] = loss_at(flat.model, loss_fn, X, y)
        finally:
            flat.set(original)
        cache[key] = values.reshape(p1.shape)
    return cache[key].copy()


def _steepest_curvature(on_grid, here, h):
    """The largest |eigenvalue| of the loss's Hessian at `here`, by central differences."""
    (a, b), (ha, hb) = here, h
    grid = on_grid(np.array([[a - ha, a, a + ha]] * 3), np.array([[b - hb] * 3, [b] * 3, [b + hb] * 3]))
    d_aa = (grid[1, 2] - 2 * grid[1, 1] + grid[1, 0]) / ha ** 2
    d_bb = (grid[2, 1] - 2 * grid[1, 1] + grid[0, 1]) / hb ** 2
    d_ab = (grid[2, 2] - grid[2, 0] - grid[0, 2] + grid[0, 0]) / (4 * ha * hb)
    steepest = float(np.max(np.abs(np.linalg.eigvalsh([[d_aa, d_ab], [d_ab, d_bb]]))))
    return steepest if np.isfinite(steepest) and steepest > 1e-6 else 1.0


@contextmanager
def _substituted(flat, chosen, new_values):
    """Inside the block the model computes with `new_values` (two Values, or two 0-d Tensors)
    in place of its weights number `chosen`; afterwards its own parameters are back.

    A scalar weight is swapped for the Value itself. A Tensor weight becomes
    `constant + p * one_hot`, so the gradient flows to p through the engine's own ops.
    """
    swaps = {}
    for i, value in zip(chosen, new_values):
        k = int(np.searchsorted(flat.offsets, i, side="right") - 1)
        original = swaps.get(k, (flat.named[k][1], None))[0]
        if flat.scalar:
            swaps[k] = (original, value)
            continue
        current = swaps.get(k, (original, Tensor(original.data.astype(float))))[1]
        one_hot = np.zeros(original.data.shape)
        one_hot.reshape(-1)[i - flat.offsets[k]] = 1.0
        constant = Tensor(np.where(one_hot > 0, 0.0, 1.0)) * current
        swaps[k] = (original, constant + value * Tensor(one_hot))
    replaced = {id(original): new for original, new in swaps.values()}
    restore = _swap_attributes(flat.model, replaced)
    try:
        yield
    finally:
        restore()


def _swap_attributes(model, replaced):
    """Point every module attribute (or list item) holding a replaced parameter at its
    replacement; returns the function that puts the originals back."""
    undo = []
    for _, module in model.named_modules():
        for attr, value in list(vars(module).items()):
            if id(value) in replaced:
                setattr(module, attr, replaced[id(value)])
                undo.append(lambda m=module, a=attr, v=value: setattr(m, a, v))
            elif isinstance(value, list):
                for j, item in enumerate(value):
                    if id(item) in replaced:
                        value[j] = replaced[id(item)]
                        undo.append(lambda lst=value, j=j, v=item: lst.__setitem__(j, v))

    def restore():
        for action in reversed(undo):
            action()
    return restore
