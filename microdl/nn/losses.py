"""Loss functions for both engines: give them Tensors or lists of Values.

    loss = mse_loss(model_outputs, targets)

* Tensor engine: `input` is a Tensor. The four losses that PyTorch also has
  (mse_loss, cross_entropy, binary_cross_entropy, binary_cross_entropy_with_logits)
  hand it to `microdl.nn.functional` (F), with the same argument names and order
  `(input, target, reduction="mean")`; here the target may also be a list or an array
  of any shape holding one number per prediction. F.cross_entropy and
  F.binary_cross_entropy_with_logits are fused: their derivatives are in
  `microdl/fused.py`; the others are Tensor ops (`microdl/tensor.py`).
* Scalar engine: `input` is a list of Values (one per example; for cross_entropy a
  list of lists of logits), targets are numbers. The loss is built from Value ops,
  so every derivative is one of `microdl/value.py`'s and the graph shows each step.

Each loss is also a Module (`MSELoss()`, `CrossEntropyLoss()`, ...) as in PyTorch.
What each one punishes:

    mse_loss              squared distance: big errors count a lot more than small ones
    cross_entropy         -log of the probability given to the right class
    binary_cross_entropy  the same for one yes/no probability
    hinge_loss            scores on the wrong side of a margin of 1 (labels -1 / +1)
    kl_divergence         how much distribution q differs from p (in nats)
    l2_regularization     large weights: alpha * sum(w^2)
"""
import math

import numpy as np

from ..fused import _check_reduction
from ..tensor import Tensor
from ..value import Value
from . import functional as F
from .module import Module

__all__ = ["mse_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "hinge_loss", "kl_divergence", "l2_regularization",
           "MSELoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "HingeLoss", "KLDivLoss"]


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


def _targets(target, n, name):
    t = np.asarray(target, dtype=float).reshape(-1).tolist()
    if len(t) != n:
        raise ValueError(f"{name}: {n} predictions but {len(t)} targets")
    return t


def _mean(values):
    return Value.sum(values) * (1.0 / len(values))


def _reduce_values(op, losses, reduction):
    """A list of per-example Value losses -> their mean, their sum, or the list ('none')."""
    _check_reduction(op, reduction)
    if reduction == "mean":
        return _mean(losses)
    return Value.sum(losses) if reduction == "sum" else losses


def mse_loss(input, target, reduction="mean"):
    """mean((input - target)^2). Tensors: F.mse_loss; Values: built from - and **2."""
    if isinstance(input, Tensor):
        return F.mse_loss(input, _tensor_target(target, input), reduction)
    p = _values(input)
    t = _targets(target, len(p), "mse_loss")
    return _reduce_values("mse_loss", [(pi - ti) ** 2 for pi, ti in zip(p, t)], reduction)


def cross_entropy(input, target, reduction="mean"):
    """-log softmax(logits)[target] per example; target = class indices.

    Tensors: F.cross_entropy (fused, derivative in microdl/fused.py). Values: logsumexp
    written out with exp, sum and log, the max subtracted first so exp never overflows.
    """
    if isinstance(input, Tensor):
        return F.cross_entropy(input, target, reduction)
    rows = [input] if isinstance(input[0], Value) else list(input)
    targets = np.asarray(target).reshape(-1).astype(int).tolist()
    if len(targets) != len(rows):
        raise ValueError(f"cross_entropy: {len(rows)} rows of logits but {len(targets)} targets")
    losses = []
    for row, t in zip(rows, targets):
        if not 0 <= t < len(row):
            raise ValueError(f"cross_entropy: target {t} is not a class index for {len(row)} logits")
        top = max(z.data for z in row)  # subtract the max: exp never overflows
        log_sum = Value.sum([(z - top).exp() for z in row]).log() + top
        losses.append(log_sum - row[t])
    return _reduce_values("cross_entropy", losses, reduction)


def binary_cross_entropy(input, target, reduction="mean"):
    """-[y log p + (1 - y) log(1 - p)] for probabilities p = input, clipped away from 0 and 1.

    Tensors: F.binary_cross_entropy (Tensor ops); Values: built from log, * and -.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy(input, _tensor_target(target, input), reduction)
    p = _values(input)
    t = _targets(target, len(p), "binary_cross_entropy")
    eps = 1e-12
    return _reduce_values("binary_cross_entropy",
                          [-(yi * _clip(pi, eps).log() + (1 - yi) * _clip(1 - pi, eps).log())
                           for pi, yi in zip(p, t)], reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross-entropy of sigmoid(input), computed stably.

    Tensors: F.binary_cross_entropy_with_logits (fused, derivative in microdl/fused.py);
    Values: softplus(z) - z y, built from exp and log.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy_with_logits(input, _tensor_target(target, input), reduction)
    z = _values(input)
    t = _targets(target, len(z), "binary_cross_entropy_with_logits")
    # -log(s(z)^y (1 - s(z))^(1 - y)) = softplus(z) - z y
    return _reduce_values("binary_cross_entropy_with_logits",
                          [_softplus(zi) - zi * yi for zi, yi in zip(z, t)], reduction)


def hinge_loss(scores, labels):
    """mean(relu(1 - y * score)) with labels -1 / +1 (0 is read as -1): micrograd's demo loss."""
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels, dtype=float).reshape(-1)
    signs = np.where(labels > 0, 1.0, -1.0)
    if isinstance(scores, Tensor):
        if scores.size != signs.size:
            raise ValueError(f"hinge_loss: {scores.size} scores but {signs.size} labels")
        return (1 - scores.reshape(-1) * signs.astype(scores.dtype)).relu().mean()
    s = _values(scores)
    if len(s) != len(signs):
        raise ValueError(f"hinge_loss: {len(s)} scores but {len(signs)} labels")
    return _mean([(1 - si * yi).relu() for si, yi in zip(s, signs.tolist())])


def kl_divergence(p, q):
    """KL(p || q) = sum p log(p / q) for probability vectors (rows, for 2-D Tensors: mean)."""
    if isinstance(q, Tensor):
        p_data = np.asarray(p.data if isinstance(p, Tensor) else p, dtype=q.dtype)
        if p_data.shape != q.shape:
            raise ValueError(f"kl_divergence: p {p_data.shape} and q {q.shape} must have the same shape")
        with np.errstate(divide="ignore", invalid="ignore"):
            p_log_p = np.where(p_data > 0, p_data * np.log(np.where(p_data > 0, p_data, 1)), 0)
        total = (-(q.log() * p_data)).sum(axis=-1) + p_log_p.sum(axis=-1)  # sum p log p - p log q
        return total.mean() if total.ndim else total
    q = _values(q)
    p = _targets(p, len(q), "kl_divergence")
    return Value.sum([pi * (math.log(pi) - qi.log()) for pi, qi in zip(p, q) if pi > 0])


def l2_regularization(params, alpha=1e-4):
    """alpha * sum of squared weights (Values or Tensors)."""
    params = [p for p in params if p.requires_grad]
    if params and isinstance(params[0], Value):
        return alpha * Value.dot(params, params)
    return sum(((p * p).sum() for p in params), Tensor(0.0)) * alpha


def _tensor_target(target, like):
    t = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=like.dtype)
    return t.reshape(like.shape) if t.size == like.size else t


def _softplus(z):
    """log(1 + e^z), written so that exp never overflows; both branches meet smoothly at 0."""
    return z + (1 + (-z).exp()).log() if z.data >= 0 else (1 + z.exp()).log()


def _clip(v, eps):
    """A Value kept >= eps: its gradient is 1 inside, 0 where clipped."""
    return v if v.data >= eps else v * 0 + eps


class _Loss(Module):
    """A loss function as a Module: `CrossEntropyLoss(reduction="mean")(input, target)`."""
    function = None

    def __init__(self, reduction="mean"):
        _check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def forward(self, input, target):
        return type(self).function(input, target, self.reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    function = mse_loss


class CrossEntropyLoss(_Loss):
    function = cross_entropy


class BCELoss(_Loss):
    function = binary_cross_entropy


class BCEWithLogitsLoss(_Loss):
    function = binary_cross_entropy_with_logits


class HingeLoss(Module):
    """mean(relu(1 - y * score)) as a Module (labels -1 / +1)."""

    def forward(self, input, target):
        return hinge_loss(input, target)


class KLDivLoss(Module):
    """KL(target || input) for probability vectors."""

    def forward(self, input, target):
        return kl_divergence(target, input)
