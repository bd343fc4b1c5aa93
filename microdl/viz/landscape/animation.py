"""Gradient descent as an animation: the paths grow one step per frame over the contours.

    scene = animate_descent(quadratic_bowl(), [descent_path(quadratic_bowl())])
    scene.save("descent.gif")     # or make it a cell's last line: an offline player

Each frame is the still picture (`plot_landscape`) of the paths cut at that step, so
the animation and the figure can never disagree.
"""
import dataclasses

import numpy as np
from matplotlib.lines import Line2D

from .. import style
from ..canvas import Control, Scene, dpi_to_fit
from .contours import landscape_view
from .panel import figure_size, marker_legend_handles, shares_start
from .path import as_paths
from .plots import plot_landscape

__all__ = ["animate_descent"]


@style.styled
def animate_descent(loss, paths, levels=16, log_levels="auto", view=None, size=(1280, 720), fps=4,
                    max_frames=30):
    """A Scene of the paths growing step by step, over the contours of `loss`.

    size: the largest frame in pixels (the picture keeps its proportions); fps: frames per
    second; max_frames: with more steps than this, frames are spread evenly over the
    steps (always the first and the last), which keeps a saved notebook small.
    In Jupyter it shows itself as an offline player; `.save("descent.gif")`, `.show()`.
    """
    paths = as_paths(paths)
    if not paths:
        raise ValueError("animate_descent: give at least one path (see descent_path)")
    steps = max(p.steps for p in paths)
    if steps == 0:
        raise ValueError("animate_descent: the paths have no steps to animate (steps=0)")
    if max_frames < 2:
        raise ValueError(f"animate_descent: max_frames must be at least 2, got {max_frames}")
    view = view or landscape_view(loss, paths)
    shown_steps = sorted(set(np.linspace(1, steps, min(steps, max_frames)).round().astype(int).tolist()))

    def draw(fig, step):
        with style.context():  # a Scene draws its frames later, outside any @styled call
            if hasattr(fig, "set_layout_engine"):
                fig.set_layout_engine("constrained")
            else:  # a SubFigure (a window's picture above its controls): room for the legend
                fig.subplots_adjust(left=0.12, right=0.95, top=0.88, bottom=0.3)
            ax, shown = fig.subplots(), [_cut(path, step) for path in paths]
            plot_landscape(loss, shown, ax=ax, levels=levels, log_levels=log_levels, view=view,
                           legend=False, title=f"{loss.name}\nstep {step} of {steps}")
            _legend(ax, loss, shown, "end, after the last step" if step == steps else f"now: after step {step}")

    width, height = figure_size(view)
    return Scene(draw, [Control("step", shown_steps)], frame_control="step", size=(width, height),
                 dpi=dpi_to_fit(width, height, size), fps=fps)


def _legend(ax, loss, paths, end_label):
    """plot_landscape's legend, but the square says what it marks in this frame: where the
    path is now (mid-way), or its end (the last frame)."""
    handles = ax.get_legend_handles_labels()[0]
    handles += marker_legend_handles(paths, loss, True, shares_start(paths), show_end=False)
    if any(not p.diverged for p in paths):
        handles.append(Line2D([], [], linestyle="none", color=style.GREY, label=end_label, **style.END_MARKER))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
              ncol=1 if len(handles) > 4 else 2, frameon=False)


def _cut(path, step):
    """The path as it was after `step` steps (it diverged only if it got there)."""
    if step >= path.steps:
        return path
    return dataclasses.replace(path, points=path.points[:step + 1], losses=path.losses[:step + 1],
                               diverged=False)
