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

Where every derivative lives: the op name a node carries in `_op` -> the file and
function that compute its forward value and its local derivative, side by side.
(Ops not listed, such as `-`, `/`, `mean`, `sqrt` or `softmax`, are compositions of
these and make no node of their own.)

    op                                Value engine             Tensor engine
    +                                 value.py:Value.__add__   tensor.py:Tensor.__add__
    *                                 value.py:Value.__mul__   tensor.py:Tensor.__mul__
    **n  (a number exponent: **2)     value.py:Value.__pow__   tensor.py:Tensor.__pow__
    **   (a Value/Tensor exponent)    value.py:_pow_value      tensor.py:_pow_tensor
    @                                 -                        tensor.py:_matmul_local
    exp                               value.py:Value.exp       tensor.py:Tensor.exp
    log                               value.py:Value.log       tensor.py:Tensor.log
    tanh                              value.py:Value.tanh      tensor.py:Tensor.tanh
    sigmoid                           value.py:Value.sigmoid   tensor.py:Tensor.sigmoid
    ReLU                              value.py:Value.relu      tensor.py:Tensor.relu
    LeakyReLU                         value.py:Value.leaky_relu  tensor.py:Tensor.leaky_relu
    abs                               value.py:Value.abs       tensor.py:Tensor.abs
    clip                              -                        tensor.py:Tensor.clip
    sum                               value.py:Value.sum       tensor.py:Tensor.sum
    dot                               value.py:Value.dot       -
    max                               -                        tensor.py:Tensor.max
    reshape                           -                        tensor.py:Tensor.reshape
    permute                           -                        tensor.py:Tensor.permute
    index                             -                        tensor.py:Tensor.__getitem__
    pad                               -                        tensor.py:Tensor.pad
    astype                            -                        tensor.py:Tensor.astype
    concat                            -                        tensor.py:concatenate
    stack                             -                        tensor.py:stack
    conv2d                            -                        conv.py:conv2d
    max_pool2d                        -                        pooling.py:_pool
    avg_pool2d                        -                        pooling.py:_pool
    linear                            -                        fused.py:linear
    log_softmax                       -                        fused.py:log_softmax
    cross_entropy                     -                        fused.py:cross_entropy
    binary_cross_entropy              -                        fused.py:binary_cross_entropy
    binary_cross_entropy_with_logits  -                        fused.py:binary_cross_entropy_with_logits
    batch_norm                        -                        normalization.py:_normalise_by_batch

Grad mode (`no_grad`) and anomaly mode (`detect_anomaly`) are per thread, as in
PyTorch: every new thread starts with the graph recorded and anomaly checks off, and a
`no_grad()` block in one thread never stops another thread from recording its graph.
"""
import math
import threading
from contextlib import contextmanager

import numpy as np


__all__ = ["is_grad_enabled", "no_grad", "detect_anomaly", "topological_order", "backward",
           "backward_record"]


class _Modes(threading.local):
    """Per-thread switches, changed only through the context managers below.

    `threading.local` runs __init__ once in each thread that touches it, so every
    thread starts from the defaults, whatever the others are doing.
    """

    def __init__(self):
        self.grad_enabled = True   # record the graph of ops (False inside `no_grad()`)
        self.anomaly = False       # stop at the first nan/inf (True inside `detect_anomaly()`)


_modes = _Modes()


def is_grad_enabled():
    """True unless this thread is inside a `no_grad()` block."""
    return _modes.grad_enabled


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
    previous = _modes.grad_enabled
    _modes.grad_enabled = False
    try:
        yield
    finally:
        _modes.grad_enabled = previous


@contextmanager
def detect_anomaly():
    """Stop with a FloatingPointError at the first nan/inf made in forward or backward.

    The message names the op and its inputs, so you see where a nan was born
    instead of where it finally showed up in the loss.
    """
    previous = _modes.anomaly
    _modes.anomaly = True
    try:
        yield
    finally:
        _modes.anomaly = previous


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
    leaves = []
    for node in order:
        if node._prev:
            node.zero_grad()
        elif getattr(node, "requires_grad", True):
            leaves.append(node)
    passes = [_passes_so_far(leaf) for leaf in leaves]  # counted before this pass adds to them
    root.grad = root.grad + seed
    check = _modes.anomaly
    for node in reversed(order):
        if node._prev:
            node._backward()
            if check:
                check_backward(node)
    record_root = (getattr(root, "label", "") or "", id(root))
    for leaf, count in zip(leaves, passes):
        leaf._backward_record = (count + 1, *record_root)
    return order


def backward_record(leaf):
    """(passes, root label, id(root)) of a leaf: how many backward() passes added to its
    grad since its last zero_grad(), and the root of the last one; None if none did.

    The graph pictures use it to say "leaf grads accumulated over 2 backward() calls".
    """
    return getattr(leaf, "_backward_record", None)   # zero_grad() sets it back to None


def _passes_so_far(leaf):
    record = backward_record(leaf)
    return record[0] if record else 0


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
