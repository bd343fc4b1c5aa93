"""Convolution and max pooling, one output cell at a time: step figures and animations.

    from microdl.viz import plot_convolution_steps, animate_convolution
    image = [[1, 1, 1, 0, 0],          # the seed text's 5x5 input
             [0, 1, 1, 1, 0],
             [0, 0, 1, 1, 1],
             [0, 0, 1, 1, 0],
             [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    fig = plot_convolution_steps(image, kernel)     # one row per output cell: 4 3 4 / 2 4 3 / 2 3 4
    scene = animate_convolution(image, kernel)      # a Scene: one frame per output cell
    scene.save("conv.gif")                          # or show it: last line of a cell, .show()

A figure stacks rows (grid.py draws one) with panels placed in inches, so a cell is the
same size in every panel; an animation draws one such row per frame, with the same
functions. The numbers are microdl's own (steps.py).
"""
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .. import style
from ..canvas import Control, Figure, Scene, dpi_to_fit
from .grid import HIGHLIGHT, PADDING_COLOR, add_titles, draw_row, equation_lines, look_of
from .steps import convolution_steps, pooling_steps

__all__ = ["plot_convolution_steps", "animate_convolution", "plot_pooling_steps", "animate_pooling"]

CELL_INCHES = 0.5               # side of one number cell


# --- layout: panels placed in inches, so cells are the same size in every panel ------------

_GAP = 0.6           # inches between panels, room for a ×, = or → sign (two steps fit 13.3 in)
_TITLE = 0.55        # inches above a row for titles
_LABEL = 1.25        # inches left of a row for "step 3"


def _panel_widths(walk):
    """{panel: (width, height) in cells}, and the sum panel's width in inches."""
    kh, kw = walk.kernel.shape
    panels = {"input": walk.padded.shape[::-1]}
    if walk.kind == "convolution":
        panels["kernel"] = (kw, kh)
        panels["products"] = (kw, kh)
    panels["output"] = walk.output.shape[::-1]
    lines = max((equation_lines(walk, s) for s in walk.steps), key=lambda ls: max(map(len, ls)))
    sum_inches = 0.12 * max(map(len, lines)) + 0.3
    return panels, sum_inches, len(lines)


def _row_height(walk, cell):
    panels, _, lines = _panel_widths(walk)
    tallest = max(h for _, h in panels.values()) * cell
    return max(tallest, 0.3 * lines + 0.3)


def _add_row_axes(fig, walk, bottom, row_height, cell, fig_width, fig_height):
    """Create this row's axes, left to right, vertically centred; return {name: Axes}."""
    panels, sum_inches, _ = _panel_widths(walk)
    order = ["input", "kernel", "products", "sum", "output"]
    signs = {"kernel": "×", "products": "=", "sum": "→", "output": "="}
    axes, x = {}, _LABEL
    for name in order:
        if name == "sum":
            width, height = sum_inches, row_height
        elif name in panels:
            width, height = panels[name][0] * cell, panels[name][1] * cell
        else:
            continue
        if axes:
            fig.text((x - _GAP / 2) / fig_width, (bottom + row_height / 2) / fig_height,
                     signs[name], ha="center", va="center", fontsize=22, color=style.GREY)
        y = bottom + (row_height - height) / 2
        axes[name] = fig.add_axes([x / fig_width, y / fig_height, width / fig_width, height / fig_height])
        x += width + _GAP
    return axes


def _figure_width(walk, cell):
    panels, sum_inches, _ = _panel_widths(walk)
    return _LABEL + sum(w * cell for w, _ in panels.values()) + sum_inches + _GAP * len(panels) + 0.6


def _add_keys(fig, walk, look, bottom, fig_width, fig_height):
    """Colour bars and a legend along the bottom of the figure, `bottom` inches up."""
    bars = []
    if walk.kind == "convolution":
        bars = [(look.input_colors, "input value"),
                (look.signed_colors, "kernel, products, output (white = 0)")]
    else:
        bars = [(look.input_colors, "value (input and output)")]
    width = min(3.2, (fig_width - 5.5) / len(bars))
    for k, ((cmap, norm), label) in enumerate(bars):
        cax = fig.add_axes([(_LABEL + k * (width + 0.6)) / fig_width, (bottom + 0.35) / fig_height,
                            width / fig_width, 0.18 / fig_height])
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        bar.set_label(label, fontsize=style.FONT_SIZE)
        bar.ax.tick_params(labelsize=style.FONT_SIZE)
        bar.locator = MaxNLocator(5)
        bar.update_ticks()
    handles = [Patch(facecolor="none", edgecolor=HIGHLIGHT, linewidth=3,
                     label="window / output cell of this step")]
    if walk.padding:
        handles.append(Patch(facecolor=PADDING_COLOR, edgecolor="#B0B0B0", label="zero padding"))
    if walk.kind == "pooling":
        handles.append(Line2D([], [], marker="o", markersize=14, markerfacecolor="none", linestyle="",
                              markeredgecolor=style.BLACK, markeredgewidth=2, label="the window's maximum"))
    fig.legend(handles=handles, loc="lower right", bbox_to_anchor=(1 - 0.15 / fig_width, bottom / fig_height),
               fontsize=style.FONT_SIZE, frameon=False)


def _choose_steps(walk, cells, max_steps):
    if cells is not None:
        index = {s.cell: k for k, s in enumerate(walk.steps)}
        missing = [c for c in cells if tuple(c) not in index]
        if missing:
            raise ValueError(f"cells {missing} are not in the {walk.output.shape} output; "
                             f"give (row, col) pairs with 0 <= row < {walk.output.shape[0]}, "
                             f"0 <= col < {walk.output.shape[1]}")
        return [index[tuple(c)] for c in cells]
    n = len(walk.steps)
    if n <= max_steps:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, max_steps).round().astype(int).tolist()))


_KEYS = 1.6          # inches along the bottom for colour bars and the legend
_HEADER = 0.75       # inches at the top for the figure's title


def _step_label(walk, step_index):
    row, col = walk.steps[step_index].cell
    return f"step {step_index + 1}\nof {len(walk.steps)}\n\noutput\n[{row}, {col}]"


#: the largest still figure, in pixels at its dpi; beyond it a figure takes seconds and
#: megabytes, and no screen shows it whole
MAX_PIXELS = (3000, 6000)


def _check_size(fig_width, fig_height, shown, total, what):
    dpi = style.rc()["figure.dpi"]
    width, height = round(fig_width * dpi), round(fig_height * dpi)
    if width > MAX_PIXELS[0] or height > MAX_PIXELS[1]:
        raise ValueError(
            f"{what}: {shown} of {total} steps of this input would make a {width}x{height} px "
            f"figure, larger than the {MAX_PIXELS[0]}x{MAX_PIXELS[1]} px limit. Crop the image to "
            f"a small patch (e.g. image[10:16, 10:16]), show fewer steps (max_steps=3 or "
            f"cells=[(0, 0), (5, 5)]), or use plot_feature_maps for the whole image.")


@style.styled
def _plot_steps(walk, cells, max_steps, title):
    chosen = _choose_steps(walk, cells, max_steps)
    row_height, gap = _row_height(walk, CELL_INCHES), 0.35
    fig_width = _figure_width(walk, CELL_INCHES)
    fig_height = _HEADER + _TITLE + len(chosen) * (row_height + gap) + _KEYS
    _check_size(fig_width, fig_height, len(chosen), len(walk.steps), f"{walk.kind} steps")
    fig = Figure(figsize=(fig_width, fig_height))
    look = look_of(walk)
    for r, step_index in enumerate(chosen):
        bottom = fig_height - _HEADER - _TITLE - r * (row_height + gap) - row_height
        _draw_step(fig, walk, look, step_index, bottom, row_height, (fig_width, fig_height), titles=r == 0)
    _add_header_and_keys(fig, walk, look, title, fig_width, fig_height)
    return fig


def _draw_step(fig, walk, look, step_index, bottom, row_height, fig_size, titles):
    """One row of panels for one step, `bottom` inches up; the first row names the panels."""
    fig_width, fig_height = fig_size
    axes = _add_row_axes(fig, walk, bottom, row_height, CELL_INCHES, fig_width, fig_height)
    draw_row(axes, walk, step_index, look)
    if titles:  # the first row names the panels; the rest line up under it
        add_titles(fig, axes, walk, (bottom + row_height + 0.15) / fig_height)
    fig.text(0.25 / fig_width, (bottom + row_height / 2) / fig_height, _step_label(walk, step_index),
             ha="left", va="center", fontsize=style.FONT_SIZE)


def _add_header_and_keys(fig, walk, look, title, fig_width, fig_height):
    fig.suptitle(title, x=0.25 / fig_width, y=1 - 0.25 / fig_height, ha="left", va="top",
                 fontsize=style.TITLE_SIZE + 2)
    _add_keys(fig, walk, look, 0.55, fig_width, fig_height)


def _animate(walk, title, size, fps):
    """A Scene with one frame per step: the still figure's row and keys, one step at a time."""
    row_height = _row_height(walk, CELL_INCHES)
    fig_width = _figure_width(walk, CELL_INCHES)
    # no wider than 2.3:1, so a frame fits a 16:9 slide without becoming a thin strip
    fig_height = max(_HEADER + _TITLE + row_height + _KEYS, fig_width / 2.3)
    look = look_of(walk)

    def draw(fig, frame):
        with style.context():  # a Scene draws its frames later, outside any @styled call
            _draw_step(fig, walk, look, frame, _KEYS, row_height, (fig_width, fig_height), titles=True)
            _add_header_and_keys(fig, walk, look, title, fig_width, fig_height)

    return Scene(draw, [Control("frame", range(len(walk.steps)), label="step")],
                 size=(fig_width, fig_height), dpi=dpi_to_fit(fig_width, fig_height, size), fps=fps)


# --- public ---------------------------------------------------------------------------------

@style.styled
def plot_convolution_steps(image, kernel, stride=1, padding=0, bias=0.0, cells=None, max_steps=9,
                           title=None):
    """A figure with one row per output cell: window, kernel, products, their sum, output so far.

    image (H, W), kernel (KH, KW). With more than `max_steps` output cells an evenly
    spread selection is drawn (always the first and the last); `cells=[(0, 0), (1, 2)]`
    picks them. Values are microdl's conv2d (see `convolution_steps`). Returns the Figure.
    """
    walk = convolution_steps(image, kernel, stride, padding, bias)
    h, w = walk.padded.shape[0] - 2 * padding, walk.padded.shape[1] - 2 * padding
    kh, kw = walk.kernel.shape
    title = title or (f"Convolution step by step: {h}×{w} input, {kh}×{kw} kernel, stride {stride}"
                      f"{f', padding {padding}' if padding else ''} → {walk.output.shape[0]}×"
                      f"{walk.output.shape[1]} output")
    return _plot_steps(walk, cells, max_steps, title)


@style.styled
def animate_convolution(image, kernel, stride=1, padding=0, bias=0.0, title=None, size=(1280, 720), fps=2):
    """The convolution as a Scene, one frame per output cell (the rows of plot_convolution_steps).

    size: the largest frame in pixels (the picture keeps its proportions); fps: frames per
    second. In Jupyter it shows itself as an offline player; `.save("conv.gif")`,
    `.show()` (a window: arrows step, space plays), `.step(3)` to go to a frame.
    """
    walk = convolution_steps(image, kernel, stride, padding, bias)
    kh, kw = walk.kernel.shape
    return _animate(walk, title or f"Convolution: slide the {kh}×{kw} kernel, multiply, add", size, fps)


@style.styled
def plot_pooling_steps(image, kernel_size=2, stride=None, cells=None, max_steps=9, title=None):
    """A figure with one row per output cell of max pooling: window, its max, output so far.

    image (H, W). The maximum of each window is circled (on ties: the first in reading
    order, the one that gets the gradient). Values are microdl's max_pool2d.
    """
    walk = pooling_steps(image, kernel_size, stride)
    h, w = walk.padded.shape
    title = title or (f"Max pooling step by step: {h}×{w} input, {kernel_size}×{kernel_size} window, "
                      f"stride {stride or kernel_size} → {walk.output.shape[0]}×{walk.output.shape[1]}")
    return _plot_steps(walk, cells, max_steps, title)


@style.styled
def animate_pooling(image, kernel_size=2, stride=None, title=None, size=(1280, 720), fps=2):
    """Max pooling as a Scene, one frame per output cell (see animate_convolution)."""
    walk = pooling_steps(image, kernel_size, stride)
    return _animate(walk, title or f"Max pooling: keep the largest value of each "
                                   f"{kernel_size}×{kernel_size} window", size, fps)
