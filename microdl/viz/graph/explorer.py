"""Click through backprop: `explore_backprop(root)`, the forward pass and then the backward
pass, one node (forward) and one arrow (backward) a step.

>>> from microdl import Value
>>> a = Value(3.0, label="a")
>>> y = a * a + a; y.label = "y"
>>> scene = explore_backprop(y)
>>> len(scene)                    # forward: inputs + 2 nodes; backward: start, 4 arrows, done
9
>>> scene.last().current.title
'Backprop done: every node holds dy / d(node)'

A BackpropScene is a `Scene` (viz.canvas): `.next()`, `.previous()`, `.first()`,
`.last()`, `.step(i)`, `.figure(i)`, `.save("x.gif" | ".html" | ".png")`; `.show()` opens
a window (arrow keys step, space plays); in Jupyter it shows buttons and a slider
(ipywidgets when installed) or the offline player. What each frame shows is in
steps.py; the numbers are replayed from the graph, which is never changed.
"""
import weakref

from .. import style
from ..canvas import Control, Scene
from .builtin import (SMALLEST_SHRINK, builtin_layout, draw_builtin, draw_items, draw_titles, fit_shrink,
                      label_rooms, node_sizes)
from .expand import expand_fused
from .folding import fold_layout, fold_splits
from .frames import step_diagrams
from .look import arrows_title, legend_entries
from .nodes import is_node
from .steps import backprop_steps
from .structure import GraphStructure

__all__ = ["explore_backprop", "BackpropScene", "backprop_frames"]

COLLAPSE_LEVELS = (None, "neuron", "layer")


def explore_backprop(root, *, params=None, collapse=None, expand=False, forward=True, by="edge",
                     show_local=True, max_frames=200, title=None, size=(12.8, 7.2)):
    """Step through the forward and backward pass of `root` (a Value; a Tensor after backward()).

    params, collapse:  as in draw_graph: `collapse="neuron"` or `"layer"` steps through an
                       MLP one neuron or layer call at a time.
    expand:      write out every fused `dot` node (a neuron's w · x + b) as its products
                 w_i·x_i and their sum, so every product gets its own step.
    forward:     start with the forward pass (False: backward only).
    by:          "edge": one arrow a backward step; "node": every input arrow of a node at once.
    show_local:  write "local × upstream = contribution" on the arrow that moves.
    max_frames:  refuse more steps than this (collapse, or raise it).
    size:        inches at 100 dpi (12.8 x 7.2 is a 1280x720 slide); the graph shrinks to fit.
    """
    steps, diagrams = backprop_frames(root, "explore_backprop", params=params, collapse=collapse,
                                      expand=expand, forward=forward, by=by, show_local=show_local,
                                      max_frames=max_frames, title=title)
    return BackpropScene(diagrams, steps, size=size)


def backprop_frames(root, caller, *, params, collapse, expand, forward, by, show_local, max_frames,
                    title):
    """(steps, diagrams) of explore_backprop and animate_backprop; `caller` names the function
    in error messages."""
    if not is_node(root):
        raise TypeError(f"{caller} needs a graph node (a Value or a Tensor), got {type(root).__name__}"
                        + (": step through their sum, or each one" if isinstance(root, (list, tuple)) else ""))
    if collapse not in COLLAPSE_LEVELS:
        raise ValueError(f"{caller}: collapse must be one of {COLLAPSE_LEVELS}, got {collapse!r}")
    if by not in ("edge", "node"):
        raise ValueError(f"{caller}: by must be 'edge' (one arrow a step) or 'node', got {by!r}")
    structure = GraphStructure(expand_fused(root) if expand else root, params, collapse, max_nodes=None)
    steps = backprop_steps(structure, forward=forward, by=by, title=title)
    if len(steps) > max_frames:
        smaller = [s for s, ok in (("collapse='neuron' or 'layer'", collapse is None),
                                   ("collapse='layer'", collapse == "neuron"),
                                   ("by='node'", by == "edge"), ("forward=False", forward),
                                   ("expand=False", expand)) if ok]
        raise ValueError(
            f"{caller}: this graph needs {len(steps)} frames, more than max_frames={max_frames} "
            f"(one per step). Step through a smaller graph (one example's loss)"
            f"{', use ' + ', '.join(smaller) if smaller else ''}, or raise the limit: "
            f"{caller}(..., max_frames={len(steps)}).")
    return steps, step_diagrams(structure, steps, show_local=show_local)


class BackpropScene(Scene):
    """The steps of backprop as a Scene with one control, the step number ("frame").

    `.steps[i]` says what step i is (phase, kind, the unit, the graph edges that move,
    title, subtitle) and `.diagrams[i]` what it shows; `.current` is the step shown now.
    """

    window_style = staticmethod(style.context)   # a window's controls in the house style (projector mode)

    def __init__(self, diagrams, steps, *, size=(12.8, 7.2), dpi=100, fps=2, prefer_widgets=True):
        self.diagrams, self.steps = list(diagrams), list(steps)
        sizes = {}  # every frame gets the same boxes: the largest text of any frame fits
        for diagram in self.diagrams:
            for node_id, (w, h) in node_sizes(diagram).items():
                old = sizes.get(node_id, (0.0, 0.0))
                sizes[node_id] = (max(w, old[0]), max(h, old[1]))
        self.node_sizes = sizes
        self.layout, self.wrap_labels, self.legends = _readable_layout(self.diagrams, sizes, size)
        super().__init__(self._draw_step, [Control("frame", range(len(self.diagrams)), label="step")],
                         size=size, dpi=dpi, fps=fps, prefer_widgets=prefer_widgets)
        self._drawn = weakref.WeakKeyDictionary()    # figure -> its graph Axes, shrink, title texts

    def __repr__(self):
        return (f"BackpropScene(step {self.index} of {len(self) - 1}, "
                f"{len(self.diagrams[0].nodes)} nodes: {self.current.title!r})")

    @property
    def current(self):
        """The Step shown now."""
        return self.steps[self.index]

    def _draw_step(self, fig, frame):
        diagram, titles_before = self.diagrams[frame], list(fig.texts)
        ax, shrink = draw_builtin(fig, diagram, self.layout, self.node_sizes, fit=True,
                                  wrap_labels=self.wrap_labels, legends=self.legends)
        self._drawn[fig] = {"frame": frame, "ax": ax, "shrink": shrink,
                            "titles": [t for t in fig.texts if t not in titles_before]}

    def update_in_place(self, fig, frame):
        """Another step keeps the layout, the graph's Axes and the legends: only the arrows,
        boxes and titles are redrawn (Scene.update_in_place). A step whose legends or
        title lines differ (forward -> backward) is drawn afresh."""
        parts = self._drawn.get(fig)
        if parts is None or _frame_key(self.diagrams[frame]) != _frame_key(self.diagrams[parts["frame"]]):
            return False
        ax = parts["ax"]
        for artist in [*ax.patches, *ax.texts, *ax.lines, *parts["titles"]]:
            artist.remove()
        draw_items(ax, self.diagrams[frame], self.layout, self.node_sizes, parts["shrink"], self.wrap_labels)
        titles_before = list(fig.texts)
        draw_titles(fig, self.diagrams[frame], fig.bbox.width / fig.dpi, fig.bbox.height / fig.dpi)
        parts.update(frame=frame, titles=[t for t in fig.texts if t not in titles_before])
        return True


def _readable_layout(diagrams, sizes, size):
    """(layout, wrap_labels, legends): the first way to keep the text >= 12 pt on a `size`
    slide: as drawn; arrow labels on two lines (a narrower layout); also folded into two
    rows (folding.py); without the legends (their room goes to the graph); both. If none
    does, the one that shrinks the least."""
    width, height = size
    last = diagrams[-1]

    def shrink(layout, legends):
        return min(fit_shrink(d, layout, width, height, legends)[0] for d in diagrams)

    def folded(layout, legends):   # the fold that shrinks the least (None: it cannot fold)
        rooms = label_rooms(last, wrap_labels=True)
        options = [fold_layout(layout, sizes, split, rooms) for split in fold_splits(layout)]
        return max(options, key=lambda option: shrink(option, legends), default=None)

    plain = builtin_layout(last, sizes)[0]
    narrow = builtin_layout(last, sizes, wrap_labels=True)[0]
    tries = []
    for make, wrap_labels, legends in ((lambda legends: plain, False, True), (lambda legends: narrow, True, True),
                                       (lambda legends: folded(narrow, legends), True, True),
                                       (lambda legends: narrow, True, False),
                                       (lambda legends: folded(narrow, legends), True, False)):
        layout = make(legends)
        if layout is None:
            continue
        s = shrink(layout, legends)
        if s >= SMALLEST_SHRINK:
            return layout, wrap_labels, legends
        tries.append((s, layout, wrap_labels, legends))
    return max(tries, key=lambda t: t[0])[1:]


def _frame_key(diagram):
    """What fixes a frame's layout besides the graph: its legends and whether it has a subtitle."""
    return legend_entries(diagram), arrows_title(diagram), bool(diagram.subtitle)
