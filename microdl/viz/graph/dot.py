"""Graphviz for graph pictures: a Diagram as DOT text, and Graphviz's `dot` program.

`to_dot(diagram)` writes the DOT source (title, legend and every box as HTML-like
labels) and needs nothing installed; `run_dot` turns DOT into SVG / PNG / PDF bytes
with the `dot` binary, when it is on the PATH.
"""
import html
import math
import shutil
import subprocess

from .. import style
from .diagram import in_degrees, is_array, is_zero
from .look import (KEY_COLOR, arrows_title, border_color, edge_color, edge_width, fill_color,
                   legend_entries)

__all__ = ["to_dot", "run_dot", "fit_to_slide", "dot_binary", "require_dot_binary"]

FONT = "Helvetica,Arial,sans-serif"   # Graphviz font list (the built-in renderer uses matplotlib's)


# --- DOT text ------------------------------------------------------------------------------

def to_dot(diagram):
    """The Graphviz DOT source of a diagram (no Graphviz needed to write it)."""
    fan = in_degrees(diagram).values()
    ranksep = min(1.2, 0.4 + 0.06 * max(fan, default=1))  # room for dense fans
    # ordering="in": an op's inputs stay in argument order (x1 above x2), as in the built-in
    # renderer; edgesfirst: a label's white box covers the arrow that runs into it
    lines = ["digraph microdl {",
             f'  graph [rankdir=LR, ordering="in", outputorder="edgesfirst", bgcolor="white", '
             f'pad="0.3", nodesep="0.12", ranksep="{ranksep:.2f}", '
             f'fontname="{FONT}", labelloc="t", label={_dot_header(diagram)}];',
             f'  node [fontname="{FONT}", fontsize="14"];',
             f'  edge [fontname="{FONT}", fontsize="12", arrowsize="0.8"];']
    for node in diagram.nodes:
        lines.append(f"  {node.id} [{_dot_node_attributes(node)}];")
    for number, edge in enumerate(diagram.edges):
        lines.extend(_dot_edge(edge, diagram.grad_scale, f"label{number}"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_edge(edge, grad_scale, label_id):
    """The DOT lines of one arrow; a labelled arrow runs through its label.

    Graphviz places an edge's own label= wherever there is room, often beside another
    arrow of a fan-in (or tied to its arrow by a long "decorate" line). A small white
    text node on the arrow's way keeps every label on its own arrow, never overlapping.
    """
    attrs = [f'color="{edge_color(edge.grad, grad_scale)}"',
             f'penwidth="{edge_width(edge.grad, grad_scale):.2f}"']
    if is_zero(edge.grad):
        attrs.append('style="dashed"')
    attrs = ", ".join(attrs)
    if not edge.label:
        return [f"  {edge.source} -> {edge.target} [{attrs}];"]
    # in its arrow's colour (at full strength), to tell whose it is
    return [f'  {label_id} [shape="plaintext", style="filled", fillcolor="white", height="0.2", '
            f'margin="0.03,0.01", fontsize="15", fontcolor="{_label_color(edge.grad)}", '
            f'label="{_dot_quote(edge.label)}"];',
            f'  {edge.source} -> {label_id} [{attrs}, arrowhead="none"];',
            f"  {label_id} -> {edge.target} [{attrs}];"]


def _label_color(flow):
    if flow is None or is_array(flow) or not math.isfinite(flow) or flow == 0:
        return "#333333"
    return style.signed_color(math.copysign(1.0, flow), 1.0)


def _dot_quote(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_node_attributes(node):
    if node.kind == "op":
        return (f'shape="ellipse", style="filled", fillcolor="white", color="black", '
                f'fontsize="16", margin="0.04,0.02", height="0.4", label="{_dot_quote(node.title)}"')
    styles = "rounded,filled" + (",dashed" if node.role == "constant" else "")
    width = "2.6" if node.kind == "group" else "1.5"
    return (f'shape="box", style="{styles}", fillcolor="{fill_color(node.role)}", '
            f'color="{border_color(node.role)}", penwidth="{width}", margin="0.12,0.06", '
            f'label={_dot_table(node)}')


def _dot_table(node):
    esc = html.escape
    rows = []
    if node.title:
        rows.append(f'<tr><td colspan="2"><b>{esc(node.title)}</b></td></tr>')
        if node.rows:
            rows.append("<hr/>")
    for key, text in node.rows:
        rows.append(f'<tr><td align="left"><font color="{KEY_COLOR}">{esc(key)}</font></td>'
                    f'<td align="right">{esc(text)}</td></tr>')
    return ('<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">'
            + "".join(rows) + "</table>>")


def _dot_header(diagram):
    """Title, subtitle and the legend, as the graph's HTML label (at the top)."""
    esc = html.escape
    boxes, arrows = legend_entries(diagram)
    box_cells = "".join(
        f'<td bgcolor="{fill_color(role)}" color="{border_color(role)}" border="1" '
        f'style="rounded">&nbsp;{esc(text)}&nbsp;</td>'
        f'<td width="8"></td>' for role, text in boxes)
    arrow_cells = "".join(
        f'<td bgcolor="{color}" width="28" height="4" fixedsize="true"></td>'
        f'<td align="left">{esc(text)}</td><td width="8"></td>' for color, _, text in arrows)
    rows = [f'<tr><td><font point-size="20"><b>{esc(diagram.title)}</b></font></td></tr>']
    if diagram.subtitle:
        rows.append(f'<tr><td><font point-size="15">{esc(diagram.subtitle)}</font></td></tr>')
    rows.append(f'<tr><td><table border="0" cellspacing="2" cellpadding="3"><tr>'
                f'<td>boxes:</td>{box_cells}</tr></table></td></tr>')
    rows.append(f'<tr><td><table border="0" cellspacing="2" cellpadding="2"><tr>'
                f'<td>{esc(arrows_title(diagram))}:</td>{arrow_cells}</tr></table></td></tr>')
    return '<<table border="0" cellspacing="2" cellpadding="1">' + "".join(rows) + "</table>>"


# --- Graphviz --------------------------------------------------------------------------------

def dot_binary():
    """The path of Graphviz's `dot` program, or None when it is not installed."""
    return shutil.which("dot")


def require_dot_binary():
    """The path of `dot`, or a RuntimeError that says how to install it (or avoid it)."""
    binary = dot_binary()
    if binary is None:
        raise RuntimeError(_NO_DOT)
    return binary


def run_dot(source, fmt, dpi=110):
    """Render DOT source with Graphviz's `dot` program; bytes of the picture.

    The picture is fitted to a 16:9 slide first (fit_to_slide).
    """
    binary = require_dot_binary()
    args = [binary, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if fmt == "png" else [])
    return _run(args, fit_to_slide(source, dpi))


def fit_to_slide(source, dpi=110, widest=2.3, largest_px=2300):
    """DOT source whose drawing is at most `widest` times as wide as tall, and
    `largest_px` pixels on a side at `dpi`.

    Graphviz lays a long chain out in one flat row; laid out once (-Tplain, which
    gives the drawing's size in inches), a too-flat graph gets ratio=1/widest, which
    spreads the rows apart (the boxes and text keep their size), and a too-large one
    a size= that scales it down.
    """
    first = _run([require_dot_binary(), "-Tplain"], source).decode().split(maxsplit=4)
    width, height = float(first[2]), float(first[3])   # "graph scale width height"
    extra = []
    if width > widest * height:
        extra.append(f'ratio="{1 / widest:.3f}"')
    if max(width, width / widest) * dpi > largest_px:
        inches = largest_px / dpi
        extra.append(f'size="{inches:.2f},{inches:.2f}"')
    if not extra:
        return source
    return source.replace("  graph [", f"  graph [{', '.join(extra)}, ", 1)


def _run(args, source):
    done = subprocess.run(args, input=source.encode(), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed (exit {done.returncode}): "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout


_NO_DOT = ("renderer='graphviz' needs Graphviz's `dot` program, which is not on the PATH. "
           "Install it (apt install graphviz, brew install graphviz, conda install graphviz, or "
           "https://graphviz.org/download/) or draw with renderer='builtin' (or 'auto', which "
           "picks the built-in renderer when dot is missing).")
