"""The built-in graph renderer: a Diagram drawn with matplotlib, no Graphviz needed.

Every box is sized by its text (measured with matplotlib's font), placed by layout.py's
layered layout, and drawn with its op ellipses, curved arrows and their labels, the
title and the two legends. A graph fitted to a slide keeps its text >= 12 pt when it can:
its arrow labels break after the product ("local × upstream" over "= contribution") and
the legends give their room to the graph when it would shrink more (fit_shrink).
"""
import functools
import math

from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import ArrowStyle, Ellipse, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path
from matplotlib.textpath import text_to_path

from .. import style
from .diagram import in_degrees, is_zero
from .look import (KEY_COLOR, arrows_title, border_color, edge_color, edge_width, fill_color,
                   legend_entries)
from .layout import layered_layout

__all__ = ["builtin_layout", "draw_builtin", "draw_items", "draw_titles", "fit_shrink", "node_size",
           "node_sizes", "title_width", "SMALLEST_SHRINK"]

ROW_SIZE, TITLE_SIZE, OP_SIZE, EDGE_SIZE = style.FONT_SIZE + 1, style.FONT_SIZE + 2, 16, style.FONT_SIZE
PAD = 0.1         # inches inside a box
MARGIN = 0.35     # inches around the graph
FIT_MARGIN = 0.15  # around a graph fitted to a slide or window: room for the halos only
LINE = 1.45 / 72  # line height per point of font size, in inches
LEGEND_SIZE = style.FONT_SIZE + 1
LABEL_SPARE = 0.1  # a graph fitted by s: its arrow labels by s + 0.1 (12 pt on a slide; 0.2 in to spare)
SMALLEST_SHRINK = style.FONT_SIZE / ROW_SIZE  # a fitted graph shrunk more has text under 12 pt


@functools.lru_cache(maxsize=8192)
def _text_width(text, size, bold=False):
    """Width of `text` in inches, measured with matplotlib's font (exact, no figure needed)."""
    if not text:
        return 0.0
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] / 72.0


def node_size(node, in_degree=1):
    """(width, height) of a node's box or ellipse, in inches."""
    if node.kind == "op":
        height = min(max(0.44, 0.15 * in_degree), 1.6)  # room for the arrows that come in
        return max(_text_width(node.title, OP_SIZE) + 0.34, 0.52, 0.7 * height), height
    widths = [_text_width(node.title, TITLE_SIZE, True)] if node.title else []
    widths += [_text_width(k, ROW_SIZE) + 0.2 + _text_width(t, ROW_SIZE) for k, t in node.rows]
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


def _label_width(label, wrap=False):
    return max(_text_width(line, EDGE_SIZE) for line in label_lines(label, wrap).split("\n"))


def builtin_layout(diagram, sizes=None, wrap_labels=False):
    """(the layered layout of a diagram in inches, the node sizes it used); `sizes` may reserve
    more; wrap_labels: room for arrow labels on two lines (label_lines)."""
    sizes = sizes or node_sizes(diagram)
    # a label's stretch (its text + 0.3 in) and 0.35 in for the curve after it
    room = [_label_width(e.label, wrap_labels) + 0.65 if e.label else 0.0 for e in diagram.edges]
    return layered_layout([n.id for n in diagram.nodes], [(e.source, e.target) for e in diagram.edges],
                          sizes, column_gap=0.5, row_gap=0.28, edge_room=room), sizes


def title_width(diagram):
    """Inches the title and subtitle need."""
    return max(_text_width(diagram.title, style.TITLE_SIZE + 4, True),
               _text_width(diagram.subtitle, style.TITLE_SIZE)) + 0.6


def fit_shrink(diagram, layout, width, height, legends=True):
    """(s, legend_s): how much a graph and its legends shrink to fit `width` x `height` inches
    (1: not at all; the legends shrink only if they are wider than the figure)."""
    legend_s = min(1.0, width / _legends_width(diagram)) if legends else 0.0
    room = height - _top(diagram) - _LEGENDS_HEIGHT * legend_s
    graph_w, graph_h = layout.width + 2 * FIT_MARGIN, layout.height + 2 * FIT_MARGIN
    return min(1.0, width / graph_w, room / graph_h), legend_s


_LEGENDS_HEIGHT = 4 * 0.42 + 0.15  # two legends of one row, each with a title


def _top(diagram):
    return 0.35 + (style.TITLE_SIZE + 4) * LINE + (style.TITLE_SIZE * LINE if diagram.subtitle else 0)


def _legends_width(diagram):
    boxes, arrows = legend_entries(diagram)
    return max(_legend_width(boxes), _legend_width(arrows), _text_width(arrows_title(diagram), LEGEND_SIZE) + 0.6)


def draw_builtin(fig, diagram, layout, sizes, min_width=0.0, fit=False, wrap_labels=False, legends=True):
    """Draw a diagram into an empty matplotlib Figure (sets its size: the layout's, but
    at least `min_width` inches, so that the frames of an animation all match).
    Returns (the graph's Axes, s: how much the graph shrank to fit).

    fit=True keeps the size of `fig` (a Figure or a SubFigure: a slide, a window) and shrinks
    the graph (and the legends, if wider than it) to fit when needed; the titles keep their size.
    wrap_labels: arrow labels on two lines (lay out with the same); legends=False: none."""
    top, bottom = _top(diagram), _LEGENDS_HEIGHT if legends else 0.0
    if fit:  # s: how much the graph shrinks (points and inches alike) to fit the figure
        width, height = fig.bbox.width / fig.dpi, fig.bbox.height / fig.dpi
        s, legend_s = fit_shrink(diagram, layout, width, height, legends)
    else:
        width = max(layout.width + 2 * MARGIN, _legends_width(diagram), title_width(diagram), min_width)
        height, s, legend_s = top + layout.height + 2 * MARGIN + bottom, 1.0, 1.0
        fig.set_size_inches(width, height)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes([0, bottom * legend_s / height, 1, (height - top - bottom * legend_s) / height])
    ax.set_axis_off()
    area_w, area_h = width / s, (height - top - bottom * legend_s) / s  # in the layout's inches
    ax.set_xlim(layout.width / 2 - area_w / 2, layout.width / 2 + area_w / 2)
    ax.set_ylim(layout.height / 2 + area_h / 2, layout.height / 2 - area_h / 2)  # y grows downward

    draw_items(ax, diagram, layout, sizes, s, wrap_labels)
    draw_titles(fig, diagram, width, height)
    if legends:
        _draw_legends(fig, *legend_entries(diagram), arrows_title(diagram), height / legend_s, legend_s)
    return ax, s


def draw_items(ax, diagram, layout, sizes, s=1.0, wrap_labels=False):
    """The arrows and boxes of a diagram on `ax` (s: how much points shrink to fit)."""
    shapes = {n.id: (n, layout.positions[n.id], sizes[n.id]) for n in diagram.nodes}
    for edge, (path, label_at) in zip(diagram.edges, _edge_paths(diagram, layout, shapes, wrap_labels)):
        _draw_edge(ax, edge, path, label_at, diagram.grad_scale, s, wrap_labels)
    for node, (x, y), size in shapes.values():
        _draw_node(ax, node, x, y, size, s)


def draw_titles(fig, diagram, width, height):
    """The title and subtitle, made smaller only if they are wider than the figure."""
    t = min(1.0, width / title_width(diagram))
    fig.text(0.5, 1 - 0.25 / height, diagram.title, ha="center", va="top",
             fontsize=(style.TITLE_SIZE + 4) * t, fontweight="bold")
    if diagram.subtitle:
        fig.text(0.5, 1 - (0.3 + (style.TITLE_SIZE + 4) * LINE) / height, diagram.subtitle,
                 ha="center", va="top", fontsize=style.TITLE_SIZE * t, color="#333333")


def _legend_width(entries):
    """Inches a legend needs for its entries in one row (handle, text, spacing each)."""
    return sum(_text_width(entry[-1], LEGEND_SIZE) + 0.9 for entry in entries) + 0.4


def _draw_legends(fig, boxes, arrows, arrows_heading, height, s=1.0):
    """The two legends at the bottom; `height` in the figure's inches divided by s."""
    box_handles = [Line2D([], [], marker="o", markersize=15 * s, markerfacecolor="white",
                          markeredgecolor="black", linestyle="none", label=text)
                   if role == "op" else
                   Patch(facecolor=fill_color(role), edgecolor=border_color(role),
                         linestyle="--" if role == "constant" else "-",
                         linewidth=(2.6 if role == "group" else 1.6) * s, label=text)
                   for role, text in boxes]
    arrow_handles = [Line2D([0], [0], color=color, lw=3.5 * s, linestyle="--" if dashed else "-", label=text)
                     for color, dashed, text in arrows]
    common = dict(loc="lower center", frameon=False, fontsize=LEGEND_SIZE * s, title_fontsize=LEGEND_SIZE * s,
                  handlelength=2.2, handleheight=1.2, columnspacing=1.6)
    fig.legend(handles=arrow_handles, ncol=len(arrow_handles), bbox_to_anchor=(0.5, 0.08 / height),
               title=arrows_heading, **common)
    fig.legend(handles=box_handles, ncol=len(box_handles), bbox_to_anchor=(0.5, 0.94 / height),
               title="boxes: the role of each node", **common)


def _port(center, size, kind, dy, side):
    """Where an arrow meets a node: on its left (side -1) or right (+1) border, `dy` below
    the middle. Arrows leave and arrive horizontally, so arrowheads stay apart."""
    (x, y), (w, h) = center, size
    if kind == "op":  # on the ellipse's border
        s = max(-0.9, min(0.9, dy / (h / 2)))
        return x + side * (w / 2) * math.sqrt(1 - s * s), y + dy
    return x + side * w / 2, y + dy


def _spread(count, height):
    """Offsets from the middle for `count` arrows meeting a side of height `height`."""
    if count == 1:
        return [0.0]
    step = min(0.16, 0.8 * height / (count - 1))
    return [(i - (count - 1) / 2) * step for i in range(count)]


def _edge_paths(diagram, layout, shapes, wrap_labels=False):
    """For every edge: a smooth path from port to port (cubic Bezier pieces with
    horizontal tangents), and where its label goes (or None).

    A labelled edge runs straight for a stretch at its uncrowded end and the label sits
    on that stretch, so it is plain which arrow it belongs to: next to the source when
    several arrows meet at the target, next to the target when one source fans out.
    """
    out_edges, in_edges = {}, {}
    for i, (edge, route) in enumerate(zip(diagram.edges, layout.routes)):
        out_edges.setdefault(edge.source, []).append((route[1][1], i))
        in_edges.setdefault(edge.target, []).append((route[-2][1], i))
    starts, ends = {}, {}
    for table, side, ports in ((out_edges, 1, starts), (in_edges, -1, ends)):
        for node_id, items in table.items():
            node, center, size = shapes[node_id]
            items.sort()
            for (_, i), dy in zip(items, _spread(len(items), size[1])):
                ports[i] = _port(center, size, node.kind, dy, side)
    result = []
    for i, (edge, route) in enumerate(zip(diagram.edges, layout.routes)):
        points = [starts[i]] + route[1:-1] + [ends[i]]
        vertices, codes, label_at = [points[0]], [Path.MOVETO], None
        for k, (p, q) in enumerate(zip(points, points[1:])):
            end = q  # where the curve ends; before q when the label's stretch is there
            if k == 0 and edge.label:
                width = _label_width(edge.label, wrap_labels) + 0.2
                stub = max(0.0, min(width + 0.1, q[0] - p[0] - 0.3))
                near_source = len(in_edges[edge.target]) >= len(out_edges[edge.source])
                if near_source:
                    vertices.append((p[0] + stub, p[1]))
                    codes.append(Path.LINETO)
                    label_at = (p[0] + 0.05 + width / 2, p[1])
                    p = (p[0] + stub, p[1])
                else:
                    label_at = (q[0] - 0.05 - width / 2, q[1])
                    end = (q[0] - stub, q[1])
            reach = max(abs(end[0] - p[0]) * 0.5, 0.1)
            vertices += [(p[0] + reach, p[1]), (end[0] - reach, end[1]), end]
            codes += [Path.CURVE4] * 3
            if end != q:
                vertices.append(q)
                codes.append(Path.LINETO)
        result.append((Path(vertices, codes), label_at))
    return result


def _draw_edge(ax, edge, path, label_at, scale, s=1.0, wrap_labels=False):
    """One arrow (s: how much points shrink, see draw_builtin); a firing arrow that carries
    no gradient (the forward pass) is black."""
    if edge.state == "waiting":
        color, width = "#DDDDDD", 1.2
    elif edge.state == "firing" and edge.grad is None:
        color, width = "black", 2.6
    else:
        color, width = edge_color(edge.grad, scale), edge_width(edge.grad, scale)
    dashed = is_zero(edge.grad)
    head = ArrowStyle("-|>", head_length=0.5, head_width=0.22)
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle=head, mutation_scale=(11 + 1.4 * width) * s,
                                 lw=width * s, color=color, linestyle="--" if dashed else "-",
                                 zorder=1 if edge.state != "firing" else 2, joinstyle="miter"))
    if edge.label and label_at is not None and edge.state != "waiting":
        firing = edge.state == "firing"
        x, y = label_at  # just above the straight stretch of the arrow (y grows downward)
        ax.text(x, y - width / 144 - 0.04, label_lines(edge.label, wrap_labels), ha="center", va="bottom",
                fontsize=EDGE_SIZE * min(1.0, s + LABEL_SPARE), zorder=4,
                fontweight="bold" if firing else "normal", color="#222222",
                bbox=dict(boxstyle="round,pad=0.15", ec=color if firing else "none", lw=1.5 * s,
                          fc=style.YELLOW if firing else "white", alpha=0.9))


#: the halo around a node in a step: computed / passing its gradient on, or receiving one
_HALOS = {"firing": style.YELLOW, "receiving": style.SKY_BLUE}


def _draw_node(ax, node, x, y, size, s=1.0):
    w, h = size
    waiting, firing = node.state == "waiting", node.state == "firing"
    if node.state in _HALOS:
        ax.add_patch(FancyBboxPatch((x - w / 2 - 0.09, y - h / 2 - 0.09), w + 0.18, h + 0.18,
                                    boxstyle="round,pad=0,rounding_size=0.14", gid=f"halo-{node.state}",
                                    fc=_HALOS[node.state], ec="none", alpha=0.8, zorder=0.5))
    edge_lw = (2.8 if firing else (2.6 if node.kind == "group" else 1.6)) * s
    if node.kind == "op":
        ax.add_patch(Ellipse((x, y), w, h, fc="white", ec="#AAAAAA" if waiting else "black",
                             lw=(2.4 if firing else 1.4) * s, zorder=3))
        ax.text(x, y, node.title, ha="center", va="center", fontsize=OP_SIZE * s, zorder=5,
                color="#888888" if waiting else "black")
        return
    fill = "white" if waiting else fill_color(node.role)
    border = "#AAAAAA" if waiting else ("black" if firing else border_color(node.role))
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0,rounding_size=0.08", fc=fill, ec=border,
                                lw=edge_lw, linestyle="--" if node.role == "constant" else "-",
                                zorder=3))
    row = y - h / 2 + 0.7 * PAD
    if node.title:
        row += (TITLE_SIZE + 3) * LINE / 2
        ax.text(x, row, node.title, ha="center", va="center", fontsize=TITLE_SIZE * s,
                fontweight="bold", zorder=5)
        row += (TITLE_SIZE + 3) * LINE / 2
        if node.rows:
            ax.plot([x - w / 2 + 0.04, x + w / 2 - 0.04], [row, row], color=border, lw=0.8 * s, zorder=4)
    for key, text in node.rows:
        row += ROW_SIZE * LINE / 2
        ax.text(x - w / 2 + PAD, row, key, ha="left", va="center", fontsize=ROW_SIZE * s,
                color=KEY_COLOR, zorder=5)
        pending = text.startswith("?")
        ax.text(x + w / 2 - PAD, row, text, ha="right", va="center", fontsize=ROW_SIZE * s, zorder=5,
                color="#888888" if pending else "black")
        row += ROW_SIZE * LINE / 2
