"""Backprop, step by step: the gradient flowing back through a graph, one node a frame.

>>> from microdl import Value
>>> a, b, c, f = (Value(x, label=n) for x, n in [(2, "a"), (-3, "b"), (10, "c"), (-2, "f")])
>>> e = a * b; d = e + c; L = d * f; L.label = "L"
>>> animation = animate_backprop(L)   # no backward() needed: it is replayed, not run
>>> len(animation)                    # start, 3 ops passing their gradient on, done
5

Then `animation.save("backprop.gif")`, `animation.frames()` (PNG bytes), or evaluate it
in Jupyter (an HTML player). The frames:

  0     the forward pass is done; backward starts at the root: dL/dL = 1;
  1..N  in reverse topological order, one node (with its op) passes its gradient back:
        its input arrows light up with "local x upstream = value", and each input's
        grad grows by that much ("+ ..." while more is still to come, "?" before any
        arrives); a node whose every consumer has fired is complete;
  N+1   done: every node holds dL/d(node).

For Value graphs the gradients are replayed from the local derivatives the forward
pass stored, so nothing is mutated and backward() need not have run. A Tensor's local
derivatives are functions, so for Tensor graphs the stored grads are shown (run
backward() first); a node's grad appears once all its consumers have fired.
Uses the built-in layout (no Graphviz needed); `collapse=` as in draw_graph.
"""
from dataclasses import replace
from pathlib import Path

import matplotlib
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .builtin import builtin_layout, draw_builtin, figure_bytes, node_sizes, title_width
from .diagram import build_diagram, with_states
from .nodes import grads_computed, holds, label_of, requires_grad, root_name
from .structure import GraphStructure

__all__ = ["animate_backprop", "BackpropAnimation"]


def animate_backprop(root, *, params=None, collapse=None, show_local=True, max_frames=60,
                     title=None):
    """An animation of backprop from `root`: one frame per node that passes a gradient on.

    params, collapse: as in draw_graph. show_local: write local x upstream on the arrows
    that fire. max_frames: refuse longer animations (collapse, or draw a smaller graph).
    Returns a BackpropAnimation (.save(".gif" | ".html"), .frames(), Jupyter display).
    """
    structure = GraphStructure(root, params, collapse, max_nodes=10 * max_frames)
    firing = [u for u in reversed(structure.units)
              if u.kind == "group" or (u.kind == "value" and u.op is not None)]
    if len(firing) + 2 > max_frames:
        raise ValueError(
            f"animate_backprop: this graph needs {len(firing) + 2} frames (one per node that "
            f"passes a gradient on), more than max_frames={max_frames}. Animate a smaller graph "
            f"(one example's loss), use collapse='neuron' or 'layer', or raise max_frames.")
    return BackpropAnimation(_frames(structure, firing, show_local, title))


def _final_gradients(structure):
    """id(node) -> d root / d node for this backward pass, without touching any node.

    Value nodes keep their local derivatives as numbers, so backprop is replayed here
    (the same loop as Value._backward, into a dict). Tensor nodes keep a function: use
    the grads that backward() stored.
    """
    order, root = structure.order, structure.root
    replayable = all(isinstance(n._local, (tuple, list)) and len(n._local) == len(n._prev)
                     for n in order if n._prev)
    if not replayable:
        if not grads_computed(root):
            raise ValueError("animate_backprop: a Tensor graph shows the gradients that backward() "
                             "stored, and there are none yet: call backward() on the root first")
        return {id(n): n.grad for n in order}, False
    grads = {id(n): 0.0 for n in order}
    grads[id(root)] = 1.0
    for node in reversed(order):
        for child, local in zip(node._prev, node._local):
            if requires_grad(child):
                grads[id(child)] += local * grads[id(node)]
    return grads, True


def _frames(structure, firing, show_local, title):
    """The diagram of every frame."""
    root = structure.root
    final, replayed = _final_gradients(structure)
    consumers = {id(n): [] for n in structure.order}  # id(child) -> [(parent, slot)]
    for node in structure.order:
        for slot, child in enumerate(node._prev):
            consumers[id(child)].append((node, slot))
    owner = {}  # id(unit) -> the unit that fires it (an op fires with its result)
    for unit in structure.units:
        owner[id(unit)] = unit
        if unit.kind == "value" and unit.op is not None:
            owner[id(unit.op)] = unit

    def fired_by(node):
        return owner[id(structure.unit_of[id(node)])]

    def gradient_so_far(fired):
        """node -> (gradient received so far or None, complete?) once `fired` units fired."""
        def state(node):
            if node is root:
                return final[id(root)], True
            got = [(p, slot) for p, slot in consumers[id(node)] if id(fired_by(p)) in fired]
            complete = len(got) == len(consumers[id(node)])
            if not got or not requires_grad(node):
                return None, False
            if replayed:
                return sum(p._local[slot] * final[id(p)] for p, slot in got), complete
            return (final[id(node)] if complete else None), complete
        return state

    name = root_name(root)
    steps = len(firing)
    texts = [(f"Backprop, step 0 of {steps}: start at {name}",
              f"d{name} / d{name} = 1: the output's gradient with respect to itself")]
    for k, unit in enumerate(firing, 1):
        texts.append((f"Backprop, step {k} of {steps}: {_who(unit)} passes its gradient back",
                      "each input receives local derivative × upstream gradient, "
                      "and adds it to its grad"))
    texts.append((f"Backprop done: every node holds d{name} / d(node)",
                  f"{steps} step{'s' if steps != 1 else ''}, in reverse topological order"))
    if title is not None:
        texts = [(title, f"{t}: {sub}") for t, sub in texts]

    whole = build_diagram(structure, lambda n: final[id(n)], show_grad=True, show_local=show_local)
    frames = [_frame(structure, whole, gradient_so_far(set()), set(), None, owner, texts[0],
                     lit=structure.unit_of[id(root)])]  # the start: only the root lights up
    for k, unit in enumerate(firing, 1):
        fired = {id(u) for u in firing[:k]}
        frames.append(_frame(structure, whole, gradient_so_far(fired), fired, unit, owner, texts[k],
                             lit=unit))
    frames.append(replace(whole, title=texts[-1][0], subtitle=texts[-1][1]))
    return frames


def _who(unit):
    node = unit.nodes[0]
    if unit.kind == "group":
        return unit.title
    return label_of(node) or f"the '{node._op}' node"


def _frame(structure, whole, state, fired, current, owner, text, lit):
    """One frame: the whole diagram with what has not happened yet greyed out.

    state(node): (gradient so far, complete?); fired: ids of the units that have
    fired; current: the unit firing now (its arrows light up); lit: the highlighted box.
    """
    now = build_diagram(structure, lambda node: state(node)[0], show_grad=True, show_local=False)
    node_states = {}
    for unit, drawn in zip(structure.units, now.nodes):
        shown = unit.outputs if unit.kind == "group" else unit.nodes
        changes = {"rows": drawn.rows}
        if unit.kind == "op":
            arrived = id(owner[id(unit)]) in fired or owner[id(unit)] is current
        else:
            received = [state(n) for n in shown]
            arrived = all(g is not None for g, _ in received)
            complete = all(done for _, done in received)
            changes["rows"] = tuple(
                (key, "?" if not arrived else value if complete else f"{value} + …")
                if key == "grad" else (key, value) for key, value in drawn.rows)
            arrived = arrived or not any(requires_grad(n) for n in shown)
        if unit is lit or owner[id(unit)] is current:
            changes["state"] = "firing"
        elif not arrived and (unit.kind == "op" or not holds(shown, structure.root)):
            changes["state"] = "waiting"
        node_states[drawn.id] = changes
    edge_states = {}
    for i, link in enumerate(structure.links):
        unit = owner[id(link.target)]
        if unit is current:
            edge_states[i] = {"state": "firing"}
        elif id(unit) in fired:
            edge_states[i] = {"label": ""}
        else:
            edge_states[i] = {"state": "waiting", "label": ""}
    return with_states(whole, node_states, edge_states, title=text[0], subtitle=text[1])


class BackpropAnimation:
    """The frames of `animate_backprop`: `len()`, `.frames()` (PNG bytes), `.figure(i)`,
    `.save("backprop.gif" | ".html")`, `.to_jshtml()`; Jupyter shows an HTML player."""

    def __init__(self, diagrams):
        self.diagrams = diagrams  # one Diagram per frame
        sizes = {}  # every frame gets the same boxes: the largest text of any frame fits
        for diagram in diagrams:
            for node_id, (w, h) in node_sizes(diagram).items():
                old = sizes.get(node_id, (0.0, 0.0))
                sizes[node_id] = (max(w, old[0]), max(h, old[1]))
        self.layout, self._sizes = builtin_layout(diagrams[-1], sizes)
        self._width = max(title_width(d) for d in diagrams)

    def __len__(self):
        return len(self.diagrams)

    def __repr__(self):
        return f"BackpropAnimation({len(self)} frames, {len(self.diagrams[0].nodes)} nodes)"

    def _draw(self, fig, i):
        fig.clear()
        draw_builtin(fig, self.diagrams[i], self.layout, self._sizes, min_width=self._width)

    def figure(self, i):
        """Frame i as a matplotlib Figure."""
        fig = Figure()
        self._draw(fig, i)
        return fig

    def frames(self, dpi=None):
        """Every frame as PNG bytes (display one in Jupyter with IPython.display.Image)."""
        return [figure_bytes(self.figure(i), "png", dpi) for i in range(len(self))]

    def _animation(self, fps):
        fig = Figure()
        FigureCanvasAgg(fig)
        self._draw(fig, 0)
        return FuncAnimation(fig, lambda i: self._draw(fig, i), frames=len(self),
                             interval=1000 / fps, repeat=True)

    def save(self, path, fps=1, dpi=None):
        """Write a GIF (Pillow, which comes with matplotlib) or an HTML player (.html)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".gif":
            self._animation(fps).save(path, writer=PillowWriter(fps=fps), dpi=dpi or 100,
                                      savefig_kwargs={"facecolor": "white"})
        elif suffix in (".html", ".htm"):
            path.write_text(self.to_jshtml(fps, dpi), encoding="utf-8")
        else:
            raise ValueError(f"BackpropAnimation.save: cannot tell the format of {str(path)!r}; "
                             f"end the name with .gif or .html")
        return path

    def to_jshtml(self, fps=1, dpi=None):
        """An HTML page fragment with the frames and a player (play, step, loop)."""
        with matplotlib.rc_context({"savefig.dpi": dpi or 90, "animation.embed_limit": 200}):
            return self._animation(fps).to_jshtml(fps=fps, default_mode="once")

    def _repr_html_(self):
        return self.to_jshtml()
