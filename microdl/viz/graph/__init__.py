"""The computational graph, drawn: `draw_graph(root)`, `explore_backprop(root)`, `animate_backprop(root)`.

One idea a file, in the order a picture is made (each uses only those above it):
    nodes.py       what the pictures ask of a node (its label, does it want a gradient)
    collapse.py    which nodes are one call of a neuron or layer (collapse=)
    structure.py   which boxes and arrows a graph becomes: roles, collapsed groups
    diagram.py     the boxes and arrows with their text and gradients
    look.py        arrow colours and widths, box colours, legends: both renderers
    layout.py      a layered drawing of a DAG, left to right (Sugiyama)
    measure.py     how big texts and boxes are (matplotlib's font, no figure)
    arrows.py      the built-in renderer's arrows and their labels
    builtin.py     the built-in renderer: layout.py + matplotlib, no Graphviz needed
    dot.py         DOT text, and Graphviz's dot program
    drawing.py     draw_graph and the GraphDrawing it returns (save, show, Jupyter)
    expand.py      a view with each fused dot written out as its products and their sum
    steps.py       backprop step by step: forward node by node, backward arrow by arrow
    frames.py      the diagram of every step (running sums, what moves now)
    explorer.py    explore_backprop: the steps as a Scene you click through
    animation.py   animate_backprop: the same frames played as an animation
"""
from .animation import BackpropAnimation, animate_backprop
from .drawing import GraphDrawing, draw_graph
from .explorer import BackpropScene, explore_backprop
from .layout import count_crossings, layered_layout, place_in_order
from .look import edge_color, edge_width
from .nodes import ACTIVATION_OPS, COMBINE_OPS

__all__ = ["draw_graph", "GraphDrawing", "explore_backprop", "BackpropScene", "animate_backprop", "BackpropAnimation",
           "layered_layout", "count_crossings", "place_in_order", "edge_color", "edge_width",
           "ACTIVATION_OPS", "COMBINE_OPS"]
