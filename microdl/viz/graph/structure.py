"""Which boxes and arrows a computational graph becomes, before any number is written.

`GraphStructure(root, params, collapse, max_nodes)` walks the graph once (autodiff's
topological order) and decides the role of every node (the rule is in drawing.py's
docstring), one box per value with its op ellipse in front, or with `collapse` one box
per call of a neuron or layer, and the arrows between them, ordered so that every
arrow points forward. Nothing here formats a number or draws: diagram.py writes
the text, and animate_backprop reuses one structure for all its frames.
"""
import heapq
import re

import numpy as np

from ...autodiff import topological_order
from .collapse import group_nodes
from .nodes import holds, is_node, label_of, requires_grad

__all__ = ["GraphStructure"]

_WEIGHT_LABEL = re.compile(r"(?:^|\.)(?:w|W|weight|weights|kernel|gamma|beta|theta)_?\d*$")
_BIAS_LABEL = re.compile(r"(?:^|\.)(?:b|bias)_?\d*$")
_OP_SYMBOLS = {"*": "×"}


# --- roles ------------------------------------------------------------------------------------

def _parameter_names(params):
    """{id: name} of the parameters given as a Module (their dotted names, as
    named_parameters() says) or as a list of nodes (their labels); None if not given."""
    if params is None:
        return None
    if hasattr(params, "named_parameters"):
        return {id(p): name for name, p in params.named_parameters()}
    items = [params] if is_node(params) else params
    return {id(p): label_of(p) for p in items}


def _is_single_number(node):
    return np.size(node.data) == 1


def _roles(order, root, param_names):
    """id(node) -> role, by the rule in drawing.py's docstring (what users read)."""
    leaves = [n for n in order if not n._prev]
    if param_names is None:
        weights = {id(n) for n in leaves if _WEIGHT_LABEL.search(label_of(n))}
        biases = {id(n) for n in leaves if _BIAS_LABEL.search(label_of(n))} if weights else set()
        param_names = weights | biases
    roles = {}
    for n in order:
        if n is root:
            roles[id(n)] = "output"
        elif n._prev:
            roles[id(n)] = "intermediate"
        elif id(n) in param_names:
            roles[id(n)] = "parameter"
        elif not requires_grad(n) and _is_single_number(n):
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


class GraphStructure:
    """The boxes and arrows of a graph, before any number is formatted."""

    def __init__(self, root, params=None, collapse=None, max_nodes=300, limit=None):
        """limit: (who draws, how the user raises max_nodes there), for the error message;
        default ("draw_graph", "max_nodes=..."): e.g. ("animate_backprop", "max_frames=...")."""
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
        members, hidden, self.group_kind = group_nodes(self.order, self.roles, params, collapse) if collapse else ({}, set(), "")
        self.units, self.unit_of = self._make_units(members, hidden)
        if max_nodes is not None and len(self.units) > max_nodes:
            raise ValueError(_too_many_message(len(self.units), max_nodes, collapse, limit))
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
            box = _Unit("value", [n], self.roles[key], self.names.get(key) or label_of(n))
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
                if source.kind == "group" and not holds(source.outputs, child):
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
            if unit.kind == "group" and holds(unit.nodes, self.root) and \
                    not holds(unit.outputs, self.root):
                unit.outputs.append(self.root)
        return links


def _op_symbol(op):
    return _OP_SYMBOLS.get(op, op or "?")


def _too_many_message(count, max_nodes, collapse, limit=None):
    caller, knob = limit or ("draw_graph", f"max_nodes={count}")
    advice = ("collapse='neuron' (one box per neuron call) or collapse='layer'"
              if collapse is None else
              "collapse='layer'" if collapse == "neuron" else "a smaller graph")
    return (f"{caller}: this graph needs {count:,} boxes, more than its limit of {max_nodes:,}: "
            f"a picture that size is a hairball nobody can read. Draw it with {advice}, "
            f"draw a smaller piece (the loss of one example instead of a batch), or raise "
            f"the limit with {caller}(..., {knob}) if you really want it.")


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
