"""Pictures of computational graphs: `draw_graph(root)` for Value and Tensor graphs.

>>> from microdl import Value
>>> a, b, c, f = (Value(x, label=n) for x, n in [(2, "a"), (-3, "b"), (10, "c"), (-2, "f")])
>>> L = (a * b + c) * f; L.label = "L"
>>> L.backward()
>>> picture = draw_graph(L, show_local=True)   # then picture.save("L.svg"), or display it
>>> picture.num_nodes                          # 7 value boxes and 3 op ellipses
10

What the picture shows
  * a box per node: its label, data and grad (for a Tensor: its shape and the numbers
    when there are at most 4, else their mean and norm); a small ellipse per op between
    a node and its inputs; left to right, as on the blackboard;
  * box colours tell the role (style.ROLE_COLORS), by this rule:
        output        the root;
        intermediate  every other node made by an op;
        parameter     a leaf among `params=` (a Module or a list of nodes); without
                      `params`, a leaf whose label names a weight (w, w0, W1, weight,
                      L1.N3.w0, gamma, ...), or a bias (b, b1, bias, L1.N3.b) when the graph
                      also has weights: the b of L = (a*b + c)*f stays an input;
        constant      a leaf with requires_grad False (dashed border, no grad);
        input         every other leaf (data fed in, and numbers turned into Values);
  * arrows point forward (input -> op -> output) and the gradient flows back along
    them. An arrow's colour is the sign of the gradient it carries back (style.DIVERGING:
    red positive, blue negative, grey dashed zero), its width the size. With
    `show_local=True` it is written out: local derivative x upstream gradient = value,
    which is exactly what the input's grad received along that arrow. An arrow that
    stands for several numbers (a Tensor, a collapsed layer) is dark grey, width = norm.

Before backward(): a root whose grad is still zero has not been backpropagated from
(backward() seeds it with 1), so grads are shown as "-" and the subtitle says "grads not
computed yet" instead of printing misleading zeros. `show_grad=True` forces the stored
grads, `show_grad=False` draws data only.

Large graphs: `collapse="neuron"` draws each call of a neuron (its dot and activation,
its weights inside) as one box, `collapse="layer"` each call of a layer. Parameters are
grouped by their module (`params=model`) or, without it, by their dotted labels
(L1.N3.w0 belongs to neuron L1.N3 of layer L1). More than `max_nodes` boxes is an error
that says so, instead of a hairball.

Renderers: Graphviz's `dot` program when it is installed, else a built-in layered
layout (layout.py) drawn with matplotlib; `renderer=` forces one. `to_dot()` always
works. The picture is a snapshot taken by draw_graph, which never changes a node.
"""
import functools
import heapq
import html
import io
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..autodiff import topological_order
from ..value import _fmt as format_number
from . import style
from .layout import layered_layout

RENDERERS = ("auto", "builtin", "graphviz")
COLLAPSE_LEVELS = (None, "neuron", "layer")

#: ops that an activation applies to a neuron's sum (absorbed by collapse)
ACTIVATION_OPS = {"sigmoid", "tanh", "ReLU", "LeakyReLU", "relu", "leaky_relu", "gelu", "softplus"}
#: ops that combine a neuron's weighted inputs (absorbed by collapse)
COMBINE_OPS = {"+", "*", "sum", "dot", "@", "matmul", "linear"}

_WEIGHT_LABEL = re.compile(r"(?:^|\.)(?:w|W|weight|weights|kernel|gamma|beta|theta)_?\d*$")
_BIAS_LABEL = re.compile(r"(?:^|\.)(?:b|bias)_?\d*$")
_OP_SYMBOLS = {"*": "×"}

FONT = "Helvetica,Arial,sans-serif"   # Graphviz font list (the built-in renderer uses matplotlib's)
NO_GRAD_COLOR, VECTOR_COLOR, ZERO_COLOR, NONFINITE_COLOR = "#9A9A9A", "#555555", "#B5B5B5", style.PURPLE
KEY_COLOR = "#555555"   # the words "data", "grad" in a box


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


def _label(node):
    return getattr(node, "label", "") or ""


def _requires_grad(node):
    return getattr(node, "requires_grad", True)


def _holds(nodes, node):
    """`node in nodes` by identity (a Tensor's == compares arrays)."""
    return any(n is node for n in nodes)


def _is_node(x):
    return all(hasattr(x, name) for name in ("data", "grad", "_prev", "_op"))


# --- roles ------------------------------------------------------------------------------------

def _parameter_names(params):
    """{id: name} of the parameters given as a Module (their dotted names, as
    named_parameters() says) or as a list of nodes (their labels); None if not given."""
    if params is None:
        return None
    if hasattr(params, "named_parameters"):
        return {id(p): name for name, p in params.named_parameters()}
    items = [params] if _is_node(params) else params
    return {id(p): _label(p) for p in items}


def _is_single_number(node):
    return np.size(node.data) == 1


def _roles(order, root, param_names):
    """id(node) -> role, by the rule in the module docstring."""
    leaves = [n for n in order if not n._prev]
    if param_names is None:
        weights = {id(n) for n in leaves if _WEIGHT_LABEL.search(_label(n))}
        biases = {id(n) for n in leaves if _BIAS_LABEL.search(_label(n))} if weights else set()
        param_names = weights | biases
    roles = {}
    for n in order:
        if n is root:
            roles[id(n)] = "output"
        elif n._prev:
            roles[id(n)] = "intermediate"
        elif id(n) in param_names:
            roles[id(n)] = "parameter"
        elif not _requires_grad(n) and _is_single_number(n):
            roles[id(n)] = "constant"
        else:
            roles[id(n)] = "input"
    return roles


# --- structure: which boxes, which arrows ---------------------------------------------------

class _Unit:
    """One box or ellipse of the picture, and the graph nodes it stands for."""

    def __init__(self, kind, nodes, role, title=""):
        self.kind, self.nodes, self.role, self.title = kind, nodes, role, title
        self.id = ""
        self.op = None      # a value box's op ellipse
        self.outputs = []   # a group's members used outside it


class _Link:
    """One arrow; `parts` are the graph edges (child, parent, slot) it stands for
    (empty for the arrow from an op ellipse to its result)."""

    def __init__(self, source, target, parts):
        self.source, self.target, self.parts = source, target, parts


class _Structure:
    """The boxes and arrows of a graph, before any number is formatted."""

    def __init__(self, root, params=None, collapse=None, max_nodes=300):
        self.root = root
        self.order = topological_order(root)
        names = _parameter_names(params)
        self.names = names or {}
        self.roles = _roles(self.order, root, names)
        self.collapse = collapse
        self.consumers = {}  # id(node) -> how many edges use it
        for n in self.order:
            for child in n._prev:
                self.consumers[id(child)] = self.consumers.get(id(child), 0) + 1
        members, hidden, self.group_kind = _groups(self, params, collapse) if collapse else ({}, set(), "")
        self.units, self.unit_of = self._make_units(members, hidden)
        if len(self.units) > max_nodes:
            raise ValueError(_too_many_message(len(self.units), max_nodes, collapse))
        self.links = self._make_links(hidden)
        self.units = _unit_topological_order(self.units, self.links, collapse)
        for i, unit in enumerate(self.units):
            unit.id = f"n{i}"

    def _make_units(self, members, hidden):
        units, unit_of, groups = [], {}, {}
        for n in self.order:
            key = id(n)
            if key in hidden:
                continue
            if key in members:
                name, instance = members[key]
                group = groups.get(instance)
                if group is None:
                    group = groups[instance] = _Unit("group", [], "group", name)
                    units.append(group)
                group.nodes.append(n)
                if n is self.root:
                    group.role = "output"
                unit_of[key] = group
                continue
            box = _Unit("value", [n], self.roles[key], self.names.get(key) or _label(n))
            if n._prev:
                box.op = _Unit("op", [n], "op", _op_symbol(n._op))
                units.append(box.op)
            units.append(box)
            unit_of[key] = box
        return units, unit_of

    def _make_links(self, hidden):
        links, merged = [], {}
        for n in self.order:
            if not n._prev or id(n) in hidden:
                continue
            unit = self.unit_of[id(n)]
            target = unit.op if unit.kind == "value" else unit
            for slot, child in enumerate(n._prev):
                if id(child) in hidden:
                    continue
                source = self.unit_of[id(child)]
                if source is unit:
                    continue  # inside a collapsed group
                if source.kind == "group" and not _holds(source.outputs, child):
                    source.outputs.append(child)
                if source.kind == "group" or target.kind == "group":
                    # one arrow per pair of boxes: it carries the sum (or the several numbers)
                    pair = (id(source), id(target))
                    if pair not in merged:
                        merged[pair] = _Link(source, target, [])
                        links.append(merged[pair])
                    merged[pair].parts.append((child, n, slot))
                else:
                    links.append(_Link(source, target, [(child, n, slot)]))
            if unit.kind == "value":
                links.append(_Link(unit.op, unit, []))
        for unit in self.units:
            if unit.kind == "group" and _holds(unit.nodes, self.root) and \
                    not _holds(unit.outputs, self.root):
                unit.outputs.append(self.root)
        return links


def _op_symbol(op):
    return _OP_SYMBOLS.get(op, op or "?")


def _too_many_message(count, max_nodes, collapse):
    advice = ("collapse='neuron' (one box per neuron call) or collapse='layer'"
              if collapse is None else
              "collapse='layer'" if collapse == "neuron" else "a smaller graph")
    return (f"draw_graph: this graph needs {count:,} boxes, more than max_nodes={max_nodes}: "
            f"a picture that size is a hairball nobody can read. Draw it with {advice}, "
            f"draw a smaller piece (the loss of one example instead of a batch), or raise "
            f"max_nodes if you really want it.")


def _unit_topological_order(units, links, collapse):
    """Order the units so that every arrow goes from an earlier to a later one (ties: the
    order they were made in). Collapsing could in principle make a cycle: say so."""
    index = {id(u): i for i, u in enumerate(units)}
    succs = [[] for _ in units]
    waiting = [0] * len(units)
    for link in links:
        succs[index[id(link.source)]].append(index[id(link.target)])
        waiting[index[id(link.target)]] += 1
    ready = [i for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(units[i])
        for j in succs[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) < len(units):
        raise ValueError(f"draw_graph: collapse={collapse!r} merged nodes so that the boxes form "
                         f"a cycle (a value leaves a module and comes back into it); draw this "
                         f"graph with a coarser or no collapse")
    return order


# --- collapse: group a module's nodes ---------------------------------------------------

def _groups(structure, params, level):
    """Which nodes collapse together: ({id(node): (name, instance)}, hidden parameter ids).

    A parameter belongs to its module (a Neuron, or a Layer of the model). A node belongs
    to a module if it uses that module's parameters (the dot), or if it only combines
    nodes of that module with +, *, sum or an activation. Each call of the module is
    its own box: members are joined when they feed each other or share an input.
    A parameter is hidden inside the box when nothing else uses it.
    """
    order = structure.order
    name_of, kind = _parameter_group_names(order, structure.roles, params, level)
    for n in order:
        if not n._prev:
            continue
        used = {name_of[id(c)] for c in n._prev if not c._prev and id(c) in name_of}
        if len(used) == 1:
            name_of[id(n)] = used.pop()
        elif not used and (n._op in ACTIVATION_OPS or n._op in COMBINE_OPS):
            inside = {name_of.get(id(c)) for c in n._prev}
            if len(inside) == 1 and None not in inside:
                name_of[id(n)] = inside.pop()
    members = [n for n in order if n._prev and id(n) in name_of]

    parent = {id(n): id(n) for n in members}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    shared = {}
    for n in members:
        name = name_of[id(n)]
        for c in n._prev:
            if name_of.get(id(c)) == name:
                if c._prev:
                    parent[find(id(c))] = find(id(n))
            else:  # an input from outside: members reading the same one are one call
                first = shared.setdefault((name, id(c)), id(n))
                parent[find(first)] = find(id(n))
    groups = {id(n): (name_of[id(n)], (name_of[id(n)], find(id(n)))) for n in members}
    hidden = set()
    for n in order:
        if not n._prev and id(n) in name_of:
            hidden.add(id(n))
    for n in order:  # a parameter used outside its module stays visible
        for c in n._prev:
            if id(c) in hidden and name_of.get(id(n)) != name_of[id(c)]:
                hidden.discard(id(c))
    return groups, hidden, kind


def _module_title(kind, name):
    """"Linear 0" says more than the "0" of a Sequential; "L1.N3" or "conv1" say enough;
    the model itself (name "") is its class name, "Neuron"."""
    if not name or re.search(r"(^|\.)\d+$", name):
        return f"{kind} {name}".strip()
    return name


def _parameter_group_names(order, roles, params, level):
    """({id(parameter): the name of its neuron / layer}, what the groups are called:
    the modules' class when they share one, "Neuron" or "Linear", else the level)."""
    names = {}
    if hasattr(params, "named_parameters") and hasattr(params, "named_modules"):
        if level == "neuron":
            modules = [name for name, _ in params.named_modules() if name]
        else:
            modules = [name for name, _ in params.named_children()]
        kinds = {name: type(module).__name__ for name, module in params.named_modules()}
        used = set()
        for pname, p in params.named_parameters():
            prefixes = [m for m in modules if pname.startswith(m + ".")]
            name = max(prefixes, key=len) if prefixes else ""
            names[id(p)] = _module_title(kinds[name], name)
            used.add(kinds[name])
        return names, used.pop() if len(used) == 1 else level
    for n in order:  # from the labels: L1.N3.w0 is in neuron L1.N3 and layer L1
        if roles[id(n)] == "parameter":
            parts = _label(n).split(".")
            name = ".".join(parts[:-1]) if level == "neuron" else parts[0] if len(parts) > 1 else ""
            names[id(n)] = name or level.capitalize()
    return names, level.capitalize()


# --- numbers: text in boxes, gradients on arrows ---------------------------------------

def _is_array(x):
    return isinstance(x, np.ndarray)


def _short(x):
    return f"{float(x):.4g}"


def summary(x):
    """A number as a box shows it; an array as its numbers (<= 4) or its mean and norm."""
    if x is None:
        return "—"
    if not _is_array(x):
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
    if _is_array(g) or isinstance(g, (list, tuple)):
        g = np.asarray(g, dtype=float)
        return float(g.reshape(())) if g.size == 1 else g
    return float(g)


def _magnitude(flow):
    if flow is None:
        return 0.0
    m = float(np.linalg.norm(flow)) if _is_array(flow) else abs(flow)
    return m if math.isfinite(m) else 0.0


def _contribution(structure, child, parent, slot, grad_of):
    """What `child` received from `parent` along this edge: local x upstream.

    Value nodes store their local derivatives as numbers. A node whose `_local` is a
    function (Tensor) does not say; if `child` feeds only this edge, its whole grad
    came from here, else it is unknown (None).
    """
    if not _requires_grad(child):
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
    return np.array([np.linalg.norm(v) if _is_array(v) else v for v in map(_as_flow, values)])


def _edge_text(structure, link, flow, grad_of, show_grad):
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
    if _is_array(flow):
        return f"norm {_short(np.linalg.norm(flow))}"
    upstream = _as_flow(grad_of(parent))
    if local is not None and upstream is not None and not _is_array(upstream):
        return f"{_short(local)} × {_short(upstream)} = {_short(flow)}"
    count = len(link.parts)
    return f"sum of {count} = {_short(flow)}" if count > 1 else f"= {_short(flow)}"


def _node_rows(node, grad_of, show_grad):
    rows = []
    if _is_array(node.data):
        rows.append(("shape", str(tuple(node.data.shape)) if node.data.ndim else "scalar"))
    rows.append(("data", summary(node.data)))
    if show_grad is not None and _requires_grad(node):
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
    if any(_is_array(o.data) for o in outs):
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
        text = _edge_text(structure, link, flow, numbers, bool(show_grad)) if show_local else ""
        edges.append(DiagramEdge(link.source.id, link.target.id, flow, text))
    scale = max((_magnitude(e.grad) for e in edges), default=0.0) or 1.0
    return Diagram(tuple(nodes), tuple(edges), title, subtitle, bool(show_grad), scale,
                   structure.group_kind)


# --- colours and widths shared by both renderers ----------------------------------------

def edge_color(flow, scale):
    """Sign of the gradient on the DIVERGING map; at least half strength so it shows."""
    if flow is None:
        return NO_GRAD_COLOR
    if _is_array(flow):
        return VECTOR_COLOR
    if not math.isfinite(flow):
        return NONFINITE_COLOR
    if flow == 0:
        return ZERO_COLOR
    strength = 0.5 + 0.5 * math.sqrt(min(abs(flow) / scale, 1.0))
    return style.signed_color(math.copysign(strength, flow), 1.0)


def edge_width(flow, scale):
    """Line width in points: 1 for nothing, up to 5.5 for the largest gradient."""
    if flow is None:
        return 1.2
    return 1.0 + 4.5 * math.sqrt(min(_magnitude(flow) / scale, 1.0))


def _fill(role):
    return style.ROLE_COLORS["parameter" if role == "group" else role]


def _border(role):
    return style.ROLE_EDGES["parameter" if role == "group" else role]


def legend_entries(diagram):
    """(boxes, arrows): [(role, text)] and [(color, dashed, text)], for both renderers."""
    present = {n.role for n in diagram.nodes}
    names = {"input": "input", "parameter": "parameter", "constant": "constant",
             "intermediate": "intermediate",
             "group": f"{diagram.group_kind} (weights inside)",
             "output": "output", "op": "op"}
    boxes = [(role, names[role]) for role in names if role in present]
    if not diagram.show_grad:
        return boxes, [(NO_GRAD_COLOR, False, "input → op → output (no gradients yet)")]
    flows = [e.grad for e in diagram.edges]
    arrows = [(style.signed_color(1.0, 1.0), False, "gradient > 0"),
              (style.signed_color(-1.0, 1.0), False, "gradient < 0")]
    if any(f is not None and not _is_array(f) and f == 0 for f in flows):
        arrows.append((ZERO_COLOR, True, "gradient 0"))
    if any(_is_array(f) for f in flows):
        arrows.append((VECTOR_COLOR, False, "several numbers (width: norm)"))
    if any(f is None for f in flows):
        arrows.append((NO_GRAD_COLOR, False, "no gradient (or not known)"))
    if any(f is not None and not _is_array(f) and not math.isfinite(f) for f in flows):
        arrows.append((NONFINITE_COLOR, False, "nan or inf"))
    return boxes, arrows


ARROWS_TITLE = "arrows point forward; colour: sign of the gradient flowing back, width: its size"


# --- DOT ---------------------------------------------------------------------------------

def in_degrees(diagram):
    """node id -> how many arrows come in."""
    count = {}
    for edge in diagram.edges:
        count[edge.target] = count.get(edge.target, 0) + 1
    return count


def to_dot(diagram):
    """The Graphviz DOT source of a diagram (no Graphviz needed to write it)."""
    fan = in_degrees(diagram).values()
    ranksep = min(1.2, 0.4 + 0.06 * max(fan, default=1))  # room for dense fans
    lines = ["digraph microdl {",
             f'  graph [rankdir=LR, bgcolor="white", pad="0.3", nodesep="0.25", ranksep="{ranksep:.2f}", '
             f'fontname="{FONT}", labelloc="t", label={_dot_header(diagram)}];',
             f'  node [fontname="{FONT}", fontsize="14"];',
             f'  edge [fontname="{FONT}", fontsize="12", arrowsize="0.8"];']
    for node in diagram.nodes:
        lines.append(f"  {node.id} [{_dot_node_attributes(node)}];")
    for edge in diagram.edges:
        attrs = [f'color="{edge_color(edge.grad, diagram.grad_scale)}"',
                 f'penwidth="{edge_width(edge.grad, diagram.grad_scale):.2f}"']
        if edge.grad is not None and not _is_array(edge.grad) and edge.grad == 0:
            attrs.append('style="dashed"')
        if edge.label:  # in its arrow's colour (at full strength), to tell whose it is
            attrs.append(f'label="{_dot_quote(edge.label)}", decorate="true", '
                         f'fontcolor="{_label_color(edge.grad)}"')
        lines.append(f"  {edge.source} -> {edge.target} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label_color(flow):
    if flow is None or _is_array(flow) or not math.isfinite(flow) or flow == 0:
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
    return (f'shape="box", style="{styles}", fillcolor="{_fill(node.role)}", '
            f'color="{_border(node.role)}", penwidth="{width}", margin="0.12,0.06", '
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
        f'<td bgcolor="{_fill(role)}" color="{_border(role)}" border="1" '
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
    explanation = ARROWS_TITLE if diagram.show_grad else "arrows"
    rows.append(f'<tr><td><table border="0" cellspacing="2" cellpadding="2"><tr>'
                f'<td>{esc(explanation)}:</td>{arrow_cells}</tr></table></td></tr>')
    return '<<table border="0" cellspacing="2" cellpadding="1">' + "".join(rows) + "</table>>"


# --- the built-in renderer: layout.py + matplotlib -------------------------------------

ROW_SIZE, TITLE_SIZE, OP_SIZE, EDGE_SIZE = style.FONT_SIZE + 1, style.FONT_SIZE + 2, 16, style.FONT_SIZE
PAD = 0.1         # inches inside a box
MARGIN = 0.35     # inches around the graph
LINE = 1.45 / 72  # line height per point of font size, in inches


@functools.lru_cache(maxsize=8192)
def _text_width(text, size, bold=False):
    """Width of `text` in inches, measured with matplotlib's font (exact, no figure needed)."""
    if not text:
        return 0.0
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
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


def builtin_layout(diagram, sizes=None):
    """(the layered layout of a diagram in inches, the node sizes it used); `sizes` may
    reserve more room per node."""
    sizes = sizes or node_sizes(diagram)
    room = [_text_width(e.label, EDGE_SIZE) + 0.9 if e.label else 0.0 for e in diagram.edges]
    return layered_layout([n.id for n in diagram.nodes],
                          [(e.source, e.target) for e in diagram.edges],
                          sizes, column_gap=0.5, row_gap=0.28, edge_room=room), sizes


def title_width(diagram):
    """Inches the title and subtitle need."""
    return max(_text_width(diagram.title, style.TITLE_SIZE + 4, True),
               _text_width(diagram.subtitle, style.TITLE_SIZE)) + 0.6


def draw_builtin(fig, diagram, layout, sizes, min_width=0.0):
    """Draw a diagram into an empty matplotlib Figure (sets its size: the layout's, but
    at least `min_width` inches, so that the frames of an animation all match)."""
    boxes, arrows = legend_entries(diagram)
    arrows_title = ARROWS_TITLE if diagram.show_grad else "arrows"
    width = max(layout.width + 2 * MARGIN, title_width(diagram), _legend_width(boxes),
                _legend_width(arrows), _text_width(arrows_title, LEGEND_SIZE) + 0.6, min_width)
    top = 0.35 + (style.TITLE_SIZE + 4) * LINE + (style.TITLE_SIZE * LINE if diagram.subtitle else 0)
    bottom = 4 * 0.42 + 0.15  # two legends of one row, each with a title
    graph_h = layout.height + 2 * MARGIN
    height = top + graph_h + bottom
    fig.set_size_inches(width, height)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes([0, bottom / height, 1, graph_h / height])
    ax.set_axis_off()
    middle = layout.width / 2
    ax.set_xlim(middle - width / 2, middle + width / 2)
    ax.set_ylim(layout.height + MARGIN, -MARGIN)  # y grows downward, as in the layout

    shapes = {n.id: (n, layout.positions[n.id], sizes[n.id]) for n in diagram.nodes}
    for edge, (path, label_at) in zip(diagram.edges, _edge_paths(diagram, layout, shapes)):
        _draw_edge(ax, edge, path, label_at, diagram.grad_scale)
    for node, (x, y), size in shapes.values():
        _draw_node(ax, node, x, y, size)

    fig.text(0.5, 1 - 0.25 / height, diagram.title, ha="center", va="top",
             fontsize=style.TITLE_SIZE + 4, fontweight="bold")
    if diagram.subtitle:
        fig.text(0.5, 1 - (0.3 + (style.TITLE_SIZE + 4) * LINE) / height, diagram.subtitle,
                 ha="center", va="top", fontsize=style.TITLE_SIZE, color="#333333")
    _draw_legends(fig, boxes, arrows, arrows_title, height)


LEGEND_SIZE = style.FONT_SIZE + 1


def _legend_width(entries):
    """Inches a legend needs for its entries in one row (handle, text, spacing each)."""
    return sum(_text_width(entry[-1], LEGEND_SIZE) + 0.9 for entry in entries) + 0.4


def _draw_legends(fig, boxes, arrows, arrows_title, height):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    box_handles = [Line2D([], [], marker="o", markersize=15, markerfacecolor="white",
                          markeredgecolor="black", linestyle="none", label=text)
                   if role == "op" else
                   Patch(facecolor=_fill(role), edgecolor=_border(role),
                         linestyle="--" if role == "constant" else "-",
                         linewidth=2.6 if role == "group" else 1.6, label=text)
                   for role, text in boxes]
    arrow_handles = [Line2D([0], [0], color=color, lw=3.5, linestyle="--" if dashed else "-", label=text)
                     for color, dashed, text in arrows]
    common = dict(loc="lower center", frameon=False, fontsize=LEGEND_SIZE, title_fontsize=LEGEND_SIZE,
                  handlelength=2.2, handleheight=1.2, columnspacing=1.6)
    fig.legend(handles=arrow_handles, ncol=len(arrow_handles), bbox_to_anchor=(0.5, 0.08 / height),
               title=arrows_title, **common)
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


def _edge_paths(diagram, layout, shapes):
    """For every edge: a smooth path from port to port (cubic Bezier pieces with
    horizontal tangents), and where its label goes (or None).

    A labelled edge runs straight for a stretch at its uncrowded end and the label sits
    on that stretch, so it is plain which arrow it belongs to: next to the source when
    several arrows meet at the target, next to the target when one source fans out.
    """
    from matplotlib.path import Path
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
                width = _text_width(edge.label, EDGE_SIZE) + 0.2
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


def _draw_edge(ax, edge, path, label_at, scale):
    from matplotlib.patches import ArrowStyle, FancyArrowPatch
    if edge.state == "waiting":
        color, width = "#DDDDDD", 1.2
    else:
        color, width = edge_color(edge.grad, scale), edge_width(edge.grad, scale)
    dashed = edge.grad is not None and not _is_array(edge.grad) and edge.grad == 0
    head = ArrowStyle("-|>", head_length=0.5, head_width=0.22)
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle=head, mutation_scale=11 + 1.4 * width,
                                 lw=width, color=color, linestyle="--" if dashed else "-",
                                 zorder=1 if edge.state != "firing" else 2, joinstyle="miter"))
    if edge.label and label_at is not None and edge.state != "waiting":
        firing = edge.state == "firing"
        x, y = label_at  # just above the straight stretch of the arrow (y grows downward)
        ax.text(x, y - width / 144 - 0.04, edge.label, ha="center", va="bottom",
                fontsize=EDGE_SIZE, zorder=4,
                fontweight="bold" if firing else "normal", color="#222222",
                bbox=dict(boxstyle="round,pad=0.15", ec=color if firing else "none", lw=1.5,
                          fc=style.YELLOW if firing else "white", alpha=0.9))


def _draw_node(ax, node, x, y, size):
    from matplotlib.patches import Ellipse, FancyBboxPatch
    w, h = size
    waiting, firing = node.state == "waiting", node.state == "firing"
    if firing:  # a yellow halo around the node that passes its gradient on
        ax.add_patch(FancyBboxPatch((x - w / 2 - 0.09, y - h / 2 - 0.09), w + 0.18, h + 0.18,
                                    boxstyle="round,pad=0,rounding_size=0.14",
                                    fc=style.YELLOW, ec="none", alpha=0.8, zorder=0.5))
    edge_lw = 2.8 if firing else (2.6 if node.kind == "group" else 1.6)
    if node.kind == "op":
        ax.add_patch(Ellipse((x, y), w, h, fc="white", ec="#AAAAAA" if waiting else "black",
                             lw=2.4 if firing else 1.4, zorder=3))
        ax.text(x, y, node.title, ha="center", va="center", fontsize=OP_SIZE, zorder=5,
                color="#888888" if waiting else "black")
        return
    fill = "white" if waiting else _fill(node.role)
    border = "#AAAAAA" if waiting else ("black" if firing else _border(node.role))
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0,rounding_size=0.08", fc=fill, ec=border,
                                lw=edge_lw, linestyle="--" if node.role == "constant" else "-",
                                zorder=3))
    row = y - h / 2 + 0.7 * PAD
    if node.title:
        row += (TITLE_SIZE + 3) * LINE / 2
        ax.text(x, row, node.title, ha="center", va="center", fontsize=TITLE_SIZE,
                fontweight="bold", zorder=5)
        row += (TITLE_SIZE + 3) * LINE / 2
        if node.rows:
            ax.plot([x - w / 2 + 0.04, x + w / 2 - 0.04], [row, row], color=border, lw=0.8, zorder=4)
    for key, text in node.rows:
        row += ROW_SIZE * LINE / 2
        ax.text(x - w / 2 + PAD, row, key, ha="left", va="center", fontsize=ROW_SIZE,
                color=KEY_COLOR, zorder=5)
        pending = text.startswith("?")
        ax.text(x + w / 2 - PAD, row, text, ha="right", va="center", fontsize=ROW_SIZE, zorder=5,
                color="#888888" if pending else "black")
        row += ROW_SIZE * LINE / 2


def render_figure(diagram, layout=None, sizes=None, figure=None):
    """A matplotlib Figure of the diagram (not registered with pyplot unless given)."""
    from matplotlib.figure import Figure
    if layout is None:
        layout, sizes = builtin_layout(diagram, sizes)
    fig = figure if figure is not None else Figure()
    draw_builtin(fig, diagram, layout, sizes)
    return fig


def figure_bytes(fig, fmt, dpi=None):
    """Save a Figure to PNG / SVG / PDF bytes, deterministically (no dates, fixed ids)."""
    import matplotlib
    buffer = io.BytesIO()
    settings = {"svg.fonttype": "none", "svg.hashsalt": "microdl"}  # real <text> in SVG
    metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None} if fmt == "pdf" else None
    with matplotlib.rc_context(settings):
        fig.savefig(buffer, format=fmt, dpi=dpi or 110, facecolor="white", metadata=metadata)
    return buffer.getvalue()


# --- Graphviz --------------------------------------------------------------------------------

def dot_binary():
    """The path of Graphviz's `dot` program, or None when it is not installed."""
    return shutil.which("dot")


def run_dot(source, fmt, dpi=110):
    """Render DOT source with Graphviz's `dot` program; bytes of the picture."""
    binary = dot_binary()
    if binary is None:
        raise RuntimeError(_NO_DOT)
    args = [binary, f"-T{fmt}"] + ([f"-Gdpi={dpi}"] if fmt == "png" else [])
    done = subprocess.run(args, input=source.encode(), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed (exit {done.returncode}): "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout


_NO_DOT = ("renderer='graphviz' needs Graphviz's `dot` program, which is not on the PATH. "
           "Install it (apt install graphviz, brew install graphviz, conda install graphviz, or "
           "https://graphviz.org/download/) or draw with renderer='builtin' (or 'auto', which "
           "picks the built-in renderer when dot is missing).")


# --- the picture object ------------------------------------------------------------------------

class GraphDrawing:
    """A picture of a computational graph, as returned by `draw_graph`.

    .save("graph.svg" | ".png" | ".pdf" | ".dot")   .to_svg()   .to_png()   .to_dot()
    .show() (a window, from a script)   .figure() (the built-in drawing as a Figure)
    In Jupyter it displays itself when evaluated or display()ed.
    """

    def __init__(self, diagram, renderer):
        self.diagram = diagram
        self.renderer = renderer  # "builtin" or "graphviz"
        self._cache = {}

    def __repr__(self):
        return (f"GraphDrawing({self.num_nodes} nodes, {len(self.diagram.edges)} edges, "
                f"renderer={self.renderer!r})")

    @property
    def num_nodes(self):
        """How many boxes and op ellipses the picture has."""
        return len(self.diagram.nodes)

    def to_dot(self):
        """The Graphviz DOT source (works without Graphviz installed)."""
        return to_dot(self.diagram)

    @property
    def source(self):  # the name graphviz.Source uses
        return self.to_dot()

    def to_graphviz(self):
        """A `graphviz.Source` (the Python package) of this picture."""
        import graphviz
        return graphviz.Source(self.to_dot())

    def _layout_and_sizes(self):
        if "layout" not in self._cache:
            self._cache["layout"] = builtin_layout(self.diagram)
        return self._cache["layout"]

    @property
    def layout(self):
        """The built-in renderer's layout (positions in inches), computed once."""
        return self._layout_and_sizes()[0]

    def figure(self, figure=None):
        """The built-in drawing (whatever the renderer) in a new matplotlib Figure, or in
        the empty `figure` given."""
        layout, sizes = self._layout_and_sizes()
        return render_figure(self.diagram, layout, sizes, figure)

    def _render(self, fmt):
        if fmt not in self._cache:
            if self.renderer == "graphviz":
                self._cache[fmt] = run_dot(self.to_dot(), fmt)
            else:
                self._cache[fmt] = figure_bytes(self.figure(), fmt)
        return self._cache[fmt]

    def to_svg(self):
        return self._render("svg").decode("utf-8")

    def to_png(self):
        return self._render("png")

    def save(self, path):
        """Write the picture; the format comes from the suffix (.svg .png .pdf .dot .gv)."""
        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("dot", "gv"):
            path.write_text(self.to_dot(), encoding="utf-8")
        elif suffix in ("svg", "png", "pdf"):
            path.write_bytes(self._render(suffix))
        else:
            raise ValueError(f"GraphDrawing.save: cannot tell the format of {str(path)!r}; "
                             f"end the name with .svg, .png, .pdf or .dot")
        return path

    def show(self):
        """Open the picture in a matplotlib window (for scripts; Jupyter displays it itself)."""
        import matplotlib.pyplot as plt
        if self.renderer == "builtin":
            self.figure(plt.figure())
        else:
            image = plt.imread(io.BytesIO(self.to_png()), format="png")
            rows, cols = image.shape[:2]
            fig = plt.figure(figsize=(cols / 100, rows / 100), dpi=100)
            ax = fig.add_axes([0, 0, 1, 1])
            ax.imshow(image)
            ax.set_axis_off()
        plt.show()

    # Jupyter
    def _repr_svg_(self):
        return self.to_svg()

    def _repr_png_(self):
        return self.to_png()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"image/svg+xml": self.to_svg(), "text/plain": repr(self)}
        return {k: v for k, v in bundle.items()
                if (not include or k in include) and not (exclude and k in exclude)}


def grads_computed(root):
    """Has backward() been run from `root`? It seeds root.grad with 1, so a root grad that
    is still zero (or None) means the grads in the graph are not (yet) gradients of it."""
    g = root.grad
    return g is not None and bool(np.any(np.asarray(g) != 0))


def _root_name(root):
    return _label(root) or "output"


def draw_graph(root, *, params=None, collapse=None, show_local=False, show_grad="auto",
               title=None, renderer="auto", max_nodes=300):
    """Draw the computational graph that produced `root` (a Value or a Tensor).

    params:      a Module or a list of parameters: they are coloured as parameters (and
                 give collapse its groups); without it, leaves are told apart by label.
    collapse:    None, "neuron" (one box per neuron call) or "layer" (one per layer call).
    show_local:  write "local × upstream = value" on every arrow into an op.
    show_grad:   "auto" (grads if backward() was run from root, else "—" and a note),
                 True (the stored grads, whatever they are), False (data only).
    title:       the title above the picture (default: "Computational graph of <label>").
    renderer:    "auto" (Graphviz's dot if installed, else built-in), "graphviz", "builtin".
    max_nodes:   refuse to draw more boxes than this (see collapse).

    Returns a GraphDrawing: .save(path), .to_dot(), .show(), and it displays in Jupyter.
    """
    if not _is_node(root):
        hint = (" For several outputs, draw their sum, or each one." if isinstance(root, (list, tuple))
                else "")
        raise TypeError(f"draw_graph needs a graph node (a Value or a Tensor), got "
                        f"{type(root).__name__}.{hint}")
    if renderer not in RENDERERS:
        raise ValueError(f"draw_graph: renderer must be one of {RENDERERS}, got {renderer!r}")
    if collapse not in COLLAPSE_LEVELS:
        raise ValueError(f"draw_graph: collapse must be one of {COLLAPSE_LEVELS}, got {collapse!r}")
    if show_grad not in ("auto", True, False):
        raise ValueError(f"draw_graph: show_grad must be 'auto', True or False, got {show_grad!r}")
    if renderer == "graphviz" and dot_binary() is None:
        raise RuntimeError(_NO_DOT)
    if renderer == "auto":
        renderer = "graphviz" if dot_binary() is not None else "builtin"

    structure = _Structure(root, params, collapse, max_nodes)
    name = _root_name(root)
    if show_grad is False:
        grads, subtitle = None, "the forward pass: data only"
    elif show_grad is True or grads_computed(root):
        grads, subtitle = True, f"grad = d{name} / d(node)"
    else:
        call = f"{_label(root)}.backward()" if _label(root) else "backward()"
        grads, subtitle = False, f"grads not computed yet: call {call} to fill them in"
    if collapse:
        subtitle += f"  ·  one box per {structure.group_kind} call"
    diagram = build_diagram(structure, lambda node: node.grad, show_grad=grads,
                            show_local=show_local,
                            title=title if title is not None else f"Computational graph of {name}",
                            subtitle=subtitle)
    return GraphDrawing(diagram, renderer)


def with_states(diagram, node_states=None, edge_states=None, **changes):
    """A copy of a diagram with animation states (and any other field) changed."""
    node_states, edge_states = node_states or {}, edge_states or {}
    nodes = tuple(replace(n, **node_states[n.id]) if n.id in node_states else n for n in diagram.nodes)
    edges = tuple(replace(e, **edge_states[i]) if i in edge_states else e
                  for i, e in enumerate(diagram.edges))
    return replace(diagram, nodes=nodes, edges=edges, **changes)
