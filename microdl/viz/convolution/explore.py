"""Convolution you can poke: pick an output cell, see its window and its sum; edit the kernel.

    from microdl import viz
    explorer = viz.explore_convolution()              # lesson 8's 5x5 image and 3x3 kernel
    explorer.set(row=1, col=2)                        # output[1, 2]: its window and sum
    explorer.set(kernel_row=0, kernel_col=1, weight=2)  # kernel[0, 1] = 2: the output changes
    explorer.output                                   # microdl's conv2d of image and kernel
    explorer.show()      # a window: click an output cell, an input pixel or a kernel cell
    explorer.save("poke.png")

It is a Scene (microdl.viz.canvas): the controls are the output cell (row, col), the
kernel cell being edited (kernel_row, kernel_col) and its value (weight). The picture is
one row of the step figures (grid.draw_row): input with the window framed, kernel,
window x kernel, the sum written out, and the whole output map. Every number is
microdl's own conv2d (steps.py).

Size guard: a grid larger than `max_size` cells a side would not show readable numbers on
a slide, so it is averaged over blocks down to at most max_size (with a warning saying
so), or refused with downsample=False.
"""
import math
import warnings
import weakref

import numpy as np
from matplotlib.patches import Rectangle

from .. import style
from ..canvas import Control, Scene
from .grid import add_titles, draw_row, look_of
from .steps import Walkthrough, _as_image, convolution_steps

__all__ = ["explore_convolution", "ConvolutionExplorer", "LESSON_IMAGE", "LESSON_KERNEL"]

#: lesson 8's worked example: a 5x5 binary image and a 3x3 "X" kernel -> 4 3 4 / 2 4 3 / 2 3 4
LESSON_IMAGE = ((1, 1, 1, 0, 0), (0, 1, 1, 1, 0), (0, 0, 1, 1, 1), (0, 0, 1, 1, 0), (0, 1, 1, 0, 0))
LESSON_KERNEL = ((1, 0, 1), (0, 1, 0), (1, 0, 1))
MAX_KERNEL = 5               # a 5x5 kernel still writes out its 25 products
FRACTION_MAX_SIZE = 7        # an image of fractions (0.49) is shown at most 7x7: wider numbers, wider cells
EDITED = style.BLUE          # the frame around the kernel cell being edited
_ORDER = ("input", "kernel", "products", "sum", "output")
_SIGNS = {"kernel": "×", "products": "=", "sum": "→", "output": "="}


def downsample(image, max_size):
    """(image averaged over factor x factor blocks so that no side exceeds max_size, factor)."""
    height, width = image.shape
    factor = math.ceil(max(height, width) / max_size)
    padded = np.pad(image, ((0, -height % factor), (0, -width % factor)))   # zeros on the far edges
    blocks = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    return blocks.mean(axis=(1, 3)), factor


def _checked(image, kernel, max_size, downsample_big):
    image, kernel = _as_image(image, "image"), _as_image(kernel, "kernel").copy()
    if max(kernel.shape) > MAX_KERNEL:
        raise ValueError(f"explore_convolution shows kernels up to {MAX_KERNEL}×{MAX_KERNEL} (their products "
                         f"are written out); got a {kernel.shape[0]}×{kernel.shape[1]} kernel")
    # a number like 0.49 needs a wider cell than 4 or 255: fractional images get bigger cells
    fractional = not np.allclose(image, np.round(image))
    limit = min(max_size, FRACTION_MAX_SIZE) if fractional else max_size
    if max(image.shape) > limit:
        crop = "image[8:18, 8:18]" if limit >= 10 else "image[10:17, 10:17]"
        if not downsample_big:
            raise ValueError(f"the image is {image.shape[0]}×{image.shape[1]}: larger than {limit}×{limit} "
                             f"the numbers in its cells cannot be read on a slide. Pass a crop, e.g. "
                             f"{crop}, or downsample=True to average it over blocks")
        shape = image.shape
        image, factor = downsample(image, limit)
        rounded = ""
        if fractional:                    # block means of pixels: one decimal is what can be read
            image, rounded = np.round(image, 1), " and rounded to 0.1"
        warnings.warn(f"explore_convolution: the {shape[0]}×{shape[1]} image is averaged over {factor}×{factor} "
                      f"blocks to {image.shape[0]}×{image.shape[1]}{rounded} so that every number stays readable; "
                      f"pass a crop ({crop}) to poke at the real pixels", stacklevel=3)
    return image, kernel


class ConvolutionExplorer(Scene):
    """A Scene of one convolution: output cell (row, col), kernel cell and its weight."""

    window_style = staticmethod(style.context)   # a window's controls in the house style (projector mode)

    def __init__(self, image, kernel, stride=1, padding=0, bias=0.0, weight_range=None):
        self.image, self.kernel = image, kernel
        self.stride, self.padding, self.bias = stride, padding, float(bias)
        walk = self.walkthrough()
        rows, cols = walk.output.shape
        reach = weight_range or max(3.0, math.ceil(float(np.abs(kernel).max())))
        controls = [Control("row", range(rows), label="output row"),
                    Control("col", range(cols), label="output col"),
                    Control("kernel_row", range(kernel.shape[0]), label="kernel row"),
                    Control("kernel_col", range(kernel.shape[1]), label="kernel col"),
                    Control("weight", (-reach, reach), float(kernel[0, 0]), step=0.5)]
        super().__init__(self._draw_state, controls, prefer_widgets=True)
        self._drawn = weakref.WeakKeyDictionary()    # figure -> its panels and header texts

    def __repr__(self):
        return (f"ConvolutionExplorer(image {self.image.shape[0]}×{self.image.shape[1]}, kernel "
                f"{self.kernel.shape[0]}×{self.kernel.shape[1]}, row={self.state['row']}, col={self.state['col']})")

    # --- the numbers ------------------------------------------------------------------
    def walkthrough(self, kernel=None):
        """The Walkthrough of conv2d(image, kernel) (microdl's numbers)."""
        kernel = self.kernel if kernel is None else kernel
        return convolution_steps(self.image, kernel, self.stride, self.padding, self.bias)

    @property
    def output(self):
        """The output map for the current kernel, from microdl's conv2d."""
        return self.walkthrough().output

    def set(self, **values):
        """As Scene.set; picking a kernel cell moves `weight` to its value, and a new
        `weight` is written into the kernel cell (the output is recomputed)."""
        cell = {"kernel_row", "kernel_col"} & set(values)
        if cell or "weight" in values:
            row = self.controls["kernel_row"].check(values.get("kernel_row", self.state["kernel_row"]))
            col = self.controls["kernel_col"].check(values.get("kernel_col", self.state["kernel_col"]))
            if "weight" in values:
                self.kernel[row, col] = self.controls["weight"].check(values["weight"])
            else:
                values["weight"] = float(np.clip(self.kernel[row, col], *self.controls["weight"].values))
        return super().set(**values)

    # --- clicks in a window ---------------------------------------------------------------
    def on_press(self, name, x, y):
        """Output cell: pick it. Input pixel: the output whose window is centred there.
        Kernel or product cell: edit that kernel cell."""
        row, col = int(round(y)), int(round(x))
        if name == "output":
            self._pick_output(row, col)
        elif name == "input":
            kh, kw = self.kernel.shape
            self._pick_output((row - kh // 2) // self.stride, (col - kw // 2) // self.stride)
        elif name in ("kernel", "products"):
            kh, kw = self.kernel.shape
            self.set(kernel_row=min(max(row, 0), kh - 1), kernel_col=min(max(col, 0), kw - 1))

    def _pick_output(self, row, col):
        rows, cols = len(self.controls["row"].choices), len(self.controls["col"].choices)
        self.set(row=min(max(row, 0), rows - 1), col=min(max(col, 0), cols - 1))

    # --- drawing -------------------------------------------------------------------------
    def _walk_of(self, row, col, kernel_row, kernel_col, weight):
        """The Walkthrough to draw: every output cell, the chosen one last (draw_row fills the
        output up to the drawn step, so the whole map shows with this cell framed)."""
        kernel = self.kernel.copy()
        kernel[kernel_row, kernel_col] = weight
        full = self.walkthrough(kernel)
        chosen = next(k for k, s in enumerate(full.steps) if s.cell == (row, col))
        steps = full.steps[:chosen] + full.steps[chosen + 1:] + [full.steps[chosen]]
        return Walkthrough(full.kind, full.padded, full.padding, full.kernel, full.bias, full.output, steps)

    def _draw_state(self, fig, row, col, kernel_row, kernel_col, weight):
        walk = self._walk_of(row, col, kernel_row, kernel_col, weight)
        with style.context():
            axes, top = _row_axes(fig, walk)
            add_titles(fig, axes, walk, top)
            self._drawn[fig] = {"axes": axes, "header": _header(fig)}
            self._draw_panels(fig, walk, row, col, kernel_row, kernel_col)

    def update_in_place(self, fig, row, col, kernel_row, kernel_col, weight):
        """A new cell or weight keeps the layout, titles and signs: only the five panels and
        the header are redrawn (Scene.update_in_place), at interactive speed."""
        if fig not in self._drawn:
            return False
        walk = self._walk_of(row, col, kernel_row, kernel_col, weight)
        with style.context():
            self._draw_panels(fig, walk, row, col, kernel_row, kernel_col, clear=True)
        return True

    def _draw_panels(self, fig, walk, row, col, kernel_row, kernel_col, clear=False):
        axes, (title, hint) = self._drawn[fig]["axes"], self._drawn[fig]["header"]
        for ax in axes.values() if clear else ():     # empty the panels but keep the Axes (faster than clear)
            for artist in [*ax.images, *ax.texts, *ax.patches, *ax.collections]:
                artist.remove()
        draw_row(axes, walk, len(walk.steps) - 1, look_of(walk))
        _mark_kernel_cell(axes, kernel_row, kernel_col)
        title.set_text(f"Convolution you can poke: output[{row}, {col}] = {style.short_number(walk.steps[-1].value)}")
        hint.set_text(f"Click an output cell (or an input pixel) to move the window; click a kernel "
                      f"cell and slide 'weight' to change it.\nEditing kernel[{kernel_row}, {kernel_col}] "
                      f"(blue frame): the whole output map is recomputed by microdl's conv2d.")


def _mark_kernel_cell(axes, row, col):
    for name in ("kernel", "products"):
        axes[name].add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=EDITED,
                                       linewidth=3.5, linestyle="--" if name == "products" else "-",
                                       zorder=6))


def _header(fig):
    """The title and the hint under the panels (their texts are set for each state)."""
    title = fig.text(0.02, 0.95, "", ha="left", va="top", fontsize=style.TITLE_SIZE + 4, fontweight="bold")
    hint = fig.text(0.02, 0.04, "", ha="left", va="bottom", fontsize=style.FONT_SIZE + 1, color="#444444",
                    linespacing=1.5)
    return title, hint


def _row_axes(fig, walk):
    """One row of panels across the middle of `fig`, cells the same size in every panel.

    Returns ({name: Axes}, the figure fraction where panel titles go)."""
    width, height = _size_inches(fig)
    kh, kw = walk.kernel.shape
    cells = {"input": walk.padded.shape, "kernel": (kh, kw), "products": (kh, kw), "output": walk.output.shape}
    sum_inches, gap, margin = 0.12 * (4 * kw + 5) + 0.6, 0.6, 0.35
    across = sum(c[1] for c in cells.values())
    cell = min(0.6, (width - 2 * margin - sum_inches - 4 * gap) / across, (height - 2.6) / max(c[0] for c in cells.values()))
    row_height = max(c[0] for c in cells.values()) * cell
    bottom = (height - row_height) / 2 - 0.1
    x = (width - across * cell - sum_inches - 4 * gap) / 2
    axes = {}
    for name in _ORDER:
        w, h = (sum_inches, row_height) if name == "sum" else (cells[name][1] * cell, cells[name][0] * cell)
        if axes:
            fig.text((x - gap / 2) / width, (bottom + row_height / 2) / height, _SIGNS[name], ha="center",
                     va="center", fontsize=22, color=style.GREY)
        axes[name] = fig.add_axes([x / width, (bottom + (row_height - h) / 2) / height, w / width, h / height],
                                  label=name)
        x += w + gap
    return axes, (bottom + row_height + 0.15) / height


def _size_inches(fig):
    """Width and height in inches of a Figure or of a SubFigure (a window's picture part)."""
    box = fig.bbox
    dpi = fig.figure.dpi
    return box.width / dpi, box.height / dpi


def explore_convolution(image=None, kernel=None, stride=1, padding=0, bias=0.0, max_size=10,
                        downsample=True):
    """A Scene to poke at a convolution: pick an output cell, edit a kernel cell.

    image (H, W), kernel (KH, KW) up to 5x5; default lesson 8's 5x5 image and 3x3 kernel.
    An image larger than `max_size` on a side is averaged over blocks down to max_size (a
    warning says so), or refused with downsample=False. Returns a ConvolutionExplorer:
    `.set(row=, col=, kernel_row=, kernel_col=, weight=)`, `.output`, `.show()`, `.save()`.
    """
    image = LESSON_IMAGE if image is None else image
    kernel = LESSON_KERNEL if kernel is None else kernel
    image, kernel = _checked(image, kernel, max_size, downsample)
    padded = (image.shape[0] + 2 * padding, image.shape[1] + 2 * padding)
    if kernel.shape[0] > padded[0] or kernel.shape[1] > padded[1]:
        raise ValueError(f"the {kernel.shape[0]}×{kernel.shape[1]} kernel does not fit in the "
                         f"{padded[0]}×{padded[1]} (padded) image; use a smaller kernel or more padding")
    return ConvolutionExplorer(image, kernel, stride, padding, bias)
