"""SGD vs mini-batch vs full-batch gradient descent: the trade-off, at two fair budgets.

    from microdl.viz import compare_batch_sizes
    compare_batch_sizes(batch_sizes=(1, 10, None)).savefig("batches.png")

The model is the line y = w x + b fitted by mean squared error (microdl.data.house_prices
by default), each method a `batch_trajectory` (batches.py) that runs the real machinery
from the same start. Two budgets, because each one flatters a different method:

    the same examples seen (epochs)   SGD takes many cheap steps, full batch only a few
    the same number of steps          full batch walks smoothly, SGD stumbles

and what a step costs: a step on a batch of B examples pushes B examples through the
model, so its work grows with B. Its time is measured here, on this machine (the median
of repeated real steps): vectorised, it grows far less than in proportion, which is why
an epoch of full batch is quicker than an epoch of SGD.
Every loss drawn is the same quantity: the exact loss on ALL the data above its
minimum, L - L_min, after each step (log scale).
"""
import dataclasses
import math

import numpy as np

from ...data.toy import house_prices
from .. import canvas, style
from .batches import batch_trajectory, timed_step
from .contours import add_colorbar, landscape_view
from .losses import linear_regression_loss, regression_data
from .panel import batch_colors, draw_landscape
from .path import read_only

__all__ = ["compare_batch_sizes"]

# Where the three paths overlap (a mini-batch of 10 of 50 follows the full batch closely) they
# must stay apart to the eye: different widths, drawn so that the thinner one is on top.
#   mini-batch  a wide vermillion band, at the bottom
#   full batch  a black line with a dot per step, on the band
#   SGD         a thin blue line, on top (no dots: its hundreds of steps would make a blob)
_BAND_WIDTH, _LINE_WIDTH, _THIN_WIDTH = 8.0, 1.6, 1.1
_DOTS_UP_TO = 40   # a dot per step for paths of at most this many steps


@style.styled
def compare_batch_sizes(x=None, y=None, batch_sizes=(1, 10, None), lr=0.1, epochs=3, steps=30,
                        start=(0.0, 0.0), seed=0):
    """SGD, mini-batch and full-batch descent on one data set from one start, compared
    at the same examples seen AND at the same number of steps.

    x, y: the data (default: microdl.data.house_prices(50, seed=0)). batch_sizes: None
    means full batch. lr: one number, or one per batch size. epochs: the budget of
    examples seen (epochs x n for every method). steps: the budget of steps.
    Returns the Figure: top, the paths on the exact full-data loss at each budget;
    below them, L - L_min after every step; right, what one step costs.
    """
    if x is None or y is None:
        x, y = house_prices(50, seed=0)
    x, y = regression_data(x, y)
    rates = list(lr) if np.ndim(lr) == 1 else [lr] * len(batch_sizes)
    if len(rates) != len(batch_sizes):
        raise ValueError(f"compare_batch_sizes: {len(rates)} learning rates for "
                         f"{len(batch_sizes)} batch sizes; give one lr, or one per batch size")
    by_examples = [batch_trajectory(x, y, size, rate, epochs, start, seed)
                   for size, rate in zip(batch_sizes, rates)]
    by_steps = [_first_steps(batch_trajectory(x, y, size, rate, math.ceil(steps / run.iterations_per_epoch),
                                              start, seed), steps)
                for size, rate, run in zip(batch_sizes, rates, by_examples)]
    loss = linear_regression_loss(x, y, start=start)
    figure, axes = canvas.new_mosaic([["paths_examples", "paths_steps", "cost"],
                                     ["loss_examples", "loss_steps", "cost"]],
                                    width=16, height=9, layout="constrained",
                                    width_ratios=[1, 1, 0.56], height_ratios=[1.25, 1])
    colors = batch_colors(batch_sizes, len(x))   # stand out on the contours' colours
    view = _view_around(by_examples + by_steps, loss)
    n = len(x)
    for key, runs, title in (("examples", by_examples, f"Same examples seen: {epochs} epochs = {epochs * n:,}"),
                             ("steps", by_steps, f"Same number of steps: {steps}")):
        filled, chosen = _draw_paths(axes[f"paths_{key}"], loss, runs, view, colors)
        axes[f"paths_{key}"].set_title(title, fontsize=style.TITLE_SIZE + 1)
        _plot_losses(axes[f"loss_{key}"], loss, runs, colors, key)
    _share_loss_axis(axes["loss_examples"], axes["loss_steps"])
    add_colorbar(figure, filled, chosen, [axes["paths_examples"], axes["paths_steps"]])
    _plot_cost(axes["cost"], by_examples, colors, n, [timed_step(x, y, run.batch_size) for run in by_examples])
    figure.legend(handles=[axes["loss_steps"].lines[i] for i in range(len(batch_sizes))]
                  + _marker_handles(loss), loc="outside lower center", ncol=3, frameon=False)
    same_lr = f", lr = {rates[0]:g}" if len(set(rates)) == 1 else ""
    figure.suptitle(f"Fitting a line to {n} examples from one start{same_lr}: "
                    "noisy cheap steps or smooth expensive ones", fontsize=style.TITLE_SIZE + 3)
    return style.projector_text(figure)


def _first_steps(run, steps):
    """The same BatchTrajectory cut after its first `steps` steps."""
    if run.steps <= steps:
        return run
    cut = {name: read_only(np.array(getattr(run, name)[:steps + 1]))
           for name in ("points", "losses", "examples_seen")}
    return dataclasses.replace(run, batch_losses=read_only(np.array(run.batch_losses[:steps])), **cut)


def _view_around(runs, loss, margin=0.12):
    """One window around all the paths and the minimum (equal units on both sides)."""
    points = np.concatenate([run.points[np.all(np.isfinite(run.points), axis=1)] for run in runs]
                            + [np.array([loss.minimum])])
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, (1 + margin) * (high - low).max() / 2
    (x0, x1), (y0, y1) = landscape_view(loss, runs)
    return ((max(centre[0] - half, x0), min(centre[0] + half, x1)),
            (max(centre[1] - half, y0), min(centre[1] + half, y1)))


def _kind(run):
    """'sgd', 'mini-batch' or 'full batch'."""
    return "sgd" if run.batch_size == 1 else "full batch" if run.batch_size >= run.num_examples else "mini-batch"


def _look(run, color):
    """The matplotlib style of one run's lines (paths and losses alike), by its kind."""
    dots = run.steps <= _DOTS_UP_TO
    kind = _kind(run)
    if kind == "mini-batch":
        return dict(color=color, lw=_BAND_WIDTH, alpha=0.75, solid_capstyle="round", zorder=3,
                    marker="o" if dots else "", markersize=_BAND_WIDTH + 3, markeredgewidth=0)
    if kind == "full batch":   # no white halo: it would hide the band under it
        return dict(color=color, lw=_LINE_WIDTH, zorder=4, marker="o" if dots else "", markersize=5.5,
                    markerfacecolor=color, markeredgecolor="white", markeredgewidth=1.0)
    return dict(color=color, lw=_THIN_WIDTH, zorder=5, marker="o" if dots else "",
                markersize=3.5, markeredgewidth=0)


def _draw_paths(ax, loss, runs, view, colors):
    """Contours and the minimum (draw_landscape), then each path in its own look (_look):
    the thinner line on top, so paths that overlap stay apart to the eye."""
    filled, chosen = draw_landscape(ax, loss, [], view, 14, "auto", True)
    filled.set_alpha(0.75)   # paler contours, so the paths stand out (the colour bar follows)
    for run, color in zip(runs, colors):
        points = run.points[np.all(np.isfinite(run.points), axis=1)]
        ax.plot(points[:, 0], points[:, 1], **_look(run, color))
        band = _kind(run) == "mini-batch"      # its end a larger square, under the others' ends
        ax.plot(*points[-1], linestyle="none", color=color, zorder=6 - 0.5 * band,
                **dict(style.END_MARKER, markersize=style.END_MARKER["markersize"] + 6 * band))
    ax.plot(*runs[0].points[0], linestyle="none", color=style.BLACK, zorder=7, **style.START_MARKER)
    return filled, chosen


def _plot_losses(ax, loss, runs, colors, against):
    """L - L_min on all the data after every step, against examples seen or steps."""
    for run, color in zip(runs, colors):
        gap = np.maximum(run.losses - loss.minimum_loss, np.finfo(float).tiny)
        where = run.examples_seen if against == "examples" else np.arange(len(gap))
        ax.plot(where, gap, label=run.label, **_look(run, color))
    ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.3)
    ax.set_ylabel("$L - L_{min}$ on all the data")
    ax.set_xlabel("examples seen" if against == "examples" else "steps (parameter updates)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, max(where[-1] for where in
                       ([run.examples_seen for run in runs] if against == "examples"
                        else [np.arange(run.steps + 1) for run in runs])))


def _share_loss_axis(*axes):
    """The same y range on both loss panels (every point inside), so they compare."""
    low = min(ax.dataLim.y0 for ax in axes)
    high = max(ax.dataLim.y1 for ax in axes)
    for ax in axes:
        ax.set_ylim(low / 2, high * 2)


def _plot_cost(ax, runs, colors, n, step_seconds):
    """What one step costs (examples through the model, and its measured time), and how
    many steps an epoch has: the time of an epoch."""
    rows = np.arange(len(runs))[::-1]
    bars = ax.barh(rows, [run.batch_size for run in runs], color=colors, height=0.55)
    for bar, run, color in zip(bars, runs, colors):
        bar.set_alpha(_look(run, color).get("alpha", 1.0))     # as pale as the run's line
    names = []
    for row, run, seconds in zip(rows, runs, step_seconds):
        size, per_epoch = run.batch_size, run.iterations_per_epoch
        kind = {"sgd": "SGD"}.get(_kind(run), _kind(run))
        names.append(f"{kind}\n{per_epoch} step{'s' if per_epoch != 1 else ''} x {seconds * 1e6:.0f} µs\n"
                     f"= {per_epoch * seconds * 1e3:.2f} ms\nan epoch")
        ax.text(size + 0.03 * n, row, f"{size}", va="center", ha="left", fontweight="bold")
    ax.set_yticks(rows, names)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, len(runs) - 0.4)
    ax.set_xlim(0, n * 1.3)
    ax.set_xlabel("examples per step")
    ax.set_title("A step's cost:\nwork grows with\nthe batch, time\nhardly (measured)",
                 fontsize=style.TITLE_SIZE + 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _marker_handles(loss):
    from matplotlib.lines import Line2D
    (m1, m2) = loss.minimum
    return [Line2D([], [], linestyle="none", color=style.BLACK, label="start: w=0, b=0",
                   **style.START_MARKER),
            Line2D([], [], linestyle="none", label=f"minimum: w={m1:.3g}, b={m2:.3g}",
                   **style.MINIMUM_MARKER),
            Line2D([], [], linestyle="none", color=style.GREY, label="end of the budget",
                   **style.END_MARKER)]
