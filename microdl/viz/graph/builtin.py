"""The built-in graph renderer: a Diagram drawn with matplotlib, no Graphviz needed.

Every box is sized by its text (measure.py), placed by layout.py's layered layout, and
drawn with its op ellipses, curved arrows and their labels (arrows.py), the title and
the two legends. A graph fitted to a slide keeps its text >= 12 pt when it can:
its arrow labels break after the product ("local × upstream" over "= contribution") and
the legends give their room to the graph when it would shrink more (fit_shrink).
"""
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyBboxPatch, Patch

from .. import style
from .arrows import draw_edge, edge_paths
from .look import KEY_COLOR, arrows_title, border_color, fill_color, legend_entries
from .layout import layered_layout
from .measure import LINE, OP_SIZE, PAD, ROW_SIZE, TITLE_SIZE, label_width, node_size, node_sizes, text_width

__all__ = ["builtin_layout", "label_rooms", "draw_builtin", "draw_items", "draw_titles", "fit_shrink", "node_size",
           "node_sizes", "title_width", "SMALLEST_SHRINK"]

MARGIN = 0.35     # inches around the graph
FIT_MARGIN = 0.15  # around a graph fitted to a slide or window: room for the halos only
LEGEND_SIZE = style.FONT_SIZE + 1
SMALLEST_SHRINK = style.FONT_SIZE / ROW_SIZE  # a fitted graph shrunk more has text under 12 pt


def builtin_layout(diagram, sizes=None, wrap_labels=False):
    """(the layered layout of a diagram in inches, the node sizes it used); `sizes` may reserve
    more; wrap_labels: room for arrow labels on two lines (label_lines)."""
    sizes = sizes or node_sizes(diagram)
    return layered_layout([n.id for n in diagram.nodes], [(e.source, e.target) for e in diagram.edges],
                          sizes, column_gap=0.5, row_gap=0.28, edge_room=label_rooms(diagram, wrap_labels)), sizes


def label_rooms(diagram, wrap_labels=False):
    """Inches each arrow's label needs: its stretch (its text + 0.3 in) and 0.35 in for the curve after it."""
    return [label_width(e.label, wrap_labels) + 0.65 if e.label else 0.0 for e in diagram.edges]


def title_width(diagram):
    """Inches the title and subtitle need."""
    return max(text_width(diagram.title, style.TITLE_SIZE + 4, True),
               text_width(diagram.subtitle, style.TITLE_SIZE)) + 0.6


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
    return max(_legend_width(boxes), _legend_width(arrows), text_width(arrows_title(diagram), LEGEND_SIZE) + 0.6)


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
    for edge, (path, label_at) in zip(diagram.edges, edge_paths(diagram, layout, shapes, wrap_labels)):
        draw_edge(ax, edge, path, label_at, diagram.grad_scale, s, wrap_labels)
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
    return sum(text_width(entry[-1], LEGEND_SIZE) + 0.9 for entry in entries) + 0.4


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
