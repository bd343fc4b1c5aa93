"""Drawing a step figure's pieces: one grid of numbers, and one row of grids.

A grid is cells coloured by value (style.IMAGE for pixels >= 0, style.DIVERGING around
0 otherwise) with the value written inside. A convolution row reads left to right: the
input with the kernel's window framed, the kernel, window x kernel (the elementwise
products), their sum written out ("1·1 + 1·0 + ... = 4"), and the output map filled so
far with the current cell framed. A pooling row: the input with the window framed and
its maximum circled, "max(...) = v", and the output map.
"""
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Circle, Rectangle

from .. import style

__all__ = ["look_of", "draw_row", "add_titles", "equation_lines", "HIGHLIGHT", "PADDING_COLOR"]

HIGHLIGHT = style.ORANGE        # the window and the output cell being computed
PADDING_COLOR = "#E4E4E4"       # cells of zero padding
EMPTY_COLOR = "#FAFAFA"         # output cells not computed yet
MAX_CELLS_WITH_NUMBERS = 12     # larger grids are drawn without numbers in the cells


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
    # not clipped: the lines on the right and bottom edge sit on the axes' border, and
    # clipped to it they vanished (the rightmost column looked cut off)
    ax.add_collection(LineCollection(lines, colors="#B0B0B0", linewidths=0.8, clip_on=False))
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


def look_of(walk):
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


def equation_lines(walk, step):
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


def draw_row(axes, walk, step_index, look, clear=False):
    """Draw step `step_index` into this row's axes (a dict name -> Axes)."""
    for ax in axes.values() if clear else ():
        ax.clear()
    step = walk.steps[step_index]
    _draw_input(axes["input"], walk, step, look)
    if walk.kind == "convolution":
        _draw_grid(axes["kernel"], walk.kernel, *look.signed_colors)
        _draw_grid(axes["products"], step.products, *look.signed_colors)
    _draw_equation(axes["sum"], equation_lines(walk, step), 13)
    _draw_output(axes["output"], walk, step_index, look)


def add_titles(fig, axes, walk, top):
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
