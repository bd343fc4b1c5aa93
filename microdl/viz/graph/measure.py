"""How big a graph's texts and boxes are, in inches, measured with matplotlib's font
(no figure needed): the font sizes of the built-in renderer, a box's size from its text,
and an arrow label's width, on one line or on two ("local × upstream" over "= contribution").
"""
import functools

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from .. import style
from .diagram import in_degrees

__all__ = ["ROW_SIZE", "TITLE_SIZE", "OP_SIZE", "EDGE_SIZE", "PAD", "LINE", "text_width", "node_size",
           "node_sizes", "label_lines", "label_width"]

ROW_SIZE, TITLE_SIZE, OP_SIZE, EDGE_SIZE = style.FONT_SIZE + 1, style.FONT_SIZE + 2, 16, style.FONT_SIZE
PAD = 0.1         # inches inside a box
LINE = 1.45 / 72  # line height per point of font size, in inches


@functools.lru_cache(maxsize=8192)
def text_width(text, size, bold=False):
    """Width of `text` in inches, measured with matplotlib's font (exact, no figure needed)."""
    if not text:
        return 0.0
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] / 72.0


def node_size(node, in_degree=1):
    """(width, height) of a node's box or ellipse, in inches."""
    if node.kind == "op":
        height = min(max(0.44, 0.15 * in_degree), 1.6)  # room for the arrows that come in
        return max(text_width(node.title, OP_SIZE) + 0.34, 0.52, 0.7 * height), height
    widths = [text_width(node.title, TITLE_SIZE, True)] if node.title else []
    widths += [text_width(k, ROW_SIZE) + 0.2 + text_width(t, ROW_SIZE) for k, t in node.rows]
    lines = len(node.rows) * ROW_SIZE + (TITLE_SIZE + 3 if node.title else 0)
    return max(widths + [0.75]) + 2 * PAD, lines * LINE + 1.4 * PAD


def node_sizes(diagram):
    """node id -> (width, height) in inches."""
    fan = in_degrees(diagram)
    return {n.id: node_size(n, fan.get(n.id, 1)) for n in diagram.nodes}


def label_lines(label, wrap=False):
    """An arrow's label as drawn: one line, or (wrap) two, "local × upstream" over "= contribution"."""
    if wrap and " = " in label:
        head, _, tail = label.rpartition(" = ")
        return f"{head}\n= {tail}"
    return label


def label_width(label, wrap=False):
    return max(text_width(line, EDGE_SIZE) for line in label_lines(label, wrap).split("\n"))

