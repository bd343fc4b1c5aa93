"""How large a window's control texts are: slider labels and values, buttons, radio labels.

At least 12 pt on a 1280x720 slide (the size rule of every microdl picture), and the
style's font size when that is larger (projector mode: the house style in force gives
18 pt). The controls are built inside `control_text()`, so every text a matplotlib widget
makes (and the radio buttons' measured layout) takes that size from the start.
"""
from contextlib import contextmanager

import matplotlib

__all__ = ["SMALLEST_CONTROL_FONT", "control_font_size", "control_text"]

SMALLEST_CONTROL_FONT = 12     # pt on a 1280x720 slide


def control_font_size(most=None):
    """The style's font size (rcParams), at least SMALLEST_CONTROL_FONT, at most `most`."""
    size = max(float(matplotlib.rcParams["font.size"]), SMALLEST_CONTROL_FONT)
    return size if most is None else max(SMALLEST_CONTROL_FONT, min(size, most))


@contextmanager
def control_text(size):
    """rcParams["font.size"] = size inside the block (the widgets read it when they make
    their texts); restores only that key (never the backend, unlike plt.rc_context)."""
    saved = matplotlib.rcParams["font.size"]
    matplotlib.rcParams["font.size"] = size
    try:
        yield
    finally:
        matplotlib.rcParams["font.size"] = saved
