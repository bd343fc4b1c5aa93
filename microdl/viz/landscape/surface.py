"""The loss of two parameters as a 3-D surface, with descent paths drawn on it.

    plot_surface(rosenbrock(), [descent_path(rosenbrock(), optimizer="adam")])

The same loss, window and paths as the contour pictures (plots.py), seen
from the side: the height is the loss, or log10 of the loss above its minimum when the
loss spans orders of magnitude.
"""
import numpy as np

from .. import canvas, style
from .contours import contour_levels, landscape_view, loss_grid
from .panel import marker_legend_handles, marker_size, path_colors, points_until_exit
from .path import as_paths

__all__ = ["plot_surface"]


@style.styled
def plot_surface(loss, paths=None, ax=None, view=None, log_levels="auto", elevation=35, azimuth=-60):
    """The loss as a 3-D surface, with the paths drawn on it. `ax` must be a 3-D Axes.

    When the loss spans orders of magnitude the height is log10(L - L_min + small), and
    the axis says so. Paths are drawn on top of the surface (computed_zorder is turned
    off, so matplotlib does not sort them behind it). Returns the Figure, or `ax`.
    """
    paths = as_paths(paths)
    view = view or landscape_view(loss, paths)
    if ax is None:
        figure, axes = canvas.new_figure(width=8.5, height=7.5, layout="constrained",
                                        subplot_kw={"projection": "3d", "computed_zorder": False})
    else:
        if getattr(ax, "name", "") != "3d":
            raise ValueError("plot_surface needs a 3-D Axes: fig.add_subplot(projection='3d')")
        figure, axes = ax.figure, ax
        axes.computed_zorder = False
    P1, P2, L = loss_grid(loss, view, resolution=121)
    is_log = contour_levels(loss, L, 16, log_levels).is_log
    height, zlabel = _surface_height(loss, L, is_log)
    surface = axes.plot_surface(P1, P2, height(L), cmap=style.SEQUENTIAL, linewidth=0,
                                antialiased=True, alpha=0.8, rcount=121, ccount=121, zorder=1)
    for path, color in zip(paths, path_colors(len(paths))):
        _draw_path_3d(axes, loss, path, color, view, height)
    axes.plot([loss.minimum[0]], [loss.minimum[1]], [height(loss.minimum_loss)], linestyle="none",
              zorder=12, **style.MINIMUM_MARKER)
    axes.set_xlabel(loss.parameter_names[0], labelpad=8)
    axes.set_ylabel(loss.parameter_names[1], labelpad=8)
    axes.set_zlabel(zlabel, labelpad=8)
    axes.view_init(elev=elevation, azim=azimuth)
    axes.locator_params(nbins=5)
    figure.colorbar(surface, ax=axes, shrink=0.55, pad=0.1, label=zlabel)
    handles = axes.get_legend_handles_labels()[0]
    handles += marker_legend_handles(paths, loss, True, shared_start=False)
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
                frameon=False)
    axes.set_title(f"{loss.name}\n{loss.formula}")
    return style.projector_text(axes) if ax is not None else style.projector_text(figure)


def _draw_path_3d(axes, loss, path, color, view, height):
    """One path on the surface: a marker per step, its start, and its end (or where it blew up)."""
    points = np.asarray(path.points)
    keep = np.all(np.isfinite(points), axis=1)
    points = points[keep]
    points = points_until_exit(points, view)
    z = height(loss(points[:, 0], points[:, 1]))
    axes.plot(points[:, 0], points[:, 1], z, "-o", color=color, lw=2.2,
              markersize=marker_size(path.steps) - 1, label=path.label, zorder=10)
    axes.plot(points[:1, 0], points[:1, 1], z[:1], linestyle="none", color=color, zorder=11,
              **style.START_MARKER)
    end = style.DIVERGED_MARKER if path.diverged or len(points) < len(keep) else \
        dict(style.END_MARKER, color=color)
    axes.plot(points[-1:, 0], points[-1:, 1], z[-1:], linestyle="none", zorder=11, **end)


def _surface_height(loss, L, is_log):
    """The height function of the 3-D plot and its axis label."""
    if not is_log:
        return (lambda values: np.asarray(values, dtype=float)), "loss"
    floor = loss.minimum_loss
    small = max(float(np.nanmax(L) - floor) * 1e-3, 1e-12)  # keeps a narrow valley's floor smooth
    return (lambda values: np.log10(np.asarray(values, dtype=float) - floor + small)), \
        r"$\log_{10}(L - L_{min})$"
