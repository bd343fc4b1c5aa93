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
  loss is built from Value ops in `microdl/nn/scalar_losses.py`, so every derivative is
  one of `microdl/value.py`'s and the graph shows each step. The options (weight,
  ignore_index, label_smoothing, pos_weight, reduction) give the same numbers as on Tensors.

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
import numpy as np

from ..tensor import Tensor
from ..value import Value
from . import functional as F
from . import scalar_losses
from .functional import _legacy_reduction
from .module import Module

__all__ = ["mse_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "hinge_loss", "kl_divergence",
           "l2_regularization", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "KLDivLoss", "HingeLoss"]


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean((input - target)^2). Tensors: F.mse_loss; Values: built from - and **2."""
    if isinstance(input, Tensor):
        return F.mse_loss(input, _tensor_target(target, input), size_average, reduce, reduction, weight)
    return scalar_losses.mse_loss(input, target, _legacy_reduction(size_average, reduce, reduction), weight)


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
    return scalar_losses.cross_entropy(input, target, weight, ignore_index,
                                       _legacy_reduction(size_average, reduce, reduction), label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-weight[t] input[t] for log-probabilities (rows of Values, or a Tensor (N, C, ...))."""
    if isinstance(input, Tensor):
        return F.nll_loss(input, target, weight, size_average, ignore_index, reduce, reduction)
    return scalar_losses.nll_loss(input, target, weight, ignore_index,
                                  _legacy_reduction(size_average, reduce, reduction))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p = input, logs clamped at -100 as torch.

    Tensors: F.binary_cross_entropy (fused); Values: built from log, * and -.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy(input, _tensor_target(target, input), weight, size_average,
                                      reduce, reduction)
    return scalar_losses.binary_cross_entropy(input, target, weight,
                                              _legacy_reduction(size_average, reduce, reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input), computed stably.

    Tensors: F.binary_cross_entropy_with_logits (fused, derivative in microdl/fused.py);
    Values: w [pos_weight y softplus(-z) + (1 - y) softplus(z)], built from exp and log.
    """
    if isinstance(input, Tensor):
        return F.binary_cross_entropy_with_logits(input, _tensor_target(target, input), weight,
                                                  size_average, reduce, reduction, pos_weight)
    return scalar_losses.binary_cross_entropy_with_logits(
        input, target, weight, _legacy_reduction(size_average, reduce, reduction), pos_weight)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || q) pointwise for LOG-probabilities input = log q, as torch.nn.functional.kl_div.

    Each element: target (log target - input); 'batchmean' is the sum over the batch size.
    Values: input a list of Values (log q), target numbers (a list of Values: summed flat).
    """
    if isinstance(input, Tensor):
        return F.kl_div(input, target, size_average, reduce, reduction, log_target)
    reduction = _legacy_reduction(size_average, reduce, reduction, allowed=("batchmean",))
    return scalar_losses.kl_div(input, target, reduction, log_target)


def hinge_loss(scores, labels):
    """mean(relu(1 - y * score)) with labels -1 / +1 (0 is read as -1): micrograd's demo loss."""
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels, dtype=float).reshape(-1)
    signs = np.where(labels > 0, 1.0, -1.0)
    if not isinstance(scores, Tensor):
        return scalar_losses.hinge_loss(scores, signs)
    if scores.size != signs.size:
        raise ValueError(f"hinge_loss: {scores.size} scores but {signs.size} labels")
    return (1 - scores.reshape(-1) * signs.astype(scores.dtype)).relu().mean()


def kl_divergence(p, q):
    """KL(p || q) = sum p log(p / q) for probability vectors (rows, for 2-D Tensors: mean)."""
    if not isinstance(q, Tensor):
        return scalar_losses.kl_divergence(p, q)
    p_data = np.asarray(p.data if isinstance(p, Tensor) else p, dtype=q.dtype)
    if p_data.shape != q.shape:
        raise ValueError(f"kl_divergence: p {p_data.shape} and q {q.shape} must have the same shape")
    with np.errstate(divide="ignore", invalid="ignore"):
        p_log_p = np.where(p_data > 0, p_data * np.log(np.where(p_data > 0, p_data, 1)), 0)
    total = (-(q.log() * p_data)).sum(axis=-1) + p_log_p.sum(axis=-1)  # sum p log p - p log q
    return total.mean() if total.ndim else total


def l2_regularization(params, alpha=1e-4):
    """alpha * sum of squared weights (Values or Tensors)."""
    params = [p for p in params if p.requires_grad]
    if params and isinstance(params[0], Value):
        return alpha * Value.dot(params, params)
    return sum(((p * p).sum() for p in params), Tensor(0.0)) * alpha


def _tensor_target(target, like):
    t = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=like.dtype)
    return t.reshape(like.shape) if t.size == like.size else t


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
