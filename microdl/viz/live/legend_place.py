"""A legend where the data is not: in the first corner of a small panel that no curve passes
through, or, when every corner is crossed (a flat curve early in training), above the data,
the y-axis raised to make the room.

matplotlib's loc="best" picks the corner with the least data under it, which in a small
panel is often still on the curve; here a corner counts only if no line (its segments, not
just its points) enters the legend's box.
"""
import numpy as np

__all__ = ["legend_clear_of_data", "CORNERS"]

CORNERS = ("upper right", "upper left", "lower left", "lower right")
GAP = 4                     # pixels kept between the legend and the nearest line


def _renderer(ax):
    canvas = ax.figure.canvas
    return canvas.get_renderer() if hasattr(canvas, "get_renderer") else None


def _crossed(ax, box):
    """True when a line or a patch (a histogram's outline) of `ax` enters `box` (display
    coordinates): its segments, or its markers."""
    grown = box.expanded(1, 1).padded(GAP)
    for artist in [*ax.lines, *ax.patches]:
        if not artist.get_visible():
            continue
        path = artist.get_transform().transform_path(artist.get_path())
        if path.intersects_bbox(grown, filled=False):
            return True
        x, y = path.vertices.T
        marked = getattr(artist, "get_marker", lambda: None)() not in (None, "None", "", " ")
        if marked and ((grown.x0 <= x) & (x <= grown.x1) & (grown.y0 <= y) & (y <= grown.y1)).any():
            return True
    return False


def legend_clear_of_data(ax, corners=CORNERS, **legend_settings):
    """The legend of `ax` in the first of `corners` that no line crosses; else in the first
    upper corner with the top of the y-axis raised until the data stays under it. Returns
    the Legend."""
    renderer = _renderer(ax)
    ax.get_ylim()                                       # settle the autoscaled limits first
    if renderer is None:                                # a backend that cannot measure: matplotlib's guess
        return ax.legend(loc="best", **legend_settings)
    legend = ax.legend(loc=corners[0], **legend_settings)
    size = legend.get_window_extent(renderer)            # measured once: the corners only move it
    for corner in corners:
        if not _crossed(ax, _box_at(ax, legend, corner, size.width, size.height)):
            legend.set_loc(corner)
            return legend
    upper = next((c for c in corners if c.startswith("upper")), "upper right")   # room is made at the top
    legend.set_loc(upper)
    _raise_top(ax, size.height + 2 * GAP)
    return legend


def _box_at(ax, legend, corner, width, height):
    """Where the legend's box goes in `corner` of the Axes (display coordinates)."""
    from matplotlib.transforms import Bbox
    pad = legend.borderaxespad * legend.prop.get_size_in_points() * ax.figure.dpi / 72
    frame = ax.bbox
    x0 = frame.x1 - pad - width if corner.endswith("right") else frame.x0 + pad
    y0 = frame.y1 - pad - height if corner.startswith("upper") else frame.y0 + pad
    return Bbox.from_bounds(x0, y0, width, height)


def _raise_top(ax, pixels):
    """Raise the top of the y-axis so that the upper `pixels` of the Axes hold no data."""
    share = min(0.6, pixels / max(ax.bbox.height, 1.0))          # of the Axes' height
    top_of_data = ax.dataLim.y1
    low, high = ax.get_ylim()
    if not np.isfinite(top_of_data):
        return
    if ax.get_yscale() == "log":
        low_log, top_log = np.log10(low), np.log10(max(top_of_data, high))
        ax.set_ylim(low, 10 ** (low_log + (top_log - low_log) / (1 - share)))
    else:
        ax.set_ylim(low, low + (max(top_of_data, high) - low) / (1 - share))
