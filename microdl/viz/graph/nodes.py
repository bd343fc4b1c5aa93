"""What the graph pictures ask of a node: its label, whether it wants a gradient, its op's kind.

A node is anything with `data`, `grad`, `_prev` and `_op` (a Value or a Tensor); these
answers never change it.
"""
import numpy as np

from ...autodiff import backward_record

__all__ = ["label_of", "requires_grad", "holds", "is_node", "root_name", "grads_computed", "gradient_source",
           "ACTIVATION_OPS", "COMBINE_OPS"]

#: the op names the activations of both engines write into `_op` (value.py, tensor.py);
#: tests/test_viz_graph.py checks these are exactly what the engines emit
ACTIVATION_OPS = frozenset({"sigmoid", "tanh", "ReLU", "LeakyReLU"})
#: the ops that combine a neuron's weighted inputs: Value +, *, sum, dot; Tensor @, F.linear
COMBINE_OPS = frozenset({"+", "*", "sum", "dot", "@", "linear"})


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


def gradient_source(root, order):
    """(the name of the node whose gradients the graph holds, how many backward() passes
    the leaf grads hold), read from what autodiff recorded on the leaves of `order`.

    After `L.backward()`, drawing an inner node d of L's graph shows dL/d(node), not
    dd/d(node); after two `L.backward()` calls without zero_grad() the leaves hold 2x.
    """
    records = [r for r in (backward_record(n) for n in order if not n._prev) if r]
    if not records:
        return root_name(root), 1
    passes = max(r[0] for r in records)
    if any(r[2] == id(root) for r in records):
        return root_name(root), passes
    names = {r[1] for r in records}
    name = names.pop() if len(names) == 1 and "" not in names else "(last backward root)"
    return name, passes
