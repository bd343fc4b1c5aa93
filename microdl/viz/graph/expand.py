"""A view of a graph with its fused `dot` nodes written out: every w_i·x_i and their sum.

`Value.dot(w, x, b)` is ONE node (a neuron is one node, not 2n), which keeps big
graphs small but hides the products a perceptron lesson is about. `expand_fused(root)`
returns a stand-in of the graph in which each dot node becomes one `×` node per
w_i·x_i and a `+` node that sums them (and the bias). The engine is not touched:
leaves are the original nodes (so `params=`, labels and roles work as before), every
other node is a `ViewNode` with the same protocol as a Value (data, grad, _prev, _op,
_local, label). The local derivatives follow from the dot's:
    d(w_i·x_i)/dw_i = x_i,  d(w_i·x_i)/dx_i = w_i,  d(sum)/d(term) = 1,
so replaying backprop on the view gives the same gradients as `backward()` on the graph.

>>> from microdl import Value
>>> w = [Value(0.5, label="w0"), Value(-1.0, label="w1")]
>>> x = [Value(2.0, label="x0"), Value(3.0, label="x1")]
>>> z = Value.dot(w, x, Value(0.25, label="b"))
>>> view = expand_fused(z)
>>> view._op, [p.label for p in view._prev]
('+', ['w0·x0', 'w1·x1', 'b'])
"""
from ...autodiff import topological_order
from .nodes import label_of, requires_grad

__all__ = ["ViewNode", "expand_fused", "FUSED_OPS"]

#: the fused n-ary ops that expand_fused writes out (Value.sum is already one + of its terms)
FUSED_OPS = frozenset({"dot"})


class ViewNode:
    """A node of the expanded view; `original` is the engine node it stands for (None
    for a new product node)."""

    __slots__ = ("data", "grad", "_prev", "_op", "_local", "label", "requires_grad", "original")

    def __init__(self, data, prev, op, local, label="", original=None):
        self.data, self._prev, self._op, self._local = data, tuple(prev), op, tuple(local)
        self.label, self.original = label, original
        self.grad = original.grad if original is not None else 0.0
        self.requires_grad = any(requires_grad(c) for c in self._prev)

    def __repr__(self):
        return f"ViewNode({self._op!r}, data={self.data:.4g}, label={self.label!r})"


def expand_fused(root):
    """The graph of `root` with every `dot` node written out (see the module docstring).

    Returns the view's root; the graph of `root` itself is not changed.
    """
    mirror = {}  # id(engine node) -> its node in the view
    for node in topological_order(root):
        if not node._prev:
            mirror[id(node)] = node
            continue
        inputs = [mirror[id(c)] for c in node._prev]
        if node._op in FUSED_OPS:
            mirror[id(node)] = _written_out_dot(node, inputs)
        else:
            mirror[id(node)] = ViewNode(node.data, inputs, node._op, node._local,
                                        label_of(node), original=node)
    return mirror[id(root)]


def _written_out_dot(node, inputs):
    """dot(w, x[, b]) -> (w_0·x_0) + ... + (w_n-1·x_n-1) [+ b]. Its inputs are
    (*weights, *inputs[, bias]): an odd count means a bias is last."""
    count = len(inputs) // 2
    weights, xs, bias = inputs[:count], inputs[count:2 * count], inputs[2 * count:]
    products = [ViewNode(w.data * x.data, (w, x), "*", (x.data, w.data), _product_label(w, x))
                for w, x in zip(weights, xs)]
    terms = products + list(bias)
    return ViewNode(node.data, terms, "+", (1.0,) * len(terms), label_of(node), original=node)


def _product_label(w, x):
    """"w0·x0" (the last part of a dotted name: L1.N0.w0 -> w0), or "" without labels."""
    w_name, x_name = (label_of(n).split(".")[-1] for n in (w, x))
    return f"{w_name}·{x_name}" if w_name and x_name else ""
