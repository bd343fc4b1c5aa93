"""The one autodiff core: topological order, the backward pass, no_grad, anomaly mode.

Both engines (`Value` for scalars, `Tensor` for arrays) and the graph renderer use
this file. A *node* is anything with

    data      its value (a float or an ndarray)
    grad      d(root)/d(node), same shape as data
    _prev     the nodes it was computed from, an ordered tuple (empty for a leaf)
    _op       a short name of the op that made it ('+', 'tanh', 'conv2d', ...)
    _backward()   pushes this node's grad into its inputs' grads (the chain rule)
    zero_grad()   sets grad back to zero

Gradient semantics (as in PyTorch):
  * leaf gradients ACCUMULATE across backward() calls: call zero_grad() (on the
    model or the optimizer) between steps;
  * intermediate gradients are RECOMPUTED on every backward() call, never doubled;
  * a node used several times (b = a + a; c = b + b) sums the gradients of all uses.

The graph is walked with an explicit stack, never recursion, so a chain of a million
ops backpropagates without hitting Python's recursion limit.
"""
import math
from contextlib import contextmanager

import numpy as np


class _GradMode:
    """Process-wide switches, changed only through the context managers below."""
    enabled = True     # record the graph of ops (False inside `no_grad()`)
    anomaly = False    # stop at the first nan/inf (True inside `detect_anomaly()`)


def is_grad_enabled():
    """True unless inside a `no_grad()` block."""
    return _GradMode.enabled


@contextmanager
def no_grad():
    """Compute without recording the graph (evaluation, optimizer updates).

    >>> from microdl import Value, no_grad
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b._prev
    ()
    """
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous


@contextmanager
def detect_anomaly():
    """Stop with a FloatingPointError at the first nan/inf made in forward or backward.

    The message names the op and its inputs, so you see where a nan was born
    instead of where it finally showed up in the loss.
    """
    previous = _GradMode.anomaly
    _GradMode.anomaly = True
    try:
        yield
    finally:
        _GradMode.anomaly = previous


def topological_order(root):
    """All nodes that `root` depends on, each after its inputs; `root` comes last.

    Iterative depth-first search: the stack holds (node, iterator over its inputs);
    a node is emitted once all its inputs have been emitted.
    """
    order, seen = [], {root}
    stack = [(root, iter(root._prev))]
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            if child not in seen:  # nodes hash by identity
                seen.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:  # every input is emitted
            stack.pop()
            order.append(node)
    return order


def backward(root, seed):
    """Backpropagate from `root`, whose own gradient is `seed` (1 for a scalar loss).

    Intermediate grads are reset first, so calling backward twice recomputes them;
    leaf grads (parameters, inputs) accumulate.
    """
    order = topological_order(root)
    for node in order:
        if node._prev:
            node.zero_grad()
    root.grad = root.grad + seed
    check = _GradMode.anomaly
    for node in reversed(order):
        if node._prev:
            node._backward()
            if check:
                check_backward(node)
    return order


# --- anomaly checks ---------------------------------------------------------------

def all_finite(x):
    """True if a float or an array holds no nan and no inf."""
    if isinstance(x, float):
        return math.isfinite(x)
    return bool(np.isfinite(x).all())


def describe(node):
    """A short one-line description of a node for error messages."""
    label = getattr(node, "label", "") or ""
    return f"{label + ' = ' if label else ''}{node!r}"


def check_forward(node):
    """Raise if `node` (just computed by an op) holds nan or inf."""
    if not all_finite(node.data):
        inputs = ", ".join(describe(c) for c in node._prev)
        raise FloatingPointError(
            f"anomaly in forward: op '{node._op}' produced {node!r} from inputs "
            f"[{inputs}]. Check the inputs' range (log of <= 0, exp of a large number, "
            f"division by zero).")


def check_backward(node):
    """Raise if the gradients pushed by `node` into its inputs hold nan or inf."""
    for child in node._prev:
        if not all_finite(child.grad):
            raise FloatingPointError(
                f"anomaly in backward: op '{node._op}' pushed a non-finite gradient into "
                f"its input {describe(child)}; the op's output was {describe(node)}.")
