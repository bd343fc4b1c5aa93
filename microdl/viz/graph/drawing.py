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

This file holds what users call: draw_graph and the GraphDrawing it returns (save,
show, Jupyter). The picture is made in steps, a file each:
    nodes.py      what the pictures ask of a node
    collapse.py   which nodes are one call of a neuron or layer
    structure.py  which boxes and arrows the graph becomes: roles, collapsed groups
    diagram.py    the boxes and arrows with their text and gradients
    look.py       arrow colours and widths, box colours, legend: both renderers
    dot.py        DOT text, and Graphviz's dot program
    builtin.py    the built-in renderer: layout.py + matplotlib
"""
import io
from pathlib import Path

from .. import style
from ..canvas.figure import Figure, in_notebook, show_in_window
from .builtin import builtin_layout, draw_builtin
from .diagram import build_diagram
from .dot import dot_binary, require_dot_binary, run_dot, to_dot
from .nodes import gradient_source, grads_computed, is_node, label_of, root_name
from .structure import GraphStructure

__all__ = ["draw_graph", "GraphDrawing", "RENDERERS", "COLLAPSE_LEVELS"]

RENDERERS = ("auto", "builtin", "graphviz")
COLLAPSE_LEVELS = (None, "neuron", "layer")


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

    def show(self, block=True):
        """Display in a notebook, or open a window in a script (blocks until closed)."""
        if in_notebook():
            from IPython.display import display
            display(self)
            return
        if self.renderer == "builtin":
            fig = self.figure()
        else:
            from matplotlib.image import imread
            image = imread(io.BytesIO(self.to_png()), format="png")
            rows, cols = image.shape[:2]
            fig = Figure(figsize=(cols / 100, rows / 100), dpi=100)
            ax = fig.add_axes([0, 0, 1, 1])
            ax.imshow(image)
            ax.set_axis_off()
        show_in_window(fig, block=block)

    # Jupyter: ONE image per graph, so a saved notebook stays small (IPython would store
    # every _repr_*_ it finds, SVG and PNG). SVG (sharp at any zoom) while it is at most
    # SVG_LIMIT bytes; a bigger graph as a PNG of at most NOTEBOOK_PIXELS on its long
    # side (a notebook column is narrower still; .save() keeps the full resolution).
    SVG_LIMIT = 150_000
    NOTEBOOK_PIXELS = 1600

    def _repr_mimebundle_(self, include=None, exclude=None):
        wanted = lambda mime: (not include or mime in include) and not (exclude and mime in exclude)
        bundle = {"text/plain": repr(self)}
        if wanted("image/svg+xml") or wanted("image/png"):
            svg = self.to_svg()
            if len(svg) <= self.SVG_LIMIT:
                bundle["image/svg+xml"] = svg
            else:
                bundle["image/png"] = self._notebook_png()
        return {k: v for k, v in bundle.items() if wanted(k)}

    def _notebook_png(self):
        png = self.to_png()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        if max(width, height) <= self.NOTEBOOK_PIXELS:
            return png
        dpi = 110 * self.NOTEBOOK_PIXELS / max(width, height)
        if self.renderer == "graphviz":
            return run_dot(self.to_dot(), "png", dpi=dpi)
        return figure_bytes(self.figure(), "png", dpi=dpi)


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
    if not is_node(root):
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
    if renderer == "graphviz":
        require_dot_binary()
    if renderer == "auto":
        renderer = "graphviz" if dot_binary() is not None else "builtin"

    structure = GraphStructure(root, params, collapse, max_nodes)
    name = root_name(root)
    if show_grad is False:
        grads, subtitle = None, "the forward pass: data only"
    elif show_grad is True or grads_computed(root):
        source, passes = gradient_source(root, structure.order)
        grads, subtitle = True, f"grad = d{source} / d(node)"
        if passes > 1:  # leaf grads accumulate (documented); say so where the numbers are
            subtitle += f"  ·  leaf grads accumulated over {passes} backward() calls (zero_grad() resets)"
    else:
        call = f"{label_of(root)}.backward()" if label_of(root) else "backward()"
        grads, subtitle = False, f"grads not computed yet: call {call} to fill them in"
    if collapse:
        subtitle += f"  ·  one box per {structure.group_kind} call"
    diagram = build_diagram(structure, lambda node: node.grad, show_grad=grads,
                            show_local=show_local,
                            title=title if title is not None else f"Computational graph of {name}",
                            subtitle=subtitle)
    return GraphDrawing(diagram, renderer)


def render_figure(diagram, layout, sizes, figure=None):
    """A house Figure of the diagram (pyplot never owns it), or the diagram drawn on `figure`."""
    fig = figure if figure is not None else Figure()
    draw_builtin(fig, diagram, layout, sizes)
    return fig


def figure_bytes(fig, fmt, dpi=None):
    """Save a Figure to PNG / SVG / PDF bytes, deterministically (no dates, fixed ids)."""
    buffer = io.BytesIO()
    settings = {"svg.fonttype": "none", "svg.hashsalt": "microdl"}  # real <text> in SVG
    metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None} if fmt == "pdf" else None
    with style.context(settings):
        fig.savefig(buffer, format=fmt, dpi=dpi or 110, facecolor="white", metadata=metadata)
    return buffer.getvalue()
