"""SGD vs mini-batch vs full-batch gradient descent: the same data, start and budget.

    from microdl.viz import compare_batch_sizes
    compare_batch_sizes(batch_sizes=(1, 16, None)).savefig("batches.png")

The model is the line y = w x + b fitted by mean squared error (microdl.data.house_prices
by default), each method a `batch_trajectory` (batches.py) that runs the real machinery.
They all start at the same point and see the same number of examples (the same number
of epochs), so what differs is only how many examples go into each step:

    batch size 1     many cheap, noisy steps: the path stumbles toward the minimum
    batch size B     fewer, steadier steps
    full batch       one exact step per epoch: smooth, but few of them

The picture: the paths on the contours of the exact full-data loss, and beside them
the full-data loss after every step and the loss of each batch, against epochs.
"""
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ...data.toy import house_prices
from .. import style
from .batches import batch_trajectory
from .contours import add_colorbar, landscape_view
from .losses import linear_regression_loss, regression_data
from .panel import draw_landscape, marker_legend_handles, path_colors, shares_start

__all__ = ["compare_batch_sizes"]


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
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("epochs (passes over the data)")
    if top:
        seen = ax.secondary_xaxis("top", functions=(lambda e: e * n, lambda s: s / n))
        seen.set_xlabel("examples seen")
        seen.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
