"""One landscape panel: the contours of a loss, its minimum and descent paths on one Axes.

    filled, levels = draw_landscape(ax, loss, paths, view, 16, "auto", show_minimum=True)
    add_colorbar(ax.figure, filled, levels, ax)                    # from .contours
    ax.legend(handles=ax.get_legend_handles_labels()[0]
              + marker_legend_handles(paths, loss, True, shares_start(paths)))

Every path is one colour of style.CYCLE (`path_colors`), a marker per step; the start is
style.START_MARKER (once, in black, when all paths share it), the end style.END_MARKER,
the exact minimum style.MINIMUM_MARKER, the place a path blew up or left the window
style.DIVERGED_MARKER. A path is a LossPath (path.py): a DescentPath or a BatchTrajectory.
"""
import numpy as np
from matplotlib import patheffects
from matplotlib.lines import Line2D

from .. import style
from .contours import draw_contours

__all__ = ["draw_landscape", "draw_path", "path_colors", "batch_colors", "marker_size", "halo", "points_until_exit",
           "shares_start", "marker_legend_handles", "figure_size"]


def draw_landscape(ax, loss, paths, view, levels, log_levels, show_minimum, colors=None):
    """Contours, minimum and paths on one Axes, over `view`, with the axes labelled.

    levels, log_levels: as in contour_levels (contours.py). colors: one per path (default
    path_colors). Returns (the filled contours, ContourLevels), for add_colorbar.
    """
    filled, chosen = draw_contours(ax, loss, view, levels, log_levels)
    shared = shares_start(paths)
    colors = colors or path_colors(len(paths))
    for path, color in zip(paths, colors):
        draw_path(ax, path, color, view, show_start=not shared)
    if shared:
        ax.plot(*paths[0].points[0], linestyle="none", color=style.BLACK, zorder=6,
                **style.START_MARKER)
    if show_minimum:
        ax.plot(*loss.minimum, linestyle="none", zorder=6, **style.MINIMUM_MARKER)
    (x0, x1), (y0, y1) = view
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(loss.parameter_names[0])
    ax.set_ylabel(loss.parameter_names[1])
    ax.locator_params(nbins=6)
    _equal_aspect_if_sensible(ax, view)
    return filled, chosen


def draw_path(ax, path, color, view, show_start=True):
    """A path: a line with a marker per step, its start, and where it diverged or left.

    A path that leaves the window is drawn up to the border, where a cross marks it.
    """
    points = np.asarray(path.points)
    points = points[np.all(np.isfinite(points), axis=1)]
    exit_point = _exit_point(points, view)
    if exit_point is not None:
        points = np.concatenate([points_until_exit(points, view), exit_point[None]])
    steps = len(path.points) - 1
    width = 2.2 if steps <= 150 else 1.4
    line, = ax.plot(points[:, 0], points[:, 1], "-o", color=color, lw=width,
                    markersize=marker_size(steps), markeredgecolor="white",
                    markeredgewidth=0.6 if steps <= 150 else 0, label=path.label, zorder=4,
                    alpha=1.0 if steps <= 150 else 0.8, path_effects=halo(width if steps <= 150 else 0.5))
    if exit_point is not None:
        line.set_markevery(list(range(len(points) - 1)))  # no step marker on the border
    if show_start:
        ax.plot(*points[0], linestyle="none", color=color, zorder=6, **style.START_MARKER)
    if path.diverged or exit_point is not None:
        ax.plot(*points[-1], linestyle="none", zorder=7, clip_on=False, **style.DIVERGED_MARKER)
    else:
        ax.plot(*points[-1], linestyle="none", zorder=6, color=color, **style.END_MARKER)
    if exit_point is not None:
        ax.annotate("left the plot", points[-1], xytext=_away_from_border(points[-1], view),
                    textcoords="offset points", ha="center", va="center", fontsize=style.FONT_SIZE,
                    color=style.VERMILLION, zorder=8, path_effects=halo(1))


def path_colors(count):
    """The colours of `count` paths: style.CYCLE in order, starting over when it runs out."""
    return [style.CYCLE[i % len(style.CYCLE)] for i in range(count)]


def batch_colors(batch_sizes, n=None):
    """One colour per run, by its batch size, the same in every lesson: blue for SGD (1),
    vermillion for a mini-batch, black for the full batch (None, or >= the n examples)."""
    others = iter([style.VERMILLION, style.PURPLE, style.ORANGE, style.SKY_BLUE] * len(batch_sizes))
    full = n if n is not None else float("inf")
    return [style.BLACK if size is None or size >= full else style.BLUE if size == 1 else next(others)
            for size in batch_sizes]


def marker_size(steps):
    """The size of a path's step markers: smaller when there are many steps."""
    return 6 if steps <= 40 else 4 if steps <= 150 else 2.5


def halo(width):
    """A white outline, so a coloured line of `width` stays visible over any contour colour."""
    return [patheffects.Stroke(linewidth=width + 2.5, foreground="white", alpha=0.85),
            patheffects.Normal()]


def points_until_exit(points, view):
    """The points (k, 2) before the first one outside `view`: all of them if none leaves."""
    inside = _inside(points, view)
    return points if inside.all() else points[:int(np.argmin(inside))]


def _exit_point(points, view):
    """Where the path first leaves the view (on its border), or None if it never does."""
    inside = _inside(points, view)
    if inside.all() or not inside[0]:
        return None
    j = int(np.argmin(inside))           # the first point outside
    a, b = points[j - 1], points[j]
    t = 1.0                              # the smallest fraction of a -> b that reaches a border
    for axis, (low, high) in enumerate(view):
        for bound in (low, high):
            if b[axis] != a[axis]:
                s = (bound - a[axis]) / (b[axis] - a[axis])
                if 0 <= s < t:
                    t = s
    return a + t * (b - a)


def _inside(points, view):
    (x0, x1), (y0, y1) = view
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)


def _away_from_border(point, view, distance=22):
    """An offset in points that moves a label from a border point into the plot."""
    (x0, x1), (y0, y1) = view
    dx = distance * 2.2 if np.isclose(point[0], x0) else -distance * 2.2 if np.isclose(point[0], x1) else 0
    dy = distance if np.isclose(point[1], y0) else -distance if np.isclose(point[1], y1) else 0
    return dx, dy


def shares_start(paths):
    """True when there are paths and they all start at the same point (drawn once, in black)."""
    return len(paths) > 0 and all(np.array_equal(p.points[0], paths[0].points[0]) for p in paths)


def marker_legend_handles(paths, loss, show_minimum, shared_start, show_end=True):
    """Legend entries for the markers that carry no label of their own: the start (with
    its coordinates when `shared_start`), the exact minimum, the ends, where paths diverged.
    """
    handles = []
    if shared_start:
        (s1, s2), names = paths[0].points[0], _short_names(loss)
        handles.append(Line2D([], [], linestyle="none", color=style.BLACK,
                              label=f"start: {names[0]}={s1:.3g}, {names[1]}={s2:.3g}",
                              **style.START_MARKER))
    elif paths:
        handles.append(Line2D([], [], linestyle="none", color=style.GREY,
                              label="start, in its path's colour", **style.START_MARKER))
    if show_minimum:
        (m1, m2), names = loss.minimum, _short_names(loss)
        handles.append(Line2D([], [], linestyle="none",
                              label=f"minimum: {names[0]}={m1:.3g}, {names[1]}={m2:.3g}",
                              **style.MINIMUM_MARKER))
    if show_end and any(not p.diverged for p in paths):
        handles.append(Line2D([], [], linestyle="none", color=style.GREY,
                              label="end, after the last step", **style.END_MARKER))
    if any(p.diverged for p in paths):
        handles.append(Line2D([], [], linestyle="none", label="diverged here", **style.DIVERGED_MARKER))
    return handles


def _short_names(loss):
    return [name.split(" (")[0] for name in loss.parameter_names]


def _equal_aspect_if_sensible(ax, view):
    """Equal units on both axes, so gradients look perpendicular to the contours."""
    (x0, x1), (y0, y1) = view
    if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3:
        ax.set_aspect("equal", adjustable="box")


def figure_size(view, long_side=6.0, extra_width=2.2, extra_height=2.6):
    """A figure size for one panel whose axes have about the view's aspect (little white space)."""
    (x0, x1), (y0, y1) = view
    aspect = min(max((x1 - x0) / (y1 - y0), 1 / 3), 3)
    width, height = (long_side, long_side / aspect) if aspect >= 1 else (long_side * aspect, long_side)
    return max(width, 4.5) + extra_width, height + extra_height
