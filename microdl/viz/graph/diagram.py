"""The diagram both graph renderers draw: boxes and arrows with their text and gradients.

`build_diagram(structure, grad_of)` turns a GraphStructure (structure.py) into a
Diagram: frozen DiagramNodes (a title, rows like ("data", "2.0000")) and DiagramEdges
(the gradient each arrow carries back, local x upstream, and the `show_local` text).
`grad_of` says which gradients to show: the stored .grad, or an animation frame's
partial ones; `with_states` greys out or lights up what a frame needs.
"""
import math
from dataclasses import dataclass, replace

import numpy as np

from ...scalar_math import format_number
from .nodes import ACTIVATION_OPS, requires_grad

__all__ = ["Diagram", "DiagramNode", "DiagramEdge", "build_diagram", "with_states", "in_degrees",
           "is_array", "is_zero", "magnitude", "summary"]


# --- what is drawn: boxes and arrows, with their text -----------------------------------

@dataclass(frozen=True)
class DiagramNode:
    id: str          # n0, n1, ... in topological order
    kind: str        # "value", "op" or "group" (a collapsed neuron or layer)
    role: str        # input, parameter, constant, intermediate, output, op, group
    title: str       # the label, the op symbol, or the module's name
    rows: tuple = ()  # ((key, text), ...): ("data", "2.0000"), ("grad", "-6.0000")
    state: str = ""  # animation: "waiting" (no gradient yet) or "firing"


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    grad: object = None  # the gradient it carries back: float, ndarray, or None (none known)
    label: str = ""
    state: str = ""      # animation: "waiting" or "firing"


@dataclass(frozen=True)
class Diagram:
    nodes: tuple
    edges: tuple
    title: str
    subtitle: str
    show_grad: bool      # False: data only, or grads not computed yet
    grad_scale: float    # the largest gradient on an arrow: full colour and width
    group_kind: str = ""  # what a collapsed box is: "Neuron", "Layer", "Linear", ...


def in_degrees(diagram):
    """node id -> how many arrows come in."""
    count = {}
    for edge in diagram.edges:
        count[edge.target] = count.get(edge.target, 0) + 1
    return count


def with_states(diagram, node_states=None, edge_states=None, **changes):
    """A copy of a diagram with animation states (and any other field) changed."""
    node_states, edge_states = node_states or {}, edge_states or {}
    nodes = tuple(replace(n, **node_states[n.id]) if n.id in node_states else n for n in diagram.nodes)
    edges = tuple(replace(e, **edge_states[i]) if i in edge_states else e
                  for i, e in enumerate(diagram.edges))
    return replace(diagram, nodes=nodes, edges=edges, **changes)


# --- numbers: text in boxes, gradients on arrows ---------------------------------------

def is_array(x):
    return isinstance(x, np.ndarray)


def is_zero(flow):
    """A single gradient that is exactly zero (drawn dashed)."""
    return flow is not None and not is_array(flow) and flow == 0


def _short(x):
    return f"{float(x):.4g}"


def summary(x):
    """A number as a box shows it; an array as its numbers (<= 4) or its mean and norm."""
    if x is None:
        return "—"
    if not is_array(x):
        return format_number(float(x))
    if x.size == 1:
        return format_number(float(x.reshape(())))
    if x.size <= 4:
        return "[" + ", ".join(f"{float(v):.3g}" for v in x.ravel()) + "]"
    return f"mean {float(x.mean()):.3g}, norm {float(np.linalg.norm(x)):.3g}"


def _as_flow(g):
    """A gradient as an arrow carries it: a float, an ndarray of several numbers, or None."""
    if g is None:
        return None
    if is_array(g) or isinstance(g, (list, tuple)):
        g = np.asarray(g, dtype=float)
        return float(g.reshape(())) if g.size == 1 else g
    return float(g)


def magnitude(flow):
    if flow is None:
        return 0.0
    m = float(np.linalg.norm(flow)) if is_array(flow) else abs(flow)
    return m if math.isfinite(m) else 0.0


def _contribution(structure, child, parent, slot, grad_of):
    """What `child` received from `parent` along this edge: local x upstream.

    Value nodes store their local derivatives as numbers. A node whose `_local` is a
    function (Tensor) does not say; if `child` feeds only this edge, its whole grad
    came from here, else it is unknown (None).
    """
    if not requires_grad(child):
        return None
    local = getattr(parent, "_local", None)
    if isinstance(local, (tuple, list)) and len(local) == len(parent._prev):
        upstream = grad_of(parent)
        return None if upstream is None else local[slot] * upstream
    if structure.consumers.get(id(child)) == 1:
        return grad_of(child)
    return None


def _link_flow(structure, link, grad_of):
    """The gradient an arrow carries back: a float, an array (several numbers: a Tensor,
    or the several outputs of a collapsed layer, one number each), or None (unknown)."""
    if not link.parts:  # op ellipse -> its result: the result's grad goes back in
        return _as_flow(grad_of(link.target.nodes[0]))
    totals = {}  # id(child) -> what it received along this arrow, in order of appearance
    for child, parent, slot in link.parts:
        c = _contribution(structure, child, parent, slot, grad_of)
        key = id(child)
        if key in totals:
            totals[key] = None if c is None or totals[key] is None else totals[key] + c
        else:
            totals[key] = c
    values = list(totals.values())
    if any(v is None for v in values):
        return None
    if len(values) == 1:
        return _as_flow(values[0])
    return np.array([np.linalg.norm(v) if is_array(v) else v for v in map(_as_flow, values)])


def _edge_text(link, flow, grad_of, show_grad):
    """The text of `show_local`: local x upstream = value (or a sum, or a norm)."""
    if not link.parts:
        return ""
    child, parent, slot = link.parts[0]
    local = getattr(parent, "_local", None)
    local = local[slot] if len(link.parts) == 1 and isinstance(local, (tuple, list)) else None
    if not show_grad:  # the local derivative is known from the forward pass alone
        return f"local {_short(local)}" if local is not None else ""
    if flow is None:
        return ""
    if is_array(flow):
        return f"norm {_short(np.linalg.norm(flow))}"
    upstream = _as_flow(grad_of(parent))
    if local is not None and upstream is not None and not is_array(upstream):
        return f"{_short(local)} × {_short(upstream)} = {_short(flow)}"
    count = len(link.parts)
    return f"sum of {count} = {_short(flow)}" if count > 1 else f"= {_short(flow)}"


def _node_rows(node, grad_of, show_grad):
    rows = []
    if is_array(node.data):
        rows.append(("shape", str(tuple(node.data.shape)) if node.data.ndim else "scalar"))
    rows.append(("data", summary(node.data)))
    if show_grad is not None and requires_grad(node):
        rows.append(("grad", summary(grad_of(node)) if show_grad else "—"))
    return tuple(rows)


def _group_title(name, members):
    """A collapsed box's title: the module's name and its activation ("L1.N3 · ReLU")."""
    last = members[-1]._op
    return f"{name} · {last}" if last in ACTIVATION_OPS else name


def _group_rows(group, grad_of, show_grad):
    outs = group.outputs
    if len(outs) == 1:
        return _node_rows(outs[0], grad_of, show_grad)
    if any(is_array(o.data) for o in outs):
        return (("outputs", str(len(outs))),)
    data = np.array([o.data for o in outs])
    grads = [grad_of(o) for o in outs] if show_grad else [None]
    grad = None if any(g is None for g in grads) else np.array(grads, dtype=float)
    rows = [("data", summary(data))]
    if show_grad is not None:
        rows.append(("grad", summary(grad)))
    return tuple(rows)


def build_diagram(structure, grad_of, *, show_grad=True, show_local=False, title="", subtitle=""):
    """The boxes and arrows of `structure`, with text.

    grad_of(node) gives the gradient to show (the stored `.grad`, or a simulated one in
    the animation); show_grad: True, False (grads not computed: "—") or None (data only).
    """
    numbers = grad_of if show_grad else (lambda node: None)
    nodes = []
    for unit in structure.units:
        if unit.kind == "op":
            nodes.append(DiagramNode(unit.id, "op", "op", unit.title))
        elif unit.kind == "value":
            nodes.append(DiagramNode(unit.id, "value", unit.role, unit.title,
                                     _node_rows(unit.nodes[0], numbers, show_grad)))
        else:
            nodes.append(DiagramNode(unit.id, "group", unit.role, _group_title(unit.title, unit.nodes),
                                     _group_rows(unit, numbers, show_grad)))
    edges = []
    for link in structure.links:
        flow = _link_flow(structure, link, numbers)
        text = _edge_text(link, flow, numbers, bool(show_grad)) if show_local else ""
        edges.append(DiagramEdge(link.source.id, link.target.id, flow, text))
    scale = max((magnitude(e.grad) for e in edges), default=0.0) or 1.0
    return Diagram(tuple(nodes), tuple(edges), title, subtitle, bool(show_grad), scale,
                   structure.group_kind)
