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

__all__ = ["GraphStructure", "ACTIVATION_OPS", "COMBINE_OPS", "label_of", "requires_grad", "holds",
           "is_node", "root_name", "grads_computed"]

_WEIGHT_LABEL = re.compile(r"(?:^|\.)(?:w|W|weight|weights|kernel|gamma|beta|theta)_?\d*$")
_BIAS_LABEL = re.compile(r"(?:^|\.)(?:b|bias)_?\d*$")
_OP_SYMBOLS = {"*": "×"}


#: the op names the activations of both engines write into `_op` (value.py, tensor.py);
#: tests/test_viz_graph.py checks these are exactly what the engines emit
ACTIVATION_OPS = frozenset({"sigmoid", "tanh", "ReLU", "LeakyReLU"})
#: the ops that combine a neuron's weighted inputs: Value +, *, sum, dot; Tensor @, F.linear
COMBINE_OPS = frozenset({"+", "*", "sum", "dot", "@", "linear"})


# --- what a node is asked -----------------------------------------------------------------

def label_of(node):
    return getattr(node, "label", "") or ""


def requires_grad(node):
    return getattr(node, "requires_grad", True)


def holds(nodes, node):
    """`node in nodes` by identity (a Tensor's == compares arrays)."""
    return any(n is node for n in nodes)


def is_node(x):
    return all(hasattr(x, name) for name in ("data", "grad", "_prev", "_op"))


def root_name(root):
    return label_of(root) or "output"


def grads_computed(root):
    """Has backward() been run from `root`? It seeds root.grad with 1, so a root grad that
    is still zero (or None) means the grads in the graph are not (yet) gradients of it."""
    g = root.grad
    return g is not None and bool(np.any(np.asarray(g) != 0))


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
            parts = label_of(n).split(".")
            name = ".".join(parts[:-1]) if level == "neuron" else parts[0] if len(parts) > 1 else ""
            names[id(n)] = name or level.capitalize()
    return names, level.capitalize()
