"""The real network's loss landscape: a plane through trained weights, and how training got there.

    landscape = loss_landscape(model, (X, y), loss_fn)          # the numbers
    plot_loss_landscape(model, (X, y), loss_fn).save("landscape.png")   # the picture

From the model's current weights (the start) three copies train with optim.SGD: batch
size 1 (SGD), a mini-batch and the full batch, for the same number of epochs. The plane
goes through where the last of them (full batch) ended, along two random
filter-normalised directions (plane.py, Li et al. 2018); the loss is evaluated on a
resolution x resolution grid of it, and each run's steps are projected onto it. The
model's weights are put back to the start afterwards.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogFormatter

from ...nn.layers import Conv2d

from .. import style
from ..canvas import new_mosaic
from .contours import add_colorbar
from .losses import Loss2D
from .model_weights import ModelWeights, default_loss_fn
from .panel import batch_colors, draw_landscape, draw_path, marker_legend_handles
from .path import LossPath, read_only
from .plane import RandomPlane, train_run
from .plane_grid import plane_losses

__all__ = ["LossLandscape", "loss_landscape", "plot_loss_landscape"]


@dataclass(eq=False)
class LossLandscape:
    """a, b (R,) plane coordinates; losses (R, R) with losses[j, i] at (a[i], b[j]);
    paths: each run's steps projected (LossPath, losses = the real full-data loss);
    runs: the TrainingRuns (epochs, losses); plane: the RandomPlane; model_name, examples."""
    a: np.ndarray
    b: np.ndarray
    losses: np.ndarray
    paths: list
    runs: list
    plane: RandomPlane
    model_name: str
    examples: int

    def start_share(self):
        """How much of the straight line from the start to the centre the plane holds:
        |projection of (start - centre)| / |start - centre| (1 = all of it)."""
        start = self.plane.point(*self.paths[0].points[0])           # its projection, on the plane
        moved = self.runs[0].start - self.plane.centre
        return float(np.linalg.norm(start - self.plane.centre) / max(np.linalg.norm(moved), 1e-300))

    def loss_at(self, a, b):
        """The grid's loss at the grid point nearest (a, b)."""
        return float(self.losses[np.argmin(abs(self.b - b)), np.argmin(abs(self.a - a))])


def loss_landscape(model, data, loss_fn=None, batch_sizes=(1, 16, None), lr=0.1, epochs=5,
                   resolution="auto", span=1.0, seed=0, trajectories=True, eval_examples="auto"):
    """The numbers of plot_loss_landscape (see there), as a LossLandscape."""
    X, y = data
    resolution, eval_examples, points_per_run = _budget(model, len(X), resolution, eval_examples)
    Xe, ye = X[:eval_examples], y[:eval_examples]
    loss_fn = loss_fn or default_loss_fn(model, y)
    weights = ModelWeights(model)
    start = weights.get()
    plane = RandomPlane(weights, seed=seed)
    rates = list(lr) if np.ndim(lr) == 1 else [lr] * len(batch_sizes)
    runs = []
    try:
        for size, rate in zip(batch_sizes if trajectories else (), rates):
            weights.set(start)
            runs.append(train_run(model, plane, loss_fn, X, y, size, rate, epochs, seed=seed,
                                  evaluation=(Xe, ye), max_points=points_per_run))
        plane.centre_on(runs[-1].final if runs else start)
        paths = [_projected(plane, run) for run in runs]
        reach = max([span] + [1.08 * np.abs(p.points[np.isfinite(p.points).all(axis=1)]).max() for p in paths])
        a = b = np.linspace(-reach, reach, resolution)
        losses = plane_losses(model, plane, loss_fn, Xe, ye, a, b)
    finally:
        weights.set(start)
    return LossLandscape(a, b, losses, paths, runs, plane, type(model).__name__, len(Xe))


#: a convolutional model's default budget: a 15 x 15 grid on 256 examples and 30 recorded
#: steps a run (each is a forward pass; the lesson-9 CNN then takes under a minute on 2 cores)
CONV_RESOLUTION, CONV_EVAL_EXAMPLES, CONV_POINTS_PER_RUN = 15, 256, 30


def _budget(model, examples, resolution, eval_examples):
    """(grid points a side, examples the loss is measured on, recorded steps a run), "auto"
    resolved: 25 a side on all the data for an MLP; 15 a side on the first 256 for a CNN."""
    convolutional = any(isinstance(m, Conv2d) for _, m in model.named_modules())
    if resolution == "auto":
        resolution = CONV_RESOLUTION if convolutional else 25
    if eval_examples == "auto":
        eval_examples = CONV_EVAL_EXAMPLES if convolutional else None
    eval_examples = examples if eval_examples is None else min(int(eval_examples), examples)
    if int(resolution) < 3 or eval_examples < 1:
        raise ValueError(f"loss_landscape: need resolution >= 3 and eval_examples >= 1, "
                         f"got {resolution} and {eval_examples}")
    return int(resolution), eval_examples, CONV_POINTS_PER_RUN if convolutional else 80


def _projected(plane, run):
    points = plane.coordinates(run.dots)
    return LossPath(points=read_only(points), losses=read_only(np.array(run.losses)),
                    diverged=run.diverged, label=run.label + (" (diverged)" if run.diverged else ""),
                    lr=run.lr)


@style.styled
def plot_loss_landscape(model, data, loss_fn=None, batch_sizes=(1, 16, None), lr=0.1, epochs=5,
                        resolution="auto", span=1.0, seed=0, trajectories=True, eval_examples="auto",
                        levels=14):
    """The loss on a plane through the trained weights, with the SGD, mini-batch and
    full-batch training runs projected onto it, and their real losses beside it.

    model:       a scalar MLP or a Tensor model, at the weights training starts from
                 (left as it was: each run trains from there, then the start is put back)
    data:        (X, y); loss_fn(outputs, y) as in train.fit (default: mean squared error
                 for one output, cross-entropy for class scores)
    batch_sizes: one run each (None: full batch); the plane is centred where the last ended
                 (colours by batch size, as everywhere: SGD blue, mini-batch vermillion, full batch black)
    lr, epochs:  optim.SGD's learning rate (one, or one per run) and every run's epochs
    resolution:  grid points a side ("auto": 25, or 15 for a convolutional model); span: the
                 grid covers a, b in [-span, span] (widened to show the projected runs).
                 seed: the random directions.
    trajectories=False: no training; the plane goes through the model's own weights.
    eval_examples: the landscape and the runs' losses are measured on the first n examples
                 (None: all; "auto": all for an MLP, 256 for a convolutional model).
    Cost: resolution^2 + (recorded steps) loss evaluations, plus the training; the figure
    says the grid and the examples. benchmarks/bench_landscape.py measures it (2 cores):
    the moons MLP at 25 x 25 in seconds, the lesson-9 CNN at 15 x 15 in well under a minute.
    """
    landscape = loss_landscape(model, data, loss_fn, batch_sizes, lr, epochs, resolution, span, seed,
                               trajectories, eval_examples)
    return draw_loss_landscape(landscape, levels)


@style.styled
def draw_loss_landscape(landscape, levels=14):
    """The picture of a LossLandscape: the plane with projected runs, and the real losses."""
    paths = landscape.paths
    view = ((landscape.a[0], landscape.a[-1]), (landscape.b[0], landscape.b[-1]))
    plane_loss = Loss2D(
        name=f"Loss of the {landscape.model_name} on a plane through the trained weights",
        formula="", expression=None, grid_expression=lambda p1, p2: _on_grid(landscape, p1, p2),
        grid_resolution=len(landscape.a), minimum=(0.0, 0.0), view=view, start=(0.0, 0.0),
        parameter_names=("a (random direction 1)", "b (random direction 2)"))
    figure, axes = new_mosaic([["plane", "curves"]], width=16, height=8.4, layout="constrained",
                                    width_ratios=[1.15, 1])
    runs = landscape.runs                                           # coloured as in lesson 5
    colors = batch_colors([run.batch_size for run in runs], runs[0].examples if runs else None)
    filled, chosen = draw_landscape(axes["plane"], plane_loss, paths, view, levels, "auto", False, colors)
    add_colorbar(figure, filled, chosen, axes["plane"])
    centre_marker, centre_handles = _centre_and_lowest(axes["plane"], landscape)
    axes["plane"].set_title("Loss at trained weights + a d1 + b d2\n(d1, d2 random, filter-normalised: Li et al. 2018)")
    if paths:
        _zoom_on_paths(axes["plane"], paths, colors, view, centre_marker, _quiet_side(landscape))
    _plot_run_losses(axes["curves"], landscape.runs, colors, landscape.examples)
    handles = axes["plane"].get_legend_handles_labels()[0]
    handles += marker_legend_handles(paths, plane_loss, False, bool(paths))
    handles += centre_handles
    figure.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)
    runs_note = ("The paths are projections: every recorded step of each run, placed on the plane by "
                 "least squares on d1, d2.\nThe weights move in "
                 f"{len(landscape.plane.centre):,} dimensions; the plane holds {landscape.start_share():.0%} "
                 f"of the way from the start to the trained weights.") if paths else ""
    grid = f"{len(landscape.a)} x {len(landscape.b)} grid, loss on {landscape.examples:,} examples"
    figure.suptitle(f"{plane_loss.name} ({grid})\n{runs_note}",
                    fontsize=style.TITLE_SIZE + 1)
    return style.projector_text(figure)


def _centre_and_lowest(ax, landscape):
    """Mark the plane's centre (a = b = 0). A star, as every minimum in microdl, only when it
    is the plane's lowest point; otherwise (too little training) a plain marker, and the
    lowest grid point marked too, with both losses. Returns (the centre's marker, legend handles)."""
    centre_loss, lowest = landscape.loss_at(0.0, 0.0), float(landscape.losses.min())
    row, column = np.unravel_index(np.argmin(landscape.losses), landscape.losses.shape)
    spread = float(landscape.losses.max()) - lowest
    ended = _where_training_ended(landscape)
    if centre_loss - lowest <= 0.02 * spread:
        marker, label = style.MINIMUM_MARKER, f"centre: {ended} (a = b = 0), the plane's lowest point"
        ax.plot(0, 0, linestyle="none", zorder=7, **marker)
        return marker, [Line2D([], [], linestyle="none", label=label, **marker)]
    marker = _CENTRE_MARKER
    ax.plot(0, 0, linestyle="none", zorder=7, **marker)
    ax.plot(landscape.a[column], landscape.b[row], linestyle="none", zorder=7, clip_on=False, **_LOWEST_MARKER)
    why = "not yet a minimum (too little training)" if landscape.runs else "not a minimum"
    return marker, [Line2D([], [], linestyle="none", label=f"centre: {ended}, loss {centre_loss:.3g}:\n{why}",
                           **marker),
                    Line2D([], [], linestyle="none", label=f"lowest loss on this plane: {lowest:.3g}",
                           **_LOWEST_MARKER)]


#: the centre when it is not the plane's lowest point, and that lowest grid point
_CENTRE_MARKER = dict(marker="P", markersize=14, color=style.BLACK, markerfacecolor="white", markeredgewidth=1.5)
_LOWEST_MARKER = dict(marker="v", markersize=13, color=style.BLACK, markerfacecolor=style.YELLOW)


def _where_training_ended(landscape):
    """'where the full batch run ended, after 2 steps' (the plane's centre), or 'the model's weights'."""
    if not landscape.runs:
        return "the model's weights"
    last = landscape.runs[-1]
    kind = last.label.split(" (")[0]
    return f"where the {kind} run ended, after {last.steps} step{'s' if last.steps != 1 else ''}"


def _quiet_side(landscape):
    """'left' or 'right': the bottom corner whose quarter of the plane is higher (less to see
    there), so the zoom inset does not hide the low valley."""
    half = len(landscape.a) // 2
    bottom = landscape.losses[:half]                      # rows are b, from -span upward
    return "left" if bottom[:, :half].mean() >= bottom[:, -half:].mean() else "right"


def _zoom_on_paths(ax, paths, colors, view, centre_marker, side="left"):
    """An inset with the projected paths at their own scale, when they are small on the plane
    (random directions catch little of a run's movement: Li et al. 2018, section 7)."""
    points = np.concatenate([p.points[np.isfinite(p.points).all(axis=1)] for p in paths])
    low, high = points.min(axis=0), points.max(axis=0)
    half = 0.6 * max((high - low).max(), 1e-12)
    width = view[0][1] - view[0][0]
    if 2 * half > 0.25 * width:
        return None
    centre = (low + high) / 2
    zoom = ((centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half))
    inset = ax.inset_axes([0.03 if side == "left" else 0.59, 0.12, 0.38, 0.38])
    inset.set_facecolor("white")
    for path, color in zip(paths, colors):
        draw_path(inset, path, color, zoom, show_start=False)
    inset.plot(*paths[0].points[0], linestyle="none", color=style.BLACK, zorder=6, **style.START_MARKER)
    inset.plot(0, 0, linestyle="none", zorder=7, **centre_marker)
    inset.set_xlim(*zoom[0])
    inset.set_ylim(*zoom[1])
    inset.set_xticks([])
    inset.set_yticks([])
    # below the inset's outer half, on white: clear of the connector lines from its inner corners
    inset.set_xlabel(f"zoom x{width / (2 * half):.0f}:\nthe paths", fontsize=style.FONT_SIZE, labelpad=4,
                     loc=side, bbox=dict(facecolor="white", edgecolor="none", pad=1.5))
    ax.indicate_inset(bounds=(zoom[0][0], zoom[1][0], 2 * half, 2 * half), inset_ax=inset, edgecolor=style.BLACK)
    return inset


def _on_grid(landscape, p1, p2):
    """The computed grid when asked for exactly its points (the contours); else the nearest."""
    A, B = np.meshgrid(landscape.a, landscape.b)
    if np.shape(p1) == A.shape and np.allclose(p1, A) and np.allclose(p2, B):
        return landscape.losses.copy()
    return np.vectorize(landscape.loss_at)(p1, p2)


class _PlainLogFormatter(LogFormatter):
    """matplotlib's choice of which log ticks to label, written 0.4 rather than 4e-01."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:.3g}"


def _plot_run_losses(ax, runs, colors, examples):
    """The real loss on the first `examples` examples (the grid's), at every recorded step of
    each run, against epochs."""
    for run, color in zip(runs, colors):
        ax.plot(run.epochs, run.losses, "-o", color=color, lw=2, markersize=3, label=run.label)
    ax.set_yscale("log")
    # plain numbers (2.3, not 2.3 x 10^0); minor ticks labelled only on a short range
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.3g}"))
    ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False))
    ax.set_xlabel("epochs (passes over the data)")
    ax.set_ylabel(f"loss on the {examples:,} examples of the grid")
    ax.set_title("The real loss along each run (not projected)")
    ax.grid(True, alpha=0.3)
