"""The house Figure: made without pyplot, shown exactly once, never leaked.

Every microdl plotting function returns a `Figure` (a matplotlib Figure with three
promises):

* pyplot never owns it: nothing is registered with `matplotlib.pyplot`, so the
  student's own `plt.plot(...)` keeps working, `plt.show()` never dumps stale microdl
  figures, and 100 calls never give the "more than 20 figures" warning;
* in Jupyter, a Figure that is a cell's last expression shows exactly once (one PNG),
  in either import order, with or without `%matplotlib inline`, and with ipympl;
* `.show()` opens it in a window in a script (blocking, like `plt.show()`), displays it
  in a notebook, and `.save(path)` writes png / svg / pdf.

    >>> fig = new_figure(width=4, height=3)[0]
    >>> fig.save("/tmp/empty.png").name
    'empty.png'
"""
import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MatplotlibFigure

__all__ = ["Figure", "new_figure", "new_mosaic", "axes_or_new", "png_bytes", "in_notebook",
           "show_in_window", "dpi_to_fit"]

#: keyword arguments that belong to the Figure (the rest go to subplots / subplot_mosaic)
_FIGURE_KEYWORDS = {"layout", "dpi", "facecolor", "edgecolor", "constrained_layout",
                    "tight_layout", "frameon", "linewidth"}


class Figure(MatplotlibFigure):
    """A matplotlib Figure that displays itself once in Jupyter and `.show()`s in a script."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        FigureCanvasAgg(self)       # draws off screen; no pyplot, no window until .show()

    #: a notebook shows at most this many pixels across (a 1280x720 slide); a wider
    #: figure is stored at a lower dpi, so a saved notebook keeps tens of KB, not MB
    NOTEBOOK_WIDTH = 1280

    def _repr_png_(self):
        width = self.get_figwidth() * self.dpi
        return png_bytes(self, dpi=self.dpi * min(1.0, self.NOTEBOOK_WIDTH / width), compact=True)

    def save(self, path, dpi=None, **savefig_kwargs):
        """Write the figure (format from the suffix: .png, .svg, .pdf); returns the Path."""
        path = Path(path)
        savefig_kwargs.setdefault("bbox_inches", "tight")
        savefig_kwargs.setdefault("facecolor", "white")
        self.savefig(path, dpi=dpi or "figure", **savefig_kwargs)
        return path

    def show(self, block=True):
        """Display in a notebook, or open a window in a script (blocks until closed)."""
        if in_notebook():
            from IPython.display import display
            display(self)
        else:
            show_in_window(self, block=block)


def new_figure(nrows=1, ncols=1, width=6.0, height=4.5, **kwargs):
    """(Figure, axes) like `plt.subplots`, but a house Figure that pyplot does not own.

    Run it inside the house style (`viz.style.styled` / `style.context()`) so the
    Axes pick up the projector-size fonts and the colour cycle.
    """
    figure_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _FIGURE_KEYWORDS}
    fig = Figure(figsize=(width, height), **figure_kwargs)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def new_mosaic(mosaic, width, height, **kwargs):
    """(Figure, {name: Axes}) like `plt.subplot_mosaic`, on a house Figure.

    mosaic: rows of names, e.g. [["paths", "full"], ["paths", "batch"]]; kwargs go to
    subplot_mosaic (width_ratios=...) or to the Figure (layout="constrained").
    """
    figure_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _FIGURE_KEYWORDS}
    fig = Figure(figsize=(width, height), **figure_kwargs)
    return fig, fig.subplot_mosaic(mosaic, **kwargs)


def axes_or_new(ax, width=6.0, height=4.5):
    """Use the given Axes (and its figure), or make a new house Figure with one Axes."""
    if ax is not None:
        return ax.figure, ax
    return new_figure(width=width, height=height)


def dpi_to_fit(width, height, box=(1280, 720), most=100):
    """The dpi at which a (width, height) inch picture fits inside `box` pixels (at most `most`).

    Animations use it to keep their frames slide-sized: a 1280x720 box is a 16:9 slide.
    """
    box_width, box_height = box
    if box_width <= 0 or box_height <= 0:
        raise ValueError(f"size must be (width, height) in pixels, both > 0; got {tuple(box)}")
    return min(most, box_width / width, box_height / height)


def png_bytes(figure, dpi=None, tight=True, compact=False):
    """The figure as PNG bytes, on white.

    compact: a 256-colour PNG (about a third of the bytes; plots have few colours), for
    what a notebook stores: figures and the frames of a player.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi or "figure", facecolor="white",
                   bbox_inches="tight" if tight else None)
    if not compact:
        return buffer.getvalue()
    from PIL import Image  # Pillow comes with matplotlib
    buffer.seek(0)
    with Image.open(buffer) as image:
        palette = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    small = io.BytesIO()
    palette.save(small, format="png", optimize=True)
    return small.getvalue()


def in_notebook():
    """True inside a Jupyter kernel (an IPython shell that talks to a front end)."""
    import sys
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show_in_window(figure, block=True):
    """Open `figure` in a matplotlib window, as plt.show() would, then let pyplot forget it.

    Where no window can open (the Agg backend: a server, CI), warn and return instead
    of failing, so a lesson run with --show still finishes.
    """
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.backends import backend_registry
    backend = matplotlib.get_backend()
    if backend.lower() not in {b.lower() for b in backend_registry.list_builtin(
            matplotlib.backends.BackendFilter.INTERACTIVE)} and not _is_ipympl(backend):
        warnings.warn(f"no window can open with the {backend!r} matplotlib backend; "
                      f"save the figure instead: fig.save('figure.png')", stacklevel=3)
        return
    manager = plt._get_backend_mod().new_figure_manager_given_figure(
        max(plt.get_fignums(), default=0) + 1, figure)
    Gcf._set_new_active_manager(manager)
    if _is_ipympl(backend):     # ipympl's show displays the active canvas once, not again after the cell
        plt.show()
        return
    manager.show()
    if block:
        plt.show(block=True)


def _is_ipympl(backend):
    """ipympl (`%matplotlib widget`) names its backend 'widget', 'ipympl' or by its module."""
    return "ipympl" in backend.lower() or backend.lower() == "widget"
