"""One colour language for every microdl picture.

* Signed numbers (data, weights, gradients) use ONE colour-blind-safe diverging map,
  `DIVERGING` (ColorBrewer RdBu reversed): blue = negative, white = zero, red = positive.
  Always centre it on zero with `signed_norm(values)` so white means 0 everywhere.
* Roles of graph nodes and the lines of a plot use the Okabe-Ito palette, which stays
  distinguishable for the common forms of colour blindness.
* Images (pixels, feature maps of one sign) use `IMAGE` (grey: dark = high).
* Sizes are for a projector: fonts >= 12 pt.

Only matplotlib is imported here, and only by microdl.viz (never by `import microdl`).
"""
import functools
import threading
from contextlib import contextmanager

import matplotlib
import matplotlib.text
import numpy as np
from cycler import cycler  # a matplotlib dependency
from matplotlib.colors import TwoSlopeNorm, to_hex, to_rgb

__all__ = ["DIVERGING", "IMAGE", "SEQUENTIAL", "ORANGE", "SKY_BLUE", "GREEN", "YELLOW", "BLUE",
           "VERMILLION", "PURPLE", "GREY", "BLACK", "CYCLE", "ROLE_COLORS", "ROLE_EDGES",
           "FONT_SIZE", "SLIDE_INCHES", "TITLE_SIZE", "START_MARKER", "MINIMUM_MARKER", "DIVERGED_MARKER",
           "END_MARKER", "rc", "styled", "signed_norm", "signed_color", "text_color_on", "short_number", "projector_text", "font_size",
           "projector", "is_projector", "context"]

DIVERGING = "RdBu_r"   # negative -> blue, 0 -> white, positive -> red
IMAGE = "gray_r"       # pixel intensities: 0 white, 1 black
SEQUENTIAL = "viridis"  # loss surfaces and other one-signed quantities

# Okabe-Ito
ORANGE, SKY_BLUE, GREEN, YELLOW = "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILLION, PURPLE, GREY, BLACK = "#0072B2", "#D55E00", "#CC79A7", "#999999", "#000000"

#: lines of a plot, in order (several optimizers, train vs validation, ...)
CYCLE = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY_BLUE, YELLOW, BLACK]

#: fill colours of the roles a node plays in a computational graph
ROLE_COLORS = {
    "input": "#CFE8F7",         # light sky blue
    "parameter": "#FBE3B0",     # light orange
    "intermediate": "#EEEEEE",  # light grey
    "output": "#BFE6D9",        # light green
    "constant": "#FFFFFF",
    "op": "#FFFFFF",
}
ROLE_EDGES = {"input": SKY_BLUE, "parameter": ORANGE, "intermediate": GREY,
              "output": GREEN, "constant": GREY, "op": BLACK}

FONT_SIZE = 12
#: a 1280x720 slide (at 100 dpi, a little inside 13.33 x 7.5 in at 96): larger figures shrink
SLIDE_INCHES = (12.8, 7.2)
TITLE_SIZE = 14

START_MARKER = dict(marker="o", markersize=10, markerfacecolor="white", markeredgewidth=2)
MINIMUM_MARKER = dict(marker="*", markersize=16, color=BLACK, markerfacecolor=YELLOW)
DIVERGED_MARKER = dict(marker="X", markersize=12, color=VERMILLION)
#: where a path ended (after its last step); give it the path's colour: dict(END_MARKER, color=c)
END_MARKER = dict(marker="s", markersize=9, markeredgecolor=BLACK, markeredgewidth=1.5)


def rc():
    """matplotlib settings for projector-readable figures (use inside `context()`).

    In projector mode (`projector()`) fonts, lines and markers are larger still.
    """
    size, title = font_size(), TITLE_SIZE + (_PROJECTOR_EXTRA if _mode.projector else 0)
    settings = {
        "font.size": size,
        "axes.titlesize": title,
        "axes.labelsize": size,
        "legend.fontsize": size,
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "axes.prop_cycle": cycler(color=CYCLE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
        "savefig.dpi": 110,
    }
    if _mode.projector:
        settings.update({"lines.linewidth": 3.0, "lines.markersize": 9, "axes.linewidth": 1.5,
                         "xtick.major.width": 1.5, "ytick.major.width": 1.5})
    return settings


def font_size():
    """The smallest font of a figure: FONT_SIZE, or larger in projector mode."""
    return FONT_SIZE + (_PROJECTOR_EXTRA if _mode.projector else 0)


class _Mode(threading.local):
    projector = False


_mode = _Mode()
_PROJECTOR_EXTRA = 6      # points added to every font in projector mode


class projector:  # noqa: N801 - used like a function: viz.projector()
    """Projector mode: larger fonts, thicker lines (for the back row of a lecture hall).

        viz.projector()            # on, for the figures drawn from now on (this thread)
        viz.projector(False)       # off again
        with viz.projector():      # on for a block only
            viz.plot_activations()

    Live views and explorers already use a 16:9 layout (1280x720 at 100 dpi).
    """

    def __init__(self, on=True):
        self._previous, _mode.projector = _mode.projector, bool(on)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        _mode.projector = self._previous

    def __repr__(self):
        return f"projector({'on' if _mode.projector else 'off'})"


def is_projector():
    """True while projector mode is on (in this thread)."""
    return _mode.projector


@contextmanager
def context(settings=None):
    """The house rcParams (or the rcParams `settings`) inside the block, restoring exactly
    the keys it set.

    Unlike plt.rc_context it never restores `interactive` or `backend`: with Jupyter's
    inline backend that restore turned interactive mode off and made figures show twice.
    """
    settings = rc() if settings is None else dict(settings)
    saved = {key: matplotlib.rcParams[key] for key in settings}
    matplotlib.rcParams.update(settings)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


def styled(plot_function):
    """Decorator: run a plotting function inside the house style (`context()`)."""
    @functools.wraps(plot_function)
    def wrapper(*args, **kwargs):
        with context():
            return plot_function(*args, **kwargs)
    return wrapper


def signed_norm(values, vmax=None):
    """A matplotlib Normalize centred on 0, so that white means exactly zero."""
    if vmax is None:
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        vmax = float(np.abs(finite).max()) if finite.size else 1.0
    vmax = vmax or 1.0
    return TwoSlopeNorm(vcenter=0.0, vmin=-vmax, vmax=vmax)


def signed_color(value, vmax):
    """The DIVERGING colour of one signed number, as a hex string."""
    cmap = matplotlib.colormaps[DIVERGING]
    t = 0.5 if not vmax else 0.5 + 0.5 * max(-1.0, min(1.0, value / vmax))
    return to_hex(cmap(t))


def text_color_on(background):
    """BLACK or white, whichever reads better on `background` (any matplotlib colour)."""
    red, green, blue = to_rgb(background)
    return BLACK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def short_number(value, decimals=2):
    """A number as a student writes it in a cell: 4, 0.5, -0.35 (a real minus sign)."""
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "\u2212")


def projector_text(figure_or_axes):
    """Raise every text smaller than `font_size()` (tick labels, legends, colour-bar ticks,
    annotations) to that size, in a Figure or in one Axes (and the axes inside it,
    such as an inset colour bar), for the ticks it has now and those to come.

    A figure larger than a 16:9 slide (SLIDE_INCHES) is shrunk to fit when projected,
    so its text is raised in proportion: every text reads >= font_size() on the slide.

    Call it last in a plotting function; it returns its argument.
    """
    root = figure_or_axes
    while getattr(root, "figure", root) is not root:      # an Axes or SubFigure -> its Figure
        root = root.figure
    width, height = root.get_size_inches()
    smallest = font_size() * max(1.0, width / SLIDE_INCHES[0], height / SLIDE_INCHES[1])
    is_figure = hasattr(figure_or_axes, "get_axes")
    pending = list(figure_or_axes.get_axes()) if is_figure else [figure_or_axes]
    while pending:
        axes = pending.pop()
        pending.extend(getattr(axes, "child_axes", []))  # inset colour bars, secondary axes
        axes.tick_params(labelsize=smallest)
        if getattr(axes, "name", "") == "3d":
            axes.tick_params(axis="z", labelsize=smallest)
    for text in figure_or_axes.findobj(matplotlib.text.Text):
        if text.get_fontsize() < smallest:
            text.set_fontsize(smallest)
    return figure_or_axes
