"""The picture of every backprop step: the whole graph, with what has not happened yet
greyed out (steps.py says what the steps are).

Forward frames show "?" for the values not computed yet; backward frames show each grad
as its running sum (steps.running_sum) and light up the arrows that move a gradient
now, with "local × upstream = contribution" written on them. Node states: "firing" (the
node computed, or passing its gradient back), "receiving" (an input getting a gradient
in this step), "waiting" (nothing has happened to it yet).
"""
from .diagram import build_diagram, is_array, with_states
from .nodes import holds, requires_grad
from .steps import final_gradients, node_name, owner_of, running_sum

__all__ = ["step_diagrams"]


def step_diagrams(structure, steps, show_local=True):
    """One Diagram per step: the whole graph, with what has not happened yet greyed out."""
    final, replayed = final_gradients(structure)
    whole = _named(structure, build_diagram(structure, lambda n: final[id(n)], show_grad=True,
                                            show_local=show_local))
    before = _named(structure, build_diagram(structure, lambda n: None, show_grad=False))
    consumers = {id(n): [] for n in structure.order}  # id(child) -> [(parent, slot)]
    for node in structure.order:
        for slot, child in enumerate(node._prev):
            consumers[id(child)].append((node, slot))
    diagrams, computed, fired, started = [], set(), {}, set()  # fired: edge -> when it moved
    for step in steps:
        if step.phase == "forward":
            if step.unit is not None:
                computed.add(id(step.unit))
            diagrams.append(_forward_frame(structure, before, computed, step))
        elif step.kind == "done":
            diagrams.append(with_states(whole, title=step.title, subtitle=step.subtitle))
        else:
            fired.update({(id(p), s): len(fired) + k for k, (_, p, s) in enumerate(step.parts)})
            if step.unit is not None:
                started.add(id(step.unit))
            state = _gradient_state(structure, final, replayed, consumers, fired)
            diagrams.append(_backward_frame(structure, whole, state, fired, started, step))
    return diagrams


def _named(structure, diagram):
    """Unlabelled values get the name the subtitles call them by: "[×]", "[tanh]"."""
    return with_states(diagram, {drawn.id: {"title": node_name(unit.nodes[0])}
                                 for unit, drawn in zip(structure.units, diagram.nodes)
                                 if unit.kind == "value" and not drawn.title and unit.op is not None})


def _forward_frame(structure, before, computed, step):
    node_states, edge_states = {}, {}
    for unit, drawn in zip(structure.units, before.nodes):
        owner = owner_of(structure, unit)
        if owner is step.unit:
            node_states[drawn.id] = {"state": "firing"}
        elif (unit.kind != "value" or unit.op is not None) and id(owner) not in computed:
            node_states[drawn.id] = {"state": "waiting", "rows": tuple(
                (key, "?") if key == "data" else (key, text) for key, text in drawn.rows)}
    for i, link in enumerate(structure.links):
        owner = owner_of(structure, link.target)
        if owner is step.unit:
            edge_states[i] = {"state": "firing"}
        elif id(owner) not in computed:
            edge_states[i] = {"state": "waiting"}
    return with_states(before, node_states, edge_states, title=step.title, subtitle=step.subtitle)


def _gradient_state(structure, final, replayed, consumers, fired):
    """node -> (terms received so far, complete?), after the edges in `fired` moved."""
    def state(node):
        if node is structure.root:
            return [final[id(node)]], True
        got = sorted(((p, s) for p, s in consumers[id(node)] if (id(p), s) in fired),
                     key=lambda edge: fired[id(edge[0]), edge[1]])  # in the order they arrived
        complete = len(got) == len(consumers[id(node)])
        if not got or not requires_grad(node):
            return [], False
        if replayed:
            return [p._local[s] * final[id(p)] for p, s in got], complete
        return ([final[id(node)]] if complete else []), complete
    return state


def _backward_frame(structure, whole, state, fired, started, step):
    """The whole diagram, with grads as received so far; the step's arrows light up."""
    def total(node):
        terms, _ = state(node)
        return sum(terms) if terms else None
    now = build_diagram(structure, total, show_grad=True)
    moving = {(id(p), s) for _, p, s in step.parts}
    receiving = {id(structure.unit_of.get(id(c))) for c, _, _ in step.parts if requires_grad(c)}
    node_states, edge_states = {}, {}
    for unit, drawn in zip(structure.units, now.nodes):
        owner = owner_of(structure, unit)
        changes = {}
        if unit.kind == "op":
            arrived = id(owner) in started
        else:
            shown = unit.outputs if unit.kind == "group" else unit.nodes
            received = [state(n) for n in shown]
            arrived = all(terms for terms, _ in received)
            complete = all(done for _, done in received)
            changes["rows"] = tuple(
                (key, _grad_text(unit, received, text, arrived, complete)) if key == "grad" else (key, text)
                for key, text in drawn.rows)
            arrived = arrived or not any(requires_grad(n) for n in shown)
        if owner is step.unit or (step.kind == "start" and unit is structure.unit_of[id(structure.root)]):
            changes["state"] = "firing"
        elif id(unit) in receiving:
            changes["state"] = "receiving"
        elif not arrived and (unit.kind == "op" or not holds(unit.nodes, structure.root)):
            changes["state"] = "waiting"
        node_states[drawn.id] = changes
    for i, link in enumerate(structure.links):
        owner = owner_of(structure, link.target)
        if any((id(p), s) in moving for _, p, s in link.parts) or (not link.parts and owner is step.unit):
            edge_states[i] = {"state": "firing"}
        elif (link.parts and all((id(p), s) in fired for _, p, s in link.parts)) or \
                (not link.parts and id(owner) in started):
            edge_states[i] = {"label": ""}
        else:
            edge_states[i] = {"state": "waiting", "label": ""}
    return with_states(whole, node_states, edge_states, title=step.title, subtitle=step.subtitle)


def _grad_text(unit, received, text, arrived, complete):
    if not arrived:
        return "?"
    terms, done = received[0]
    if unit.kind == "value" and not any(is_array(t) for t in terms):  # a Tensor's: its summary
        return running_sum(terms, done)
    return text if complete else f"{text} + …"
