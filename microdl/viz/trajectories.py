"""SGD vs mini-batch vs full-batch gradient descent: the same data, start and budget.

    from microdl.viz import trajectories
    trajectories.compare_batch_sizes(batch_sizes=(1, 16, None)).savefig("batches.png")

The model is the line y = w x + b fitted by mean squared error (microdl.data.house_prices
by default). Every method runs the real machinery: a Tensor of parameters (w, b), the
batches of a microdl DataLoader (reshuffled every epoch from `seed`), the loss on each
batch, .backward() and optim.SGD. They all start at the same point and see the same
number of examples (the same number of epochs), so what differs is only how many
examples go into each step:

    batch size 1     many cheap, noisy steps: the path stumbles toward the minimum
    batch size B     fewer, steadier steps
    full batch       one exact step per epoch: smooth, but few of them

The picture: the paths on the contours of the exact full-data loss, and beside them
the full-data loss after every step and the loss of each batch, against epochs.
"""
from dataclasses import dataclass

import numpy as np

from .. import optim
from ..data.loader import DataLoader
from ..data.toy import house_prices
from ..nn import functional as F
from ..tensor import Tensor
from . import style
from .contours import add_colorbar, landscape_view
from .descent import exploded, read_only
from .landscape_panel import draw_landscape, marker_legend_handles, path_colors, shares_start
from .losses2d import linear_regression_loss, regression_data


@dataclass(frozen=True, eq=False)
class BatchTrajectory:
    """The path of gradient descent at one batch size, step by step (arrays read-only).

    points         (T+1, 2)  (w, b) at the start and after each of the T steps
    losses         (T+1,)    the exact loss on ALL the data at those points
    batch_losses   (T,)      the loss on the batch each step was computed from
    examples_seen  (T+1,)    how many examples the steps so far have used
    """
    points: np.ndarray
    losses: np.ndarray
    batch_losses: np.ndarray
    examples_seen: np.ndarray
    batch_size: int
    iterations_per_epoch: int
    num_examples: int
    diverged: bool
    label: str
    lr: float

    @property
    def steps(self):
        return len(self.points) - 1

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


@style.styled
def compare_batch_sizes(x=None, y=None, batch_sizes=(1, 16, None), lr=0.1, epochs=5,
                        start=(0.0, 0.0), seed=0):
    """SGD, mini-batch and full-batch descent on one data set, from one start, for one budget.

    x, y: the data (default: microdl.data.house_prices(50, seed=0)). batch_sizes: None
    means full batch. lr: one number, or one per batch size. Every method trains for
    `epochs` epochs, so each sees epochs x n examples (the title says how many).
    Returns the Figure: left, the paths on the exact full-data loss; right, the
    full-data loss after every step and the loss of each batch, against epochs.
    """
    if x is None or y is None:
        x, y = house_prices(50, seed=0)
    x, y = regression_data(x, y)
    rates = list(lr) if np.ndim(lr) == 1 else [lr] * len(batch_sizes)
    if len(rates) != len(batch_sizes):
        raise ValueError(f"compare_batch_sizes: {len(rates)} learning rates for "
                         f"{len(batch_sizes)} batch sizes; give one lr, or one per batch size")
    runs = [batch_trajectory(x, y, size, rate, epochs, start, seed) for size, rate in zip(batch_sizes, rates)]
    colors = path_colors(len(runs))
    loss = linear_regression_loss(x, y, start=start)
    figure, axes = style.new_mosaic([["paths", "full"], ["paths", "batch"]], width=16, height=9,
                                    layout="constrained", width_ratios=[1.1, 1])
    filled, chosen = draw_landscape(axes["paths"], loss, runs, _view_around(runs, loss), 16,
                                    "auto", True, colors)
    add_colorbar(figure, filled, chosen, axes["paths"])
    axes["paths"].set_title("Paths on the loss over all the data")
    _plot_full_losses(axes["full"], loss, runs, colors)
    _plot_batch_losses(axes["batch"], runs, colors)
    handles = axes["paths"].get_legend_handles_labels()[0]
    handles += marker_legend_handles(runs, loss, True, shares_start(runs))
    figure.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
    n = len(x)
    same_lr = f", lr = {rates[0]:g}" if len(set(rates)) == 1 else ""
    figure.suptitle(f"Same data ({n} examples), same start, same budget: {epochs} epochs = "
                    f"{epochs * n:,} examples seen by each{same_lr}", fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


def _view_around(runs, loss, margin=0.15):
    """A window just around the paths and the minimum, so the stumbling is visible.

    Both sides get the same extent (equal units), within the loss's own window
    widened for a path that went far (landscape_view).
    """
    points = np.concatenate([run.points[np.all(np.isfinite(run.points), axis=1)] for run in runs]
                            + [np.array([loss.minimum])])
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, (1 + margin) * (high - low).max() / 2
    (x0, x1), (y0, y1) = landscape_view(loss, runs)
    return ((max(centre[0] - half, x0), min(centre[0] + half, x1)),
            (max(centre[1] - half, y0), min(centre[1] + half, y1)))


def _plot_full_losses(ax, loss, runs, colors):
    """The exact loss on all the data after every step, against epochs (log scale)."""
    floor = loss.minimum_loss
    for run, color in zip(runs, colors):
        gap = np.where(run.losses - floor > 0, run.losses - floor, np.nan)
        few = run.steps <= 60
        ax.plot(run.epochs, gap, "-o" if few else "-", color=color, lw=2 if few else 1.4,
                markersize=5, label=run.label, zorder=3 if few else 2)
    ax.set_yscale("log")
    ax.set_ylabel("$L - L_{min}$ (all data)")
    ax.set_title("Loss on all the data after every step")
    _epoch_axis(ax, runs[0].num_examples, top=True)


def _plot_batch_losses(ax, runs, colors):
    """The loss each step saw (its batch): thin, every step; bold dots, its mean per epoch."""
    for run, color in zip(runs, colors):
        step_epochs = run.epochs[1:]
        ax.plot(step_epochs, run.batch_losses, "-", color=color, lw=0.8, alpha=0.55)
        means, ends = _epoch_means(run)
        ax.plot(ends, means, "-o", color=color, lw=2.2, markersize=7, markeredgecolor="white",
                zorder=4)
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], color=style.GREY, lw=0.8, label="each step's batch"),
                       Line2D([], [], color=style.GREY, lw=2.2, marker="o", markersize=7,
                              label="mean over the epoch")], loc="upper right", framealpha=0.9)
    ax.set_yscale("log")
    # a batch of one example is sometimes fitted almost exactly (loss ~ 1e-6); those dips
    # say little, so the axis stops two decades below the lowest epoch mean
    lowest = min(_epoch_means(run)[0].min(initial=np.inf) for run in runs)
    if np.isfinite(lowest):
        ax.set_ylim(bottom=lowest / 100)
    ax.set_ylabel("loss on the batch")
    ax.set_title("Loss on the batch each step used (what the optimizer saw)")
    _epoch_axis(ax, runs[0].num_examples, top=False)


def _epoch_means(run):
    """The mean batch loss of each whole epoch, and the epoch number where it ended."""
    per_epoch = run.iterations_per_epoch
    whole = len(run.batch_losses) // per_epoch
    means = run.batch_losses[:whole * per_epoch].reshape(whole, per_epoch).mean(axis=1)
    return means, np.arange(1, whole + 1)


def _epoch_axis(ax, n, top):
    """x in epochs (comparable across batch sizes); on top, examples seen (if `top`)."""
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("epochs (passes over the data)")
    if top:
        seen = ax.secondary_xaxis("top", functions=(lambda e: e * n, lambda s: s / n))
        seen.set_xlabel("examples seen")
        seen.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
