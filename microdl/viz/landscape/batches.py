"""Gradient descent on batches of data: the path of y = w x + b fitted at one batch size.

    run = batch_trajectory(X, y, batch_size=16, lr=0.1, epochs=5)
    run.points, run.losses, run.batch_losses, run.epochs

The real machinery: a Tensor of parameters (w, b), the batches of a microdl DataLoader
(reshuffled every epoch from `seed`), the loss on each batch, .backward() and optim.SGD.
A `BatchTrajectory` is a LossPath (path.py) that also knows its batches: the loss each
step saw and how many examples the steps so far have used.
"""
import time
from dataclasses import dataclass

import numpy as np

from ... import optim
from ...data.loader import DataLoader
from ...nn import functional as F
from ...tensor import Tensor
from .losses import linear_regression_loss, regression_data
from .path import LossPath, exploded, read_only

__all__ = ["BatchTrajectory", "batch_trajectory", "timed_step"]


@dataclass(frozen=True, eq=False)
class BatchTrajectory(LossPath):
    """The LossPath of gradient descent at one batch size, step by step (arrays read-only).

    points         (T+1, 2)  (w, b) at the start and after each of the T steps
    losses         (T+1,)    the exact loss on ALL the data at those points
    batch_losses   (T,)      the loss on the batch each step was computed from
    examples_seen  (T+1,)    how many examples the steps so far have used
    """
    batch_losses: np.ndarray
    examples_seen: np.ndarray
    batch_size: int
    iterations_per_epoch: int
    num_examples: int

    @property
    def epochs(self):
        """(T+1,) epochs done at each point: examples seen / number of examples."""
        return self.examples_seen / self.num_examples

    def __repr__(self):
        end = "diverged" if self.diverged else f"loss {self.losses[-1]:.4g}"
        return (f"BatchTrajectory({self.label}: {self.steps} steps, "
                f"{self.examples_seen[-1]:,} examples seen, {end})")


def batch_trajectory(x, y, batch_size=1, lr=0.1, epochs=5, start=(0.0, 0.0), seed=0, blowup=1e4):
    """Fit y = w x + b by gradient descent on batches of `batch_size` (None = all).

    x: (n,) or (n, 1), y: (n,). Each epoch a DataLoader deals out ceil(n / batch_size)
    batches in a fresh order (reproducible from `seed`); each batch gives one
    optim.SGD step. Stops early with diverged=True if the loss explodes.
    Returns a BatchTrajectory.
    """
    x, y = regression_data(x, y)
    full_loss = linear_regression_loss(x, y)
    loader = DataLoader(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    theta = Tensor(np.array(start, dtype=float).reshape(2), requires_grad=True, label="(w, b)")
    opt = optim.SGD([theta], lr=lr)
    points, losses = [theta.data.copy()], [float(full_loss(*theta.data))]
    batch_losses, seen, diverged = [], [0], False
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            for xb, yb in loader:
                batch_losses.append(_sgd_step(theta, opt, xb, yb))
                points.append(theta.data.copy())
                losses.append(float(full_loss(*theta.data)))
                seen.append(seen[-1] + len(xb))
                if exploded(points[-1], losses[-1], losses[0], blowup):
                    diverged = True
                    break
            if diverged:
                break
    return BatchTrajectory(
        points=read_only(np.array(points)), losses=read_only(np.array(losses)),
        batch_losses=read_only(np.array(batch_losses)), examples_seen=read_only(np.array(seen)),
        batch_size=loader.batch_size, iterations_per_epoch=loader.iterations_per_epoch,
        num_examples=len(x), diverged=diverged, lr=float(lr),
        label=_label(loader.batch_size, len(x), loader.iterations_per_epoch, diverged))


def timed_step(x, y, batch_size, repeats=30, warmup=3):
    """Seconds one real step on a batch of `batch_size` (None = all) takes here: the fastest
    of `repeats` steps from the first batch, after `warmup` untimed ones, so neither a cold
    start nor a busy moment on a shared machine decides it."""
    x, y = regression_data(x, y)
    size = len(x) if batch_size is None else min(batch_size, len(x))
    theta = Tensor(np.zeros(2), requires_grad=True)
    opt = optim.SGD([theta], lr=0.0)                     # lr 0: the same step each time
    for _ in range(warmup):
        _sgd_step(theta, opt, x[:size], y[:size])
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        _sgd_step(theta, opt, x[:size], y[:size])
        times.append(time.perf_counter() - begin)
    return min(times)


def _sgd_step(theta, opt, xb, yb):
    """One optimizer step from one batch; returns the batch's loss before the step."""
    opt.zero_grad()
    prediction = theta[0] * Tensor(xb) + theta[1]        # (B,)
    loss = F.mse_loss(prediction, Tensor(yb))            # mean over the batch
    loss.backward()
    opt.step()
    return float(loss.data)


def _label(batch_size, n, per_epoch, diverged=False):
    """'SGD, batch size 1: 50 steps per epoch', 'full batch (all 50): 1 step per epoch', ..."""
    steps = f"{per_epoch} step{'s' if per_epoch != 1 else ''} per epoch"
    if batch_size >= n:
        kind = f"full batch (all {n})"
    else:
        kind = f"{'SGD' if batch_size == 1 else 'mini-batch'}, batch size {batch_size}"
    return f"{kind}: {steps}{' (diverged)' if diverged else ''}"
