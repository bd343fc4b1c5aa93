"""The path an optimizer takes across a loss of two parameters: the one type every picture draws.

    path.points, path.losses        # (k+1, 2) and (k+1,), read-only
    path.label, path.diverged, path.lr, path.steps

`LossPath` holds what every path has. Gradient descent on a named loss (descent.py,
`DescentPath`) and descent on batches of data (batches.py, `BatchTrajectory`) each add
what only they know. Also here, shared by both: `exploded` (the divergence test),
`read_only`, and `as_paths` (None, one path or several -> a list).
"""
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["LossPath", "exploded", "read_only", "as_paths"]


@dataclass(frozen=True, eq=False)
class LossPath:
    """Where an optimizer went: points (k+1, 2), with the losses (k+1,) at those points.

    points[0] is the start and points[i] the parameters after the i-th step; a path
    that `diverged` stops at its first exploding point. The arrays are read-only.
    """
    points: np.ndarray
    losses: np.ndarray
    diverged: bool
    label: str
    lr: float

    @property
    def steps(self):
        return len(self.points) - 1


def exploded(point, value, first_value, blowup):
    """True when a run has diverged: a coordinate of `point` or the loss `value` is not
    finite, or the loss exceeds `blowup` times the first loss (`first_value`)."""
    if not (np.all(np.isfinite(point)) and math.isfinite(value)):
        return True
    return abs(value) > blowup * max(abs(first_value), 1e-12)


def read_only(array):
    """The same array, made read-only (recorded paths are not to be edited)."""
    array.setflags(write=False)
    return array


def as_paths(paths):
    """None, one path, or several paths -> a list of paths."""
    if paths is None:
        return []
    if hasattr(paths, "points"):
        return [paths]
    return list(paths)
