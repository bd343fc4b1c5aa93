"""Collapse: which nodes of a graph belong to one call of a neuron or a layer.

`group_nodes(order, roles, params, "neuron" or "layer")` gives each such node its module
and its call, by the module's parameters and the ops that combine them (a sum, a dot,
an activation); structure.py draws each call as one box.
"""
import re

from .nodes import ACTIVATION_OPS, COMBINE_OPS, label_of

__all__ = ["group_nodes"]


def group_nodes(order, roles, params, level):
    """Which nodes collapse together: ({id(node): (name, instance)}, hidden parameter ids).

    A parameter belongs to its module (a Neuron, or a Layer of the model). A node belongs
    to a module if it uses that module's parameters (the dot), or if it only combines
    nodes of that module with +, *, sum or an activation. Each call of the module is
    its own box: members are joined when they feed each other or share an input.
    A parameter is hidden inside the box when nothing else uses it.
    """
    name_of, kind = _parameter_group_names(order, roles, params, level)
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
