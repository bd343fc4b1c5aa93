"""Loss functions for both engines: give them Tensors or lists of Values.

    loss = mse_loss(model_outputs, targets)

* Tensor engine: `input` is a Tensor. The losses that PyTorch also has (mse_loss,
  cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits,
  kl_div) hand it to `microdl.nn.functional` (F), with torch's arguments in torch's
  order: `(input, target, weight=None, ..., reduction="mean", ...)`; here the target may
  also be a list or an array of any shape holding one number per prediction. The fused
  ones have their derivatives in `microdl/fused.py`; the others are Tensor ops.
* Scalar engine: `input` is a list of Values (one per example; for cross_entropy and
  nll_loss a list of lists, one row of scores per example), targets are numbers. The
  loss is built from Value ops, so every derivative is one of `microdl/value.py`'s and
  the graph shows each step. The options (weight, ignore_index, label_smoothing,
  pos_weight, reduction) give the same numbers as on Tensors.

Each loss is also a Module (`MSELoss()`, `CrossEntropyLoss()`, ...) with torch's
constructor arguments. What each one punishes:

    mse_loss              squared distance: big errors count a lot more than small ones
    cross_entropy         -log of the probability given to the right class
    nll_loss              the same, given log-probabilities (after log_softmax)
    binary_cross_entropy  the same for one yes/no probability
    hinge_loss            scores on the wrong side of a margin of 1 (labels -1 / +1)
    kl_div                KL(target || q) for LOG-probabilities log q, as torch
    kl_divergence         the lesson's KL(p || q) for two probability vectors (not torch's)
    l2_regularization     large weights: alpha * sum(w^2)
"""
import math

import numpy as np

from ..fused import class_targets, class_weights
from ..tensor import Tensor
from ..value import Value
from . import functional as F
from .functional import _legacy_reduction
from .module import Module

__all__ = ["mse_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "hinge_loss", "kl_divergence",
           "l2_regularization", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "KLDivLoss", "HingeLoss"]


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


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean((input - target)^2). Tensors: F.mse_loss; Values: built from - and **2."""
    if isinstance(input, Tensor):
        return F.mse_loss(input, _tensor_target(target, input), size_average, reduce, reduction, weight)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    p = _values(input)
    t = _targets(target, len(p), "mse_loss")
    w = _per_example(weight, len(p), "mse_loss")
    losses = [_scaled((pi - ti) ** 2, wi) for pi, ti, wi in zip(p, t, w)]
    return _reduce_values(losses, reduction, None if weight is None else sum(w))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """-log softmax(logits)[target] per example; target = class indices or probabilities.

    Tensors: F.cross_entropy (fused, derivative in microdl/fused.py). Values: logsumexp
    written out with exp, sum and log, the max subtracted first so exp never overflows;
    then loss = sum(q) logsumexp - sum_c q_c z_c, with q from fused.class_weights (a one-hot
    row for a plain class index), as the Tensor engine computes it.
    """
    if isinstance(input, Tensor):
        return F.cross_entropy(input, target, weight, size_average, ignore_index, reduce,
                               reduction, label_smoothing)
    reduction = _legacy_reduction(size_average, reduce, reduction)
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


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-weight[t] input[t] for log-probabilities (rows of Values, or a Tensor (N, C, ...))."""
    if isinstance(input, Tensor):
        return F.nll_loss(input, target, weight, size_average, ignore_index, reduce, reduction)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    rows = _rows(input)
    t = np.asarray(target.data if isinstance(target, Tensor) else target).reshape(len(rows))
    picked, w_t, valid = class_targets("nll_loss", t, (len(rows), len(rows[0])), weight, ignore_index)
    losses = [-_scaled(row[k], w) if ok else Value(0.0)
              for row, k, w, ok in zip(rows, picked.tolist(), w_t.tolist(), valid.tolist())]
    return _reduce_values(losses, reduction, w_t.sum())


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p = input, logs clamped at -100 as torch.

    Tensors: F.binary_cross_entropy (fused); Values: built from log, * and -.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy(input, _tensor_target(target, input), weight, size_average,
                                      reduce, reduction)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    p = _values(input)
    t = _targets(target, len(p), "binary_cross_entropy")
    w = _per_example(weight, len(p), "binary_cross_entropy")
    return _reduce_values([_scaled(-(yi * _clamped_log(pi) + (1 - yi) * _clamped_log(1 - pi)), wi)
                           for pi, yi, wi in zip(p, t, w)], reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input), computed stably.

    Tensors: F.binary_cross_entropy_with_logits (fused, derivative in microdl/fused.py);
    Values: w [pos_weight y softplus(-z) + (1 - y) softplus(z)], built from exp and log.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy_with_logits(input, _tensor_target(target, input), weight,
                                                  size_average, reduce, reduction, pos_weight)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    z = _values(input)
    t = _targets(target, len(z), "binary_cross_entropy_with_logits")
    w = _per_example(weight, len(z), "binary_cross_entropy_with_logits")
    pw = _per_example(pos_weight, len(z), "binary_cross_entropy_with_logits")
    # -log(s(z)^y (1 - s(z))^(1 - y)) = y softplus(-z) + (1 - y) softplus(z); plain: softplus(z) - z y
    losses = [_scaled(_softplus(zi) - zi * yi, wi) if pwi == 1 else
              _scaled(_softplus(-zi) * (pwi * yi) + _softplus(zi) * (1 - yi), wi)
              for zi, yi, wi, pwi in zip(z, t, w, pw)]
    return _reduce_values(losses, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || q) pointwise for LOG-probabilities input = log q, as torch.nn.functional.kl_div.

    Each element: target (log target - input); 'batchmean' is the sum over the batch size.
    Values: input a list of Values (log q), target numbers (a list of Values: summed flat).
    """
    if isinstance(input, Tensor):
        return F.kl_div(input, target, size_average, reduce, reduction, log_target)
    reduction = _legacy_reduction(size_average, reduce, reduction, allowed=("batchmean",))
    x = _values(input)
    t = _targets(target, len(x), "kl_div")
    losses = [(math.exp(ti) * (ti - xi)) if log_target else
              (ti * math.log(ti) - xi * ti if ti > 0 else xi * 0.0)  # 0 log 0 = 0
              for xi, ti in zip(x, t)]
    return _reduce_values(losses, "mean" if reduction == "batchmean" else reduction)


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


def _clamped_log(v):
    """log v, but never below -100 (PyTorch's BCE clamp): 0 gradient where clamped."""
    return v.log() if v.data > math.exp(-100) else v * 0.0 - 100.0


class _Loss(Module):
    """A loss function as a Module; subclasses give torch's constructor arguments."""
    function = None

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        self.reduction = _legacy_reduction(size_average, reduce, reduction, self._extra_reductions)

    _extra_reductions = ()

    def _options(self):
        """The keyword options (besides reduction) handed to the function."""
        return {}

    def forward(self, input, target):
        return type(self).function(input, target, reduction=self.reduction, **self._options())

    def extra_repr(self):
        shown = {k: v for k, v in self._options().items() if v is not None and v is not False}
        parts = [f"{k}={v!r}" for k, v in shown.items()
                 if not (k == "ignore_index" and v == -100) and not (k == "label_smoothing" and v == 0)]
        return ", ".join(parts + ([f"reduction={self.reduction!r}"] if self.reduction != "mean" else []))


class MSELoss(_Loss):
    function = mse_loss


class CrossEntropyLoss(_Loss):
    function = cross_entropy

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(size_average, reduce, reduction)
        self.weight, self.ignore_index, self.label_smoothing = weight, ignore_index, label_smoothing

    def _options(self):
        return {"weight": self.weight, "ignore_index": self.ignore_index,
                "label_smoothing": self.label_smoothing}


class NLLLoss(_Loss):
    function = nll_loss

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.weight, self.ignore_index = weight, ignore_index

    def _options(self):
        return {"weight": self.weight, "ignore_index": self.ignore_index}


class BCELoss(_Loss):
    function = binary_cross_entropy

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.weight = weight

    def _options(self):
        return {"weight": self.weight}


class BCEWithLogitsLoss(_Loss):
    function = binary_cross_entropy_with_logits

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def _options(self):
        return {"weight": self.weight, "pos_weight": self.pos_weight}


class KLDivLoss(_Loss):
    """KL(target || q) for LOG-probabilities input = log q (torch's nn.KLDivLoss)."""
    function = kl_div
    _extra_reductions = ("batchmean",)

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def _options(self):
        return {"log_target": self.log_target}


class HingeLoss(Module):
    """mean(relu(1 - y * score)) as a Module (labels -1 / +1)."""

    def forward(self, input, target):
        return hinge_loss(input, target)
