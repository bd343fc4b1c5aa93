"""The loss as filled contours: which window, which grid, which levels, and a colour bar.

    view = landscape_view(loss, paths)                   # loss.view, widened for the paths
    filled, levels = draw_contours(ax, loss, view, 16, "auto")
    add_colorbar(ax.figure, filled, levels, ax)

Levels are round numbers, evenly spaced, or log-spaced when the loss spans orders of
magnitude (then they colour the loss above its minimum, so the valley floor keeps its
detail). Where a window widened for a diverging path rises above the top level, the
contours go on as grey lines.
"""
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import BoundaryNorm
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import style

__all__ = ["landscape_view", "loss_grid", "ContourLevels", "contour_levels", "draw_contours",
           "add_colorbar"]


def landscape_view(loss, paths=(), growth=0.5, margin=0.06):
    """The window to draw: loss.view, widened to show where `paths` (a list) went.

    Each side moves out at most `growth` times the view's width (or height), so a
    diverging path widens the picture "within reason" instead of shrinking the valley
    to a dot; a path that leaves even that window is cut where it leaves, and marked.
    Returns ((p1_low, p1_high), (p2_low, p2_high)).
    """
    (x0, x1), (y0, y1) = loss.view
    finite = [p.points[np.all(np.isfinite(p.points), axis=1)] for p in paths]
    finite = np.concatenate(finite) if finite else np.empty((0, 2))
    if len(finite) == 0:
        return (x0, x1), (y0, y1)
    window = []
    for (low, high), values in (((x0, x1), finite[:, 0]), ((y0, y1), finite[:, 1])):
        width = high - low
        wanted_low, wanted_high = values.min() - margin * width, values.max() + margin * width
        window.append((max(min(low, wanted_low), low - growth * width),
                       min(max(high, wanted_high), high + growth * width)))
    return tuple(window)


def loss_grid(loss, view, resolution=201):
    """P1, P2 (resolution, resolution) coordinates over the view and the loss L on them."""
    (x0, x1), (y0, y1) = view
    P1, P2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return P1, P2, loss(P1, P2)


@dataclass(frozen=True)
class ContourLevels:
    """Levels of the coloured quantity `loss - offset`, and what the colour bar says.

    Even levels colour the loss itself (offset 0). Log levels colour the loss above
    its minimum (offset = the minimum loss), so every factor of 10 closer to the
    minimum gets new colours, down to the bottom of the valley.
    """
    values: np.ndarray
    offset: float
    is_log: bool
    label: str


def contour_levels(loss, values, levels=16, log_levels="auto"):
    """Round contour levels for `values` of `loss` (e.g. on a grid): even, or log-spaced.

    "auto" chooses log spacing when the loss spans orders of magnitude: when a quarter
    of the window lies below 1/20 of the highest value (above the minimum), even steps
    would paint the whole valley in one colour. `levels`: how many (about), or the
    levels themselves (of the loss; with log_levels=True, of the loss above its minimum).
    """
    finite = values[np.isfinite(values)]
    floor = min(float(finite.min()), loss.minimum_loss)
    gap = finite - floor
    high = float(gap.max())
    if log_levels == "auto":
        log_levels = bool(high > 0 and np.percentile(gap, 25) < high / 20)
    offset = floor if log_levels else 0.0
    if np.ndim(levels) == 1:
        chosen = np.unique(np.asarray(levels, dtype=float))
    elif log_levels:
        smallest = max(float(np.percentile(gap, 0.5)), high * 1e-7)
        chosen = np.concatenate([[0.0], _round_log_levels(smallest, high, int(levels))])
    else:
        locator = MaxNLocator(nbins=int(levels), steps=[1, 2, 2.5, 5, 10])
        chosen = locator.tick_values(floor, floor + max(high, 1e-12))
    name = "loss" if floor == 0 or not log_levels else r"loss above the minimum, $L - L_{min}$"
    return ContourLevels(chosen, offset, bool(log_levels), name + (" (log scale)" if log_levels else ""))


def _round_log_levels(low, high, count):
    """About `count` round numbers (1, 2, 5 x 10^k, ...) from below `low` to above `high`."""
    decades = max(math.log10(high / low), 1e-9)
    for mantissas in ([1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1, 3], [1], [1]):
        if len(mantissas) * decades <= count * 1.3:
            break
    every = max(1, math.ceil(decades / count))   # very many decades: every n-th power only
    powers = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1, every)
    candidates = np.array([m * 10.0 ** k for k in powers for m in mantissas])
    below = candidates[candidates <= low].max(initial=candidates.min())
    above = candidates[candidates >= high].min(initial=candidates.max())
    return candidates[(candidates >= below) & (candidates <= above)]


def draw_contours(ax, loss, view, levels, log_levels, resolution=None):
    """Filled contours + thin lines of `loss` over `view` on `ax`.

    levels, log_levels: as in contour_levels. The levels come from loss.view, so a
    window widened for a diverging path keeps the colours of the valley; what lies
    above is the top colour. resolution: default loss.grid_resolution (201 for a formula,
    fewer points for a loss that runs a network). Returns (the filled ContourSet, ContourLevels).
    """
    resolution = resolution or getattr(loss, "grid_resolution", 201)
    P1, P2, L = loss_grid(loss, view, resolution)
    reference = L if view == loss.view else loss_grid(loss, loss.view, min(101, resolution))[2]
    chosen = contour_levels(loss, reference, levels, log_levels)
    shown = L - chosen.offset
    values = chosen.values
    above = bool(np.nanmax(shown) > values[-1])
    filled = ax.contourf(P1, P2, shown, levels=values, cmap=style.SEQUENTIAL,
                         norm=BoundaryNorm(values, ncolors=256, extend="max" if above else "neither"),
                         extend="max" if above else "neither", zorder=0)
    ax.contour(P1, P2, shown, levels=values, colors="white", linewidths=0.6, alpha=0.4, zorder=1)
    if above:  # keep drawing the contours, as lines, where the loss is off the colour scale
        ax.contour(P1, P2, shown, levels=_levels_beyond(chosen, float(np.nanmax(shown))),
                   colors=style.GREY, linewidths=0.8, alpha=0.8, zorder=1)
    return filled, chosen


def _levels_beyond(levels, highest, most=12):
    """Levels that continue `levels` above its top, up to `highest` (at most `most` of them)."""
    values = levels.values
    if levels.is_log:
        beyond = _round_log_levels(values[-1], highest, most)
    else:
        step = values[-1] - values[-2]
        step *= max(1, math.ceil((highest - values[-1]) / step / most))
        beyond = values[-1] + step * np.arange(1, most + 1)
    return beyond[(beyond > values[-1]) & (beyond <= highest)]


def add_colorbar(figure, filled, levels, ax):
    """A colour bar for `filled` (from draw_contours), with the ticks and label of `levels`.

    ax: one Axes (the bar sits beside it, exactly its height) or a list of Axes that
    share it. Returns the Colorbar.
    """
    options = dict(ticks=_colorbar_ticks(levels), format=FuncFormatter(_format_level))
    if isinstance(ax, (list, tuple)):
        bar = figure.colorbar(filled, ax=ax, shrink=0.8, **options)
    else:
        bar = figure.colorbar(filled, cax=ax.inset_axes([1.04, 0.0, 0.045, 1.0]), **options)
    bar.set_label(levels.label)
    bar.ax.minorticks_off()
    return bar


def _colorbar_ticks(levels, most=8):
    """At most `most` ticks: on log levels the powers of ten, else every k-th level.

    A log scale has no 0: the bottom band (0 up to the first level) keeps its colour
    but gets no tick.
    """
    values = levels.values
    if levels.is_log:
        positive = np.where(values > 0, values, 1.0)
        powers = values[(values > 0) & np.isclose(10 ** np.round(np.log10(positive)), values)]
        if 3 <= len(powers) <= most:
            return np.union1d(powers, values[-1:])       # and the top level, to read the range
        values = values[values > 0]
    step = max(1, math.ceil(len(values) / most))
    return values[::step]


def _format_level(value, _position=None):
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.0e}"
