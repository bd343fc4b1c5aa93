"""Loss functions for both engines: give them Tensors or lists of Values.

    loss = mse_loss(model_outputs, targets)

* Tensor engine: `prediction` is a Tensor; the work is done by microdl.nn.functional.
* Scalar engine: `prediction` is a list of Values (one per example; for
  cross_entropy a list of lists of logits), targets are numbers.

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

from ..tensor import Tensor
from ..value import Value
from . import functional as F
from .module import Module


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


def mse_loss(prediction, target):
    """mean((prediction - target)^2)."""
    if isinstance(prediction, Tensor):
        return F.mse_loss(prediction, _tensor_target(target, prediction))
    p = _values(prediction)
    t = _targets(target, len(p), "mse_loss")
    return _mean([(pi - ti) ** 2 for pi, ti in zip(p, t)])


def cross_entropy(logits, target):
    """mean over examples of -log softmax(logits)[target]; target = class indices."""
    if isinstance(logits, Tensor):
        return F.cross_entropy(logits, target)
    rows = [logits] if isinstance(logits[0], Value) else list(logits)
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
    return _mean(losses)


def binary_cross_entropy(probability, target):
    """mean of -[y log p + (1 - y) log(1 - p)], p clipped away from 0 and 1."""
    if isinstance(probability, Tensor):
        return F.binary_cross_entropy(probability, _tensor_target(target, probability))
    p = _values(probability)
    t = _targets(target, len(p), "binary_cross_entropy")
    eps = 1e-12
    return _mean([-(yi * _clip(pi, eps).log() + (1 - yi) * _clip(1 - pi, eps).log())
                  for pi, yi in zip(p, t)])


def binary_cross_entropy_with_logits(logits, target):
    """Binary cross-entropy of sigmoid(logits), computed stably."""
    if isinstance(logits, Tensor):
        return F.binary_cross_entropy_with_logits(logits, _tensor_target(target, logits))
    z = _values(logits)
    t = _targets(target, len(z), "binary_cross_entropy_with_logits")
    return _mean([_softplus(zi) - zi * yi for zi, yi in zip(z, t)])  # -log s(z)^y (1-s(z))^(1-y)


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
    function = None

    def forward(self, prediction, target):
        return type(self).function(prediction, target)


class MSELoss(_Loss):
    function = mse_loss


class CrossEntropyLoss(_Loss):
    function = cross_entropy


class BCELoss(_Loss):
    function = binary_cross_entropy


class BCEWithLogitsLoss(_Loss):
    function = binary_cross_entropy_with_logits


class HingeLoss(_Loss):
    function = hinge_loss


class KLDivLoss(_Loss):
    """KL(target || prediction) for probability vectors."""

    def forward(self, prediction, target):
        return kl_divergence(target, prediction)
