"""Convolution and max pooling, one output cell at a time: step figures and animations.

    from microdl.viz.conv import plot_convolution_steps, animate_convolution
    image = [[1, 1, 1, 0, 0],          # the seed text's 5x5 input
             [0, 1, 1, 1, 0],
             [0, 0, 1, 1, 1],
             [0, 0, 1, 1, 0],
             [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    fig = plot_convolution_steps(image, kernel)     # one row per output cell: 4 3 4 / 2 4 3 / 2 3 4
    anim = animate_convolution(image, kernel)       # one frame per output cell
    anim.save("conv.gif", writer=matplotlib.animation.PillowWriter(fps=1))

A convolution row reads left to right: the input with the kernel's window framed, the
kernel, window x kernel (the elementwise products, written in the cells), their sum
written out ("1·1 + 1·0 + ... = 4"), and the output map filled so far with the current
cell framed. A pooling row: the input with the window framed and its maximum circled,
"max(...) = v", and the output map.

The numbers come from microdl itself: `convolution_steps` and `pooling_steps` take each
output value from microdl.nn.functional.conv2d / max_pool2d, so the picture and the
framework always agree. Images are 2-D (H, W); (1, H, W) and (1, 1, H, W) are accepted.
"""
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Rectangle

from ..nn import functional as F
from ..tensor import Tensor
from . import style

HIGHLIGHT = style.ORANGE        # the window and the output cell being computed
PADDING_COLOR = "#E4E4E4"       # cells of zero padding
EMPTY_COLOR = "#FAFAFA"         # output cells not computed yet
CELL_INCHES = 0.5               # side of one number cell
MAX_CELLS_WITH_NUMBERS = 12     # larger grids are drawn without numbers in the cells


# --- the arithmetic, from microdl's own conv2d / max_pool2d ---------------------------

@dataclass(frozen=True)
class Step:
    """One output cell: where the window sits and what it computes."""
    cell: tuple            # (row, col) in the output map
    top_left: tuple        # (row, col) of the window in the (padded) input
    window: np.ndarray     # (KH, KW) the inputs under the window
    products: np.ndarray   # (KH, KW) window * kernel (convolution only)
    value: float           # output[row, col], as microdl computes it
    argmax: tuple = None   # (row, col) of the maximum inside the window (pooling only)


@dataclass(frozen=True)
class Walkthrough:
    """Everything a step figure shows: the padded input, the kernel, the output, the steps."""
    kind: str              # "convolution" or "pooling"
    padded: np.ndarray     # (H + 2p, W + 2p) input with its padding (nan-free)
    padding: int
    kernel: np.ndarray     # (KH, KW); for pooling an array of ones of the window's size
    bias: float
    output: np.ndarray     # (Ho, Wo)
    steps: list


def _as_image(values, name):
    """A 2-D float64 array from (H, W), (1, H, W) or (1, 1, H, W), a list or a Tensor."""
    array = np.asarray(values.data if isinstance(values, Tensor) else values, dtype=np.float64)
    while array.ndim > 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 2:
        raise ValueError(f"{name} must be one 2-D grid (H, W), got shape {np.shape(array)}; "
                         f"for a multi-channel image pick one channel, e.g. image[0]")
    return array


def convolution_steps(image, kernel, stride=1, padding=0, bias=0.0):
    """The Walkthrough of conv2d(image, kernel): one Step per output cell, in reading order.

    image (H, W), kernel (KH, KW) -> output (Ho, Wo) with Ho = (H + 2*padding - KH) // stride + 1.
    """
    image, kernel = _as_image(image, "image"), _as_image(kernel, "kernel")
    output = F.conv2d(Tensor(image[None, None]), Tensor(kernel[None, None]),
                      Tensor(np.array([float(bias)])), stride=stride, padding=padding).data[0, 0]
    padded = np.pad(image, padding)
    kh, kw = kernel.shape
    steps = []
    for (row, col), value in np.ndenumerate(output):
        top, left = row * stride, col * stride
        window = padded[top:top + kh, left:left + kw]
        steps.append(Step((row, col), (top, left), window, window * kernel, float(value)))
    return Walkthrough("convolution", padded, padding, kernel, float(bias), output, steps)


def pooling_steps(image, kernel_size=2, stride=None):
    """The Walkthrough of max_pool2d(image, kernel_size, stride): one Step per output cell.

    Each Step's `argmax` is the window's maximum; on ties the first in reading order,
    the one microdl's max_pool2d sends the gradient to.
    """
    image = _as_image(image, "image")
    stride = kernel_size if stride is None else stride
    output = F.max_pool2d(Tensor(image[None, None]), kernel_size, stride).data[0, 0]
    steps = []
    for (row, col), value in np.ndenumerate(output):
        top, left = row * stride, col * stride
        window = image[top:top + kernel_size, left:left + kernel_size]
        argmax = np.unravel_index(int(np.argmax(window)), window.shape)
        steps.append(Step((row, col), (top, left), window, None, float(value), tuple(map(int, argmax))))
    return Walkthrough("pooling", image, 0, np.ones((kernel_size, kernel_size)), 0.0, output, steps)


# --- drawing one grid of numbers ----------------------------------------------------------

def _value_colors(values):
    """(cmap, norm) for a grid: IMAGE for values >= 0 (pixels), DIVERGING around 0 otherwise."""
    values = np.asarray(values, dtype=float)
    if values.size and values.min() >= 0:
        return style.IMAGE, Normalize(0.0, float(values.max()) or 1.0)
    return style.DIVERGING, style.signed_norm(values)


def _draw_grid(ax, values, cmap, norm, *, numbers=True, dim_outside=None, padding=0,
               bold=None):
    """Cells coloured by value, with the value written inside (nan = not computed yet).

    dim_outside: (top, left, height, width) of the cells to keep bright; the rest fade.
    padding: how many rings of cells around the edge are zero padding (grey).
    bold: (row, col) of a cell whose number is written in bold.
    """
    values = np.asarray(values, dtype=float)
    height, width = values.shape
    is_padding = np.ones(values.shape, bool)
    is_padding[padding:height - padding, padding:width - padding] = False
    cmap = matplotlib.colormaps[cmap].with_extremes(bad=PADDING_COLOR if padding else EMPTY_COLOR)
    shown = np.ma.masked_where(is_padding | ~np.isfinite(values), values)
    ax.imshow(shown, cmap=cmap, norm=norm, interpolation="nearest")
    _grid_lines(ax, height, width)
    faded = np.zeros(values.shape, bool)
    if dim_outside is not None:
        top, left, kh, kw = dim_outside
        faded[:] = True
        faded[top:top + kh, left:left + kw] = False
        overlay = np.zeros(values.shape + (4,))
        overlay[..., :3] = 1.0
        overlay[..., 3] = 0.55 * faded
        ax.imshow(overlay, interpolation="nearest")
    if numbers and max(height, width) <= MAX_CELLS_WITH_NUMBERS:
        size = _cell_font_size(values)
        for (row, col), value in np.ndenumerate(values):
            if not np.isfinite(value):
                continue
            color = style.GREY if is_padding[row, col] else style.text_color_on(cmap(norm(value)))
            ax.text(col, row, style.short_number(value), ha="center", va="center", fontsize=size,
                    color=color, alpha=0.45 if faded[row, col] else 1.0,
                    fontweight="bold" if bold == (row, col) else "normal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _grid_lines(ax, height, width):
    xs, ys = np.arange(width + 1) - 0.5, np.arange(height + 1) - 0.5
    lines = [[(x, ys[0]), (x, ys[-1])] for x in xs] + [[(xs[0], y), (xs[-1], y)] for y in ys]
    ax.add_collection(LineCollection(lines, colors="#B0B0B0", linewidths=0.8))
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)


def _cell_font_size(values):
    longest = max((len(style.short_number(v)) for v in values.ravel() if np.isfinite(v)), default=1)
    return 15 if longest <= 2 else 13 if longest <= 4 else 12


def _frame(ax, top, left, height, width, color=HIGHLIGHT):
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color,
                           linewidth=4, zorder=5, clip_on=False))


# --- one row of a step figure ---------------------------------------------------------------

@dataclass
class _Look:
    """Colours shared by every row of one figure, so that rows compare."""
    input_colors: tuple    # (cmap, norm) of the input
    signed_colors: tuple   # (cmap, norm) of kernel, products and output


def _look_of(walk):
    inner = walk.padded
    if walk.padding:
        p = walk.padding
        inner = walk.padded[p:-p, p:-p]
    signed = [walk.kernel.ravel(), walk.output.ravel()]
    if walk.kind == "convolution":
        signed += [s.products.ravel() for s in walk.steps]
    signed_colors = (style.DIVERGING, style.signed_norm(np.concatenate(signed)))
    if walk.kind == "pooling":  # input and output are the same kind of number: one scale
        signed_colors = _value_colors(np.concatenate([inner.ravel(), walk.output.ravel()]))
        return _Look(signed_colors, signed_colors)
    return _Look(_value_colors(inner), signed_colors)


def _filled_so_far(walk, step_index):
    """The output map with the cells up to and including this step, nan elsewhere."""
    filled = np.full(walk.output.shape, np.nan)
    for step in walk.steps[:step_index + 1]:
        filled[step.cell] = step.value
    return filled


def _draw_input(ax, walk, step, look):
    kh, kw = walk.kernel.shape
    top, left = step.top_left
    _draw_grid(ax, walk.padded, *look.input_colors, dim_outside=(top, left, kh, kw),
               padding=walk.padding, bold=None)
    _frame(ax, top, left, kh, kw)
    if step.argmax is not None:
        row, col = top + step.argmax[0], left + step.argmax[1]
        for color, width in (("white", 5.0), (style.BLACK, 2.5)):  # a ring seen on any colour
            ax.add_patch(Circle((col, row), 0.4, fill=False, edgecolor=color, linewidth=width, zorder=6))


def _draw_output(ax, walk, step_index, look):
    step = walk.steps[step_index]
    _draw_grid(ax, _filled_so_far(walk, step_index), *look.signed_colors, bold=step.cell)
    _frame(ax, *step.cell, 1, 1)


def _equation_lines(walk, step):
    """The multiply-add written out, one kernel row per line, or max(...) for pooling."""
    n = style.short_number
    if walk.kind == "pooling":
        values = [n(v) for v in step.window.ravel()]
        return [f"max({', '.join(values)})", f"= {n(step.value)}"]
    kh, kw = walk.kernel.shape
    if kh * kw > 25:
        return [f"sum of {kh * kw} products", f"= {n(step.value)}"]

    def term(x, k):
        return f"{n(x)}·{n(k) if k >= 0 else '(' + n(k) + ')'}"
    lines = []
    for r in range(kh):
        terms = " + ".join(term(step.window[r, c], walk.kernel[r, c]) for c in range(kw))
        lines.append(("  " if r == 0 else "+ ") + terms)
    if walk.bias:
        lines.append(f"+ {n(walk.bias)}  (bias)")
    lines.append(f"= {n(step.value)}")
    return lines


def _draw_equation(ax, lines, size):
    ax.set_axis_off()
    body = "\n".join(lines[:-1])
    ax.text(0.0, 0.5, body + "\n", ha="left", va="center", family="monospace", fontsize=size,
            linespacing=1.5, transform=ax.transAxes)
    ax.text(0.0, 0.5, "\n" * (len(lines) - 1) + lines[-1], ha="left", va="center",
            family="monospace", fontsize=size + 1, fontweight="bold", linespacing=1.5,
            color=style.BLACK, transform=ax.transAxes)


def _draw_row(axes, walk, step_index, look, clear=False):
    """Draw step `step_index` into this row's axes (a dict name -> Axes)."""
    for ax in axes.values() if clear else ():
        ax.clear()
    step = walk.steps[step_index]
    _draw_input(axes["input"], walk, step, look)
    if walk.kind == "convolution":
        _draw_grid(axes["kernel"], walk.kernel, *look.signed_colors)
        _draw_grid(axes["products"], step.products, *look.signed_colors)
    _draw_equation(axes["sum"], _equation_lines(walk, step), 13)
    _draw_output(axes["output"], walk, step_index, look)


def _add_titles(fig, axes, walk, top):
    """Panel titles in one line, `top` (a figure fraction) above the row."""
    for name, ax in axes.items():
        box = ax.get_position()
        x = box.x0 if name == "sum" else (box.x0 + box.x1) / 2
        fig.text(x, top, _panel_titles(walk)[name], ha="left" if name == "sum" else "center",
                 va="bottom", fontsize=style.FONT_SIZE + 1, fontweight="bold")


def _panel_titles(walk):
    h, w = walk.padded.shape
    kh, kw = walk.kernel.shape
    ho, wo = walk.output.shape
    padded = f" (padding {walk.padding})" if walk.padding else ""
    if walk.kind == "pooling":
        return {"input": f"input {h}×{w}", "sum": f"{kh}×{kw} max pooling",
                "output": f"output {ho}×{wo}"}
    return {"input": f"input{padded}", "kernel": f"kernel {kh}×{kw}", "products": "window × kernel",
            "sum": "sum of the products", "output": f"output {ho}×{wo}"}


# --- layout: panels placed in inches, so cells are the same size in every panel ------------

_GAP = 0.75          # inches between panels, room for a ×, = or → sign
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
    lines = max((_equation_lines(walk, s) for s in walk.steps), key=lambda ls: max(map(len, ls)))
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
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        bar.set_label(label, fontsize=style.FONT_SIZE)
        bar.ax.tick_params(labelsize=style.FONT_SIZE)
        bar.locator = plt.MaxNLocator(5)
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


@style.styled
def _plot_steps(walk, cells, max_steps, title):
    chosen = _choose_steps(walk, cells, max_steps)
    row_height, gap = _row_height(walk, CELL_INCHES), 0.35
    fig_width = _figure_width(walk, CELL_INCHES)
    fig_height = _HEADER + _TITLE + len(chosen) * (row_height + gap) + _KEYS
    fig = plt.figure(figsize=(fig_width, fig_height))
    look = _look_of(walk)
    for r, step_index in enumerate(chosen):
        bottom = fig_height - _HEADER - _TITLE - r * (row_height + gap) - row_height
        axes = _add_row_axes(fig, walk, bottom, row_height, CELL_INCHES, fig_width, fig_height)
        _draw_row(axes, walk, step_index, look)
        if r == 0:  # the first row names the panels; the rest line up under it
            _add_titles(fig, axes, walk, (bottom + row_height + 0.15) / fig_height)
        fig.text(0.25 / fig_width, (bottom + row_height / 2) / fig_height, _step_label(walk, step_index),
                 ha="left", va="center", fontsize=style.FONT_SIZE)
    _add_header_and_keys(fig, walk, look, title, fig_width, fig_height)
    return fig


def _add_header_and_keys(fig, walk, look, title, fig_width, fig_height):
    fig.suptitle(title, x=0.25 / fig_width, y=1 - 0.25 / fig_height, ha="left", va="top",
                 fontsize=style.TITLE_SIZE + 2)
    _add_keys(fig, walk, look, 0.55, fig_width, fig_height)


@style.styled
def _animate(walk, interval, title):
    row_height = _row_height(walk, CELL_INCHES)
    fig_width = _figure_width(walk, CELL_INCHES)
    fig_height = _HEADER + _TITLE + row_height + _KEYS
    fig = plt.figure(figsize=(fig_width, fig_height))
    look = _look_of(walk)
    axes = _add_row_axes(fig, walk, _KEYS, row_height, CELL_INCHES, fig_width, fig_height)
    _add_titles(fig, axes, walk, (_KEYS + row_height + 0.15) / fig_height)
    counter = fig.text(0.25 / fig_width, (_KEYS + row_height / 2) / fig_height, "", ha="left",
                       va="center", fontsize=style.FONT_SIZE)
    _add_header_and_keys(fig, walk, look, title, fig_width, fig_height)

    def draw_frame(step_index):
        with plt.rc_context(style.rc()):  # frames are drawn later, outside @styled
            _draw_row(axes, walk, step_index, look, clear=True)
            counter.set_text(_step_label(walk, step_index))
        return []

    draw_frame(0)
    return FuncAnimation(fig, draw_frame, frames=len(walk.steps), interval=interval, blit=False,
                         repeat=True)


# --- public ---------------------------------------------------------------------------------

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


def animate_convolution(image, kernel, stride=1, padding=0, bias=0.0, interval=1200, title=None):
    """A matplotlib FuncAnimation of the convolution, one frame per output cell.

    Save it with `anim.save("conv.gif", writer=matplotlib.animation.PillowWriter(fps=1))`,
    or show it in Jupyter with `IPython.display.HTML(anim.to_jshtml())`.
    """
    walk = convolution_steps(image, kernel, stride, padding, bias)
    kh, kw = walk.kernel.shape
    return _animate(walk, interval, title or f"Convolution: slide the {kh}×{kw} kernel, "
                                             f"multiply, add")


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


def animate_pooling(image, kernel_size=2, stride=None, interval=1200, title=None):
    """A matplotlib FuncAnimation of max pooling, one frame per output cell."""
    walk = pooling_steps(image, kernel_size, stride)
    return _animate(walk, interval, title or f"Max pooling: keep the largest value of each "
                                             f"{kernel_size}×{kernel_size} window")
