"""The losses on the scalar engine: lists of Values in, one Value (or a list) out.

`microdl.nn.losses` hands a loss here when its input is Values rather than a Tensor,
with the reduction already read from torch's arguments. Each loss is built from Value
ops, so every derivative is one of `microdl/value.py`'s and the graph shows each step;
the options (weight, ignore_index, label_smoothing, pos_weight, reduction) give the
same numbers as the Tensor engine's (`class_weights` / `class_targets` are shared).

Inputs: a list of Values, one per example (for cross_entropy and nll_loss, a list of
rows of Values, one row of scores per example); targets are numbers.
"""
import math

import numpy as np

from ..fused import class_targets, class_weights
from ..tensor import Tensor
from ..value import Value

__all__ = ["mse_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "hinge_loss", "kl_divergence"]


def mse_loss(input, target, reduction, weight=None):
    """mean((input - target)^2), built from - and **2."""
    p = _values(input)
    t = _targets(target, len(p), "mse_loss")
    w = _per_example(weight, len(p), "mse_loss")
    losses = [_scaled((pi - ti) ** 2, wi) for pi, ti, wi in zip(p, t, w)]
    return _reduce_values(losses, reduction, None if weight is None else sum(w))


def cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing):
    """logsumexp written out with exp, sum and log, the max subtracted first so exp never
    overflows; then loss = sum(q) logsumexp - sum_c q_c z_c, with q from class_weights (a
    one-hot row for a plain class index), as the Tensor engine computes it."""
    rows = _rows(input)
    n, classes = len(rows), len(rows[0])
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    probabilities = t.dtype.kind == "f" and t.size == n * classes and classes > 1
    t = t.reshape((n, classes) if probabilities else (n,))
    q, divisor = class_weights("cross_entropy", t, (n, classes), weight, ignore_index, label_smoothing)
    losses = []
    for row, q_row in zip(rows, q.tolist()):
        top = max(z.data for z in row)  # subtract the max: exp never overflows
        log_sum = Value.sum([(z - top).exp() for z in row]).log() + top
        picked = [_scaled(z, c) for z, c in zip(row, q_row) if c != 0]
        losses.append(_scaled(log_sum, sum(q_row)) - Value.sum(picked) if picked else Value(0.0))
    return _reduce_values(losses, reduction, divisor)


def nll_loss(input, target, weight, ignore_index, reduction):
    """-weight[t] input[t] for rows of log-probabilities."""
    rows = _rows(input)
    t = np.asarray(target.data if isinstance(target, Tensor) else target).reshape(len(rows))
    picked, w_t, valid = class_targets("nll_loss", t, (len(rows), len(rows[0])), weight, ignore_index)
    losses = [-_scaled(row[k], w) if ok else Value(0.0)
              for row, k, w, ok in zip(rows, picked.tolist(), w_t.tolist(), valid.tolist())]
    return _reduce_values(losses, reduction, w_t.sum())


def binary_cross_entropy(input, target, weight, reduction):
    """-w [y log p + (1 - y) log(1 - p)], built from log, * and -, logs clamped at -100."""
    p = _values(input)
    t = _targets(target, len(p), "binary_cross_entropy")
    w = _per_example(weight, len(p), "binary_cross_entropy")
    return _reduce_values([_scaled(-(yi * _clamped_log(pi) + (1 - yi) * _clamped_log(1 - pi)), wi)
                           for pi, yi, wi in zip(p, t, w)], reduction)


def binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight):
    """w [pos_weight y softplus(-z) + (1 - y) softplus(z)], built from exp and log."""
    z = _values(input)
    t = _targets(target, len(z), "binary_cross_entropy_with_logits")
    w = _per_example(weight, len(z), "binary_cross_entropy_with_logits")
    pw = _per_example(pos_weight, len(z), "binary_cross_entropy_with_logits")
    # -log(s(z)^y (1 - s(z))^(1 - y)) = y softplus(-z) + (1 - y) softplus(z); plain: softplus(z) - z y
    losses = [_scaled(_softplus(zi) - zi * yi, wi) if pwi == 1 else
              _scaled(_softplus(-zi) * (pwi * yi) + _softplus(zi) * (1 - yi), wi)
              for zi, yi, wi, pwi in zip(z, t, w, pw)]
    return _reduce_values(losses, reduction)


def kl_div(input, target, reduction, log_target):
    """target (log target - input) per element; input a list of Values (log q)."""
    x = _values(input)
    t = _targets(target, len(x), "kl_div")
    losses = [(math.exp(ti) * (ti - xi)) if log_target else
              (ti * math.log(ti) - xi * ti if ti > 0 else xi * 0.0)  # 0 log 0 = 0
              for xi, ti in zip(x, t)]
    return _reduce_values(losses, "mean" if reduction == "batchmean" else reduction)


def hinge_loss(scores, signs):
    """mean(relu(1 - y * score)) for labels already read as -1 / +1."""
    s = _values(scores)
    if len(s) != len(signs):
        raise ValueError(f"hinge_loss: {len(s)} scores but {len(signs)} labels")
    return _mean([(1 - si * yi).relu() for si, yi in zip(s, signs.tolist())])


def kl_divergence(p, q):
    """KL(p || q) = sum p log(p / q); p numbers, q a list of Values."""
    q = _values(q)
    p = _targets(p, len(q), "kl_divergence")
    return Value.sum([pi * (math.log(pi) - qi.log()) for pi, qi in zip(p, q) if pi > 0])


def _values(prediction):
    """A list of Values from a Value, a list of Values, or a list of 1-element lists."""
    if isinstance(prediction, Value):
        return [prediction]
    out = [p[0] if isinstance(p, (list, tuple)) and len(p) == 1 else p for p in prediction]
    for p in out:
        if not isinstance(p, Value):
            raise TypeError(f"loss: expected Values (or a Tensor), got {type(p).__name__}; "
                            f"a scalar model's outputs are a list with one Value per example")
    return out


def _rows(input):
    """Rows of Values (one per example) from a row or a list of rows."""
    return [list(input)] if isinstance(input[0], Value) else [list(row) for row in input]


def _targets(target, n, name):
    t = np.asarray(target, dtype=float).reshape(-1).tolist()
    if len(t) != n:
        raise ValueError(f"{name}: {n} predictions but {len(t)} targets")
    return t


def _per_example(weight, n, name):
    """An optional weight as n numbers (one number is used for every example)."""
    if weight is None:
        return [1.0] * n
    w = np.broadcast_to(np.asarray(weight.data if isinstance(weight, Tensor) else weight, float), (n,))
    return w.tolist()


def _scaled(v, c):
    """c * v, without a node when c is 1 (the graph of the plain loss stays small)."""
    return v if c == 1 else v * c


def _mean(values):
    return Value.sum(values) * (1.0 / len(values))


def _reduce_values(losses, reduction, divisor=None):
    """A list of per-example Value losses -> their mean, their sum, or the list ('none')."""
    if reduction == "none":
        return losses
    total = Value.sum(losses)
    if reduction == "sum":
        return total
    divisor = len(losses) if divisor is None else divisor
    return total * (1.0 / divisor) if divisor else total * math.nan   # 0/0 is nan, as torch


def _softplus(z):
    """log(1 + e^z), written so that exp never overflows; both branches meet smoothly at 0."""
    return z + (1 + (-z).exp()).log() if z.data >= 0 else (1 + z.exp()).log()


def _clamped_log(v):
    """log v, but never below -100 (PyTorch's BCE clamp): 0 gradient where clamped."""
    return v.log() if v.data > math.exp(-100) else v * 0.0 - 100.0
