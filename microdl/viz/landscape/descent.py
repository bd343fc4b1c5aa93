"""Descent paths: run a real microdl optimizer on a loss of two parameters, step by step.

    path = descent_path(quadratic_bowl(), optimizer="momentum", lr=0.1, steps=30)
    path.points, path.losses        # (k+1, 2) and (k+1,), read-only

What is here
  * `descent_path(...)`: runs a `microdl.optim` optimizer from a start, records every
    point and loss, and stops with `diverged=True` when the loss explodes (nothing is
    clipped); `DescentPath` (a LossPath that knows its optimizer) holds the result.
  * `OPTIMIZERS` (names -> classes) and `optimizer_name`, the words a legend uses.
"""
from dataclasses import dataclass

import numpy as np

from ... import optim
from ...tensor import Tensor
from ...value import Value
from .path import LossPath, exploded, read_only

__all__ = ["DescentPath", "descent_path", "OPTIMIZERS", "optimizer_name"]


#: optimizer names -> (class, default options)
OPTIMIZERS = {
    "sgd": (optim.SGD, {}),
    "gd": (optim.SGD, {}),
    "momentum": (optim.SGD, {"momentum": 0.9}),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adam": (optim.Adam, {}),
    "rmsprop": (optim.RMSprop, {}),
    "adagrad": (optim.Adagrad, {}),
}
_DISPLAY_NAMES = {"sgd": "gradient descent", "gd": "gradient descent", "adam": "Adam",
                  "rmsprop": "RMSprop", "adagrad": "Adagrad"}


@dataclass(frozen=True, eq=False)
class DescentPath(LossPath):
    """A LossPath made by `optimizer`: points[i] are the parameters after the i-th
    optimizer.step(); k = steps, or fewer when `diverged`."""
    optimizer: str

    def __repr__(self):
        end = f"diverged at step {self.steps}" if self.diverged else f"{self.steps} steps"
        return (f"DescentPath({self.label}: {end}, "
                f"loss {self.losses[0]:.4g} -> {self.losses[-1]:.4g})")


def descent_path(loss, start=None, optimizer="sgd", lr=None, steps=None, engine="tensor",
                 blowup=1e4, **optimizer_options):
    """Run a microdl optimizer on `loss` from `start`, recording every step.

    optimizer: "sgd" (plain gradient descent), "momentum", "nesterov", "adam", "rmsprop",
               "adagrad", an Optimizer class, or a factory `f(params, lr=lr, **options)`.
    lr:        default: the loss's teaching settings for this optimizer name (its lr and
               options, e.g. the momentum), overridden by **optimizer_options. With an
               explicit lr only OPTIMIZERS' defaults and your options apply.
    steps:     default loss.steps.
    engine:    "tensor" (one Tensor of shape (2,)) or "value" (two Values): the same path.
    The path stops early with diverged=True as soon as a coordinate or the loss is not
    finite, or the loss exceeds `blowup` times its starting value.
    Returns a DescentPath: points (k+1, 2), losses (k+1,).
    """
    start = _as_point(loss.start if start is None else start, "start")
    key = optimizer.lower() if isinstance(optimizer, str) else None
    if lr is None:
        if key not in loss.settings:
            raise ValueError(f"descent_path: no default learning rate for {optimizer!r} on "
                             f"{loss.name!r}; pass lr=")
        settings = {**loss.settings[key], **optimizer_options}
        lr = settings.pop("lr")
        optimizer_options = settings
    steps = loss.steps if steps is None else steps
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"descent_path: steps must be a whole number >= 0, got {steps!r}")
    params, read = _parameters(start, engine)
    opt, label = _make_optimizer(optimizer, params, lr, optimizer_options)
    points, losses, diverged = [read()], [], False
    with np.errstate(all="ignore"):
        for step in range(steps + 1):
            opt.zero_grad()
            value = loss.on_parameters(params)
            losses.append(float(np.asarray(value.data)))
            if step > 0 and exploded(points[-1], losses[-1], losses[0], blowup):
                diverged = True
                break
            if step == steps:
                break
            value.backward()
            opt.step()
            points.append(read())
    return DescentPath(points=read_only(np.array(points)), losses=read_only(np.array(losses)),
                       diverged=diverged, label=label + (" (diverged)" if diverged else ""),
                       optimizer=str(optimizer if key is None else key), lr=float(lr))


def _as_point(point, what):
    point = np.array(point, dtype=float).reshape(-1)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"{what} must be two finite numbers (p1, p2), got {point!r}")
    return point


def _parameters(start, engine):
    """The trainable parameters at `start`, and a function reading them as a (2,) array."""
    if engine == "tensor":
        theta = Tensor(start.copy(), requires_grad=True, dtype=np.float64, label="theta")
        return theta, lambda: theta.data.copy()
    if engine == "value":
        pair = [Value(float(start[0]), label="p1"), Value(float(start[1]), label="p2")]
        return pair, lambda: np.array([pair[0].data, pair[1].data])
    raise ValueError(f"engine must be 'tensor' or 'value', got {engine!r}")


def _make_optimizer(optimizer, params, lr, options):
    """The optimizer over params, and a legend label such as 'momentum 0.9, lr=0.05'."""
    param_list = [params] if isinstance(params, Tensor) else params
    if isinstance(optimizer, str):
        key = optimizer.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}, "
                             f"or pass an Optimizer class or factory")
        cls, defaults = OPTIMIZERS[key]
        settings = {**defaults, **options}
        return cls(param_list, lr=lr, **settings), _label(key, settings, lr)
    if callable(optimizer):
        name = getattr(optimizer, "__name__", type(optimizer).__name__)
        return optimizer(param_list, lr=lr, **options), _label(name, options, lr)
    raise TypeError(f"optimizer must be a name, an Optimizer class or a factory, got {optimizer!r}")


def _label(name, settings, lr):
    """A short legend label: 'gradient descent, lr=0.17', 'Nesterov 0.9, lr=0.05', ..."""
    return f"{optimizer_name(name, settings)}, lr={lr:.3g}"


def optimizer_name(name, settings):
    """An optimizer as a title or a legend names it, with the settings that matter:
    'gradient descent', 'momentum 0.9', 'Adam (betas=(0.8, 0.99))', ..."""
    settings = dict(settings)
    if name in ("momentum", "nesterov", "sgd", "gd", "SGD") and settings.get("momentum"):
        momentum = settings.pop("momentum")
        name = f"{'Nesterov' if settings.pop('nesterov', False) else 'momentum'} {momentum:g}"
    name = _DISPLAY_NAMES.get(name, name)
    extras = ", ".join(f"{k}={v}" for k, v in settings.items())
    return f"{name}{f' ({extras})' if extras else ''}"
