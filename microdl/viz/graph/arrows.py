"""The arrows of the built-in renderer: where they meet the boxes, their curves, and the
label on each ("local × upstream = contribution"), on a straight stretch next to its box.
An arrow folded to the next row (folding.py) runs straight along its lane and has its
label just before its target.
"""
import math

from matplotlib.patches import ArrowStyle, FancyArrowPatch
from matplotlib.path import Path

from .. import style
from .diagram import is_zero
from .look import edge_color, edge_width
from .measure import EDGE_SIZE, label_lines, label_width

__all__ = ["edge_paths", "draw_edge", "LABEL_SPARE"]

LABEL_SPARE = 0.1  # a graph fitted by s: its arrow labels by s + 0.1 (12 pt on a slide; 0.2 in to spare)


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


def edge_paths(diagram, layout, shapes, wrap_labels=False):
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
        folded = any(q[0] < p[0] - 1e-9 for p, q in zip(points, points[1:]))  # folding.py: to the next row
        for k, (p, q) in enumerate(zip(points, points[1:])):
            end = q  # where the curve ends; before q when the label's stretch is there
            if q[0] <= p[0] + 1e-9:               # down or back along a folded arrow's lane: straight
                vertices.append(q)
                codes.append(Path.LINETO)
                continue
            if k == (len(points) - 2 if folded else 0) and edge.label:
                width = label_width(edge.label, wrap_labels) + 0.2
                stub = max(0.0, min(width + 0.1, q[0] - p[0] - 0.3))
                near_source = not folded and len(in_edges[edge.target]) >= len(out_edges[edge.source])
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


def draw_edge(ax, edge, path, label_at, scale, s=1.0, wrap_labels=False):
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

