"""Backprop step by step: the frames that explore_backprop and animate_backprop share.

`backprop_steps(structure, forward=True, by="edge")` lists the steps and
`frames.step_diagrams(structure, steps)` draws a Diagram for each:

  forward   0      the inputs: only the leaves hold a value yet ("?" elsewhere);
            1..N   one node a step, left to right: it lights up and shows its value,
                   the subtitle says how it was computed ("e = a × b = 2 × -3 = -6");
  backward  0      start at the root: dL/dL = 1;
            1..M   in the order backward() runs (reverse topological), one arrow a step
                   (by="edge") or every input arrow of one node at once (by="node"): the
                   arrow says "local × upstream = contribution", and the input's grad
                   shows its running sum ("1 + 3 = 4 + …" while more is to come,
                   "1 + 3 + 3 = 7" when complete, "?" before anything arrived);
            M+1    done: every node holds dL/d(node).

Value graphs are replayed from the local derivatives the forward pass stored, so no
node is changed and backward() need not have run. A Tensor's local derivatives are
functions, so a Tensor graph shows the grads backward() stored, node by node.
"""
from dataclasses import dataclass

from ...scalar_math import format_number
from .nodes import grads_computed, label_of, requires_grad, root_name

__all__ = ["Step", "backprop_steps", "final_gradients", "count_frames", "owner_of", "running_sum", "node_name",
           "computing_units"]


@dataclass(frozen=True)
class Step:
    phase: str          # "forward" or "backward"
    kind: str           # "start", "compute" (forward), "edge" / "node" (backward), "done"
    unit: object = None  # the box computed, or passing its gradient back
    parts: tuple = ()   # the graph edges (child, parent, slot) whose gradient moves now
    title: str = ""
    subtitle: str = ""


def final_gradients(structure):
    """(id(node) -> d root / d node, replayed?) without touching any node: a Value graph is
    replayed from its local derivatives (the loop of backward(), into a dict); a Tensor
    graph keeps functions there, so the grads that backward() stored are used."""
    order, root = structure.order, structure.root
    if not replayable(structure):
        if not grads_computed(root):
            raise ValueError("backprop steps: a Tensor graph shows the gradients that backward() "
                             "stored, and there are none yet: call backward() on the root first")
        return {id(n): n.grad for n in order}, False
    grads = {id(n): 0.0 for n in order}
    grads[id(root)] = 1.0
    for node in reversed(order):
        for child, local in zip(node._prev, node._local):
            if requires_grad(child):
                grads[id(child)] += local * grads[id(node)]
    return grads, True


def replayable(structure):
    return all(isinstance(n._local, (tuple, list)) and len(n._local) == len(n._prev)
               for n in structure.order if n._prev)


def computing_units(structure):
    """The boxes a forward pass computes (a value made by an op, a collapsed call), in order."""
    return [u for u in structure.units if u.kind == "group" or (u.kind == "value" and u.op is not None)]


def _unit_parts(unit):
    return [(child, parent, slot) for parent in unit.nodes for slot, child in enumerate(parent._prev)]


def _backward_groups(structure, by):
    """[(unit, parts)] in the order backward() runs: per node, or per arrow (by="edge")."""
    into = {}  # id(firing unit) -> its arrows that carry a gradient back, in drawing order
    for link in structure.links:
        if link.parts and any(requires_grad(c) for c, _, _ in link.parts):
            into.setdefault(id(owner_of(structure, link.target)), []).append(link)
    groups = []
    for unit in reversed(computing_units(structure)):
        parts = _unit_parts(unit)
        links = into.get(id(unit), [])
        if by == "node" or not links:
            groups.append((unit, tuple(parts)))
            continue
        on_links = {(id(p), s) for link in links for _, p, s in link.parts}
        silent = tuple(part for part in parts if (id(part[1]), part[2]) not in on_links)
        for k, link in enumerate(links):  # edges inside a collapsed box move with its first arrow
            groups.append((unit, tuple(link.parts) + (silent if k == 0 else ())))
    return groups


def owner_of(structure, unit):
    """The box that computes `unit`: an op ellipse belongs to the value it makes."""
    if unit.kind == "op":
        return next(u for u in structure.units if u.op is unit)
    return unit


def count_frames(structure, forward, by):
    steps = len(_backward_groups(structure, by)) + 2
    return steps + (len(computing_units(structure)) + 1 if forward else 0)


def backprop_steps(structure, *, forward=True, by="edge", title=None):
    """Every step, forward (optional) then backward, with its title and subtitle."""
    name = root_name(structure.root)
    final, replayed = final_gradients(structure)
    by = by if replayed else "node"  # a Tensor's contributions per arrow are not known
    steps = []
    if forward:
        units = computing_units(structure)
        steps.append(Step("forward", "start", title=f"Forward pass, step 0 of {len(units)}: the inputs",
                          subtitle="only the leaves hold a value; each node is computed from its inputs"))
        for k, unit in enumerate(units, 1):
            steps.append(Step("forward", "compute", unit, title=f"Forward pass, step {k} of {len(units)}: "
                              f"compute {_unit_name(unit)}", subtitle=_formula(unit)))
    groups = _backward_groups(structure, by)
    total = len(groups)
    steps.append(Step("backward", "start", title=f"Backward pass, step 0 of {total}: start at {name}",
                      subtitle=f"d{name} / d{name} = 1: the output's gradient with respect to itself"))
    for k, (unit, parts) in enumerate(groups, 1):
        head = f"Backward pass, step {k} of {total}: "
        if by == "edge" and unit.kind == "value" and len(parts) == 1 and replayed:
            child, parent, slot = parts[0]
            local, upstream = parent._local[slot], final[id(parent)]
            steps.append(Step("backward", "edge", unit, parts,
                              head + f"{node_name(parent)} passes its gradient to {node_name(child)}",
                              f"{node_name(child)}.grad += local × upstream = d{node_name(parent)}/"
                              f"d{node_name(child)} × d{name}/d{node_name(parent)} = {_short(local)} × "
                              f"{_short(upstream)} = {_short(local * upstream)}"))
        else:
            steps.append(Step("backward", "node", unit, parts,
                              head + f"{_unit_name(unit)} passes its gradient back",
                              "each input receives local derivative × upstream gradient, "
                              "and adds it to its grad"))
    steps.append(Step("backward", "done", title=f"Backprop done: every node holds d{name} / d(node)",
                      subtitle=f"{total} step{'s' if total != 1 else ''}, in reverse topological order"))
    if title is not None:
        steps = [Step(s.phase, s.kind, s.unit, s.parts, title, f"{s.title}: {s.subtitle}") for s in steps]
    return steps


# --- words ------------------------------------------------------------------------------------

def _short(x):
    return f"{float(x) + 0.0:.4g}"  # + 0.0: -0.0 reads "0"


def node_name(node):
    """A node as the subtitle names it: its label, a leaf's number, or its op in brackets."""
    if label_of(node):
        return label_of(node)
    return f"[{'×' if node._op == '*' else node._op}]" if node._prev else _short(node.data)


def _unit_name(unit):
    return unit.title if unit.kind == "group" else node_name(unit.nodes[0])


def _formula(unit):
    """How a node was computed: "e = a × b = 2 × -3 = -6"; a collapsed box by its name."""
    if unit.kind == "group":
        return f"{unit.title}: its weights and inputs combined, then its activation"
    node = unit.nodes[0]
    names = [node_name(c) for c in node._prev]
    values = [_short(c.data) for c in node._prev]
    symbol = {"*": " × ", "+": " + ", "**": " ** "}.get(node._op)
    if symbol and (len(names) == 2 or node._op == "+"):
        if len(names) > 4:
            return f"{node_name(node)} = the sum of {len(names)} terms = {_short(node.data)}"
        return (f"{node_name(node)} = {symbol.join(names)} = {symbol.join(values)} = "
                f"{_short(node.data)}")
    if node._op in ("sum", "dot"):
        return f"{node_name(node)} = {node._op} of {len(names)} inputs = {_short(node.data)}"
    return (f"{node_name(node)} = {node._op}({', '.join(names)}) = {node._op}({', '.join(values)}) "
            f"= {_short(node.data)}")


def running_sum(terms, complete):
    """A grad as it is being summed: "?", "1 + …", "1 + 3 = 4 + …", "1 + 3 + 3 = 7"."""
    if not terms:
        return "?"
    total = sum(terms)
    if len(terms) == 1:
        return format_number(total) + ("" if complete else " + …")
    shown = terms if len(terms) <= 3 else [terms[0], None, terms[-1]]
    text = _short(shown[0])
    for t in shown[1:]:
        text += " + …" if t is None else f" - {_short(-t)}" if t < 0 else f" + {_short(t)}"
    text += f" = {_short(total)}"
    return text if complete else text + " + …"
