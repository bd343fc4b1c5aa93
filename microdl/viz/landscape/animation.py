"""Gradient descent as an animation: the paths grow one step per frame over the contours.

    anim = animate_descent(quadratic_bowl(), [descent_path(quadratic_bowl())])
    anim.save("descent.gif", writer=PillowWriter(fps=6))   # matplotlib.animation.PillowWriter
"""
import numpy as np
from matplotlib.animation import FuncAnimation

from .. import style
from .contours import add_colorbar, landscape_view
from .panel import (draw_landscape, figure_size, halo, marker_legend_handles, marker_size, path_colors,
                    shares_start)
from .path import as_paths

__all__ = ["animate_descent"]


@style.styled
def animate_descent(loss, paths, ax=None, interval=150, levels=16, log_levels="auto", view=None):
    """An animation of the paths growing one step per frame; frames = the longest path's steps.

    Save it as a GIF with `anim.save("descent.gif", writer=PillowWriter(fps=6))`
    (from matplotlib.animation import PillowWriter). Returns the FuncAnimation.
    """
    paths = as_paths(paths)
    if not paths:
        raise ValueError("animate_descent: give at least one path (see descent_path)")
    frames = max(p.steps for p in paths)
    if frames == 0:
        raise ValueError("animate_descent: the paths have no steps to animate (steps=0)")
    view = view or landscape_view(loss, paths)
    figure, axes = (ax.figure, ax) if ax is not None else style.new_figure(
        1, 1, *figure_size(view), layout="constrained")
    filled, chosen = draw_landscape(axes, loss, [], view, levels, log_levels, True)
    add_colorbar(figure, filled, chosen, axes)
    lines, ends, shared = [], [], shares_start(paths)
    for path, color in zip(paths, path_colors(len(paths))):
        axes.plot(*path.points[0], linestyle="none", color=style.BLACK if shared else color,
                  zorder=6, **style.START_MARKER)
        lines.append(axes.plot([], [], "-o", color=color, lw=2.2, markersize=marker_size(frames),
                               markeredgecolor="white", markeredgewidth=0.6, label=path.label,
                               zorder=4, path_effects=halo(2.2))[0])
        ends.append(axes.plot([], [], linestyle="none", zorder=7, **style.DIVERGED_MARKER)[0])
    handles = axes.get_legend_handles_labels()[0]
    handles += marker_legend_handles(paths, loss, True, shared, show_end=False)
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1,
                frameon=False)

    def draw_frame(frame):
        for path, line, end in zip(paths, lines, ends):
            shown = np.asarray(path.points[:frame + 2])
            line.set_data(shown[:, 0], shown[:, 1])
            finished = path.diverged and frame + 2 >= len(path.points)
            end.set_data(shown[-1:, 0] if finished else [], shown[-1:, 1] if finished else [])
        axes.set_title(f"{loss.name}\nstep {frame + 1} of {frames}")
        return lines + ends

    style.projector_text(figure if ax is None else axes)
    if ax is None:  # lay the figure out once: re-doing it for every frame is most of the time
        draw_frame(frames - 1)
        figure.canvas.draw()
        figure.set_layout_engine("none")
    return FuncAnimation(figure, draw_frame, frames=frames, interval=interval, blit=False,
                         repeat=False)
