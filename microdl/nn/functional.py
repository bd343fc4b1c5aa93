"""Functions on Tensors, named and shaped as in torch.nn.functional (import as F).

    import microdl.nn.functional as F
    loss = F.cross_entropy(logits, target)      # logits (N, C), target (N,) class indices

This is the PyTorch face of the tensor engine; no chain rule lives here. Each function
takes torch's arguments in torch's order with torch's defaults (the deprecated
`size_average` / `reduce` are translated to `reduction` with a warning, as torch does).
The fused ops (one node, a hand-written backward, numerically stable) live on the
engine floor:

    microdl/fused.py           linear, log_softmax, cross_entropy, binary_cross_entropy,
                               binary_cross_entropy_with_logits
    microdl/normalization.py   batch_norm
    microdl/conv.py            conv2d
    microdl/pooling.py         max_pool2d, avg_pool2d

The rest (relu, softmax, nll_loss, mse_loss, kl_div, dropout) are compositions of Tensor
ops, whose derivatives are in `microdl/tensor.py`. The index "op -> file:function" of
every derivative is in the `microdl.autodiff` docstring. `microdl.nn.losses` serves both
engines and calls these functions for Tensors.

Inputs: a Tensor, or a NumPy array, a list or a number, which become a Tensor (float
arrays keep their dtype, the rest become float32). PyTorch insists on tensors; here an
array is read as the Tensor it obviously means. A list of `Value`s is refused with the
name of the function in `microdl.nn.losses` (or the Value method) that handles it.
"""
import warnings

import numpy as np

from .. import fused
from ..conv import conv2d
from ..fused import _reduce, _same_shape, _sample_shape, class_targets, linear
from ..normalization import batch_norm
from ..pooling import avg_pool2d, max_pool2d
from ..rng import generator
from ..tensor import Tensor
from ..value import Value

__all__ = ["relu", "tanh", "sigmoid", "leaky_relu", "linear", "softmax", "log_softmax",
           "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div", "dropout", "batch_norm",
           "conv2d", "max_pool2d", "avg_pool2d"]

_LOSSES_FOR_VALUES = {"cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
                     "binary_cross_entropy_with_logits", "kl_div"}


def relu(input, inplace=False):
    _no_inplace("relu", inplace)
    return _as_tensor(input, "relu").relu()


def tanh(input):
    return _as_tensor(input, "tanh").tanh()


def sigmoid(input):
    return _as_tensor(input, "sigmoid").sigmoid()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    _no_inplace("leaky_relu", inplace)
    return _as_tensor(input, "leaky_relu").leaky_relu(negative_slope)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(log_softmax(x)): probabilities along `dim` that sum to 1."""
    return log_softmax(input, dim, _stacklevel + 1, dtype).exp()  # +1: warn at the caller


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x) along `dim` (fused, stable: microdl/fused.py:log_softmax).

    dim=None picks PyTorch's implicit axis (0 for 0-, 1- and 3-D input, else 1) and, for
    input of 2 or more dims, warns as PyTorch does: say dim= to mean it.
    """
    x = _as_tensor(input, "log_softmax")
    if dtype is not None:
        x = x.astype(dtype)
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1
        if x.ndim >= 2:
            warnings.warn(f"softmax/log_softmax without dim= on a {x.ndim}-D input: using dim={dim}, "
                          f"PyTorch's implicit choice. Pass dim= (usually dim=-1 or dim=1)",
                          UserWarning, stacklevel=_stacklevel - 1)
    if x.ndim == 0:                                             # one number: log softmax = 0
        return fused.log_softmax(x.reshape(1), 0).reshape(())
    return fused.log_softmax(x, dim)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """-log softmax(logits)[target], fused and stable (derivative in microdl/fused.py).

    input (N, C), (N, C, d1, ...) or (C,) logits; target class indices (N, d1, ...) or
    probabilities shaped like input. weight (C,), ignore_index and label_smoothing as torch.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return fused.cross_entropy(_as_tensor(input, "cross_entropy"), target, weight=weight,
                               ignore_index=ignore_index, reduction=reduction,
                               label_smoothing=label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-weight[t] input[t] for log-probabilities input (N, C, ...): after log_softmax, cross-entropy.

    'mean' divides by the sum of weight[t] over the targets not ignored, as torch.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x = _as_tensor(input, "nll_loss")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.shape == x.shape and x.ndim > 1:
        raise ValueError(f"nll_loss: target must be class indices of shape {_sample_shape(x.shape)}, "
                         f"got {t.shape} (probability targets: use cross_entropy)")
    picked, w_t, _ = class_targets("nll_loss", t, x.shape, weight, ignore_index)   # (M,), (M,)
    divisor = w_t.sum()
    rows = x.reshape(1, -1) if x.ndim == 1 else x.permute(0, *range(2, x.ndim), 1).reshape(-1, x.shape[1])
    losses = rows[np.arange(len(picked)), picked] * (-w_t).astype(x.dtype)   # (M,)
    if reduction == "none":
        return losses.reshape(_sample_shape(x.shape))
    fused._check_reduction("nll_loss", reduction)
    total = losses.sum()
    return total * fused._reduction_scale(reduction, divisor).astype(x.dtype) if reduction == "mean" else total


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error of the predictions `input`: mean((input - target)^2).

    weight (shaped like input): 'mean' is then sum(weight (input - target)^2) / sum(weight).
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x = _as_tensor(input, "mse_loss")
    target = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=x.dtype))
    if x.shape != target.shape:
        raise ValueError(f"mse_loss: prediction {x.shape} and target {target.shape} must have "
                         f"the same shape (reshape one of them; broadcasting here is usually a bug)")
    squared = (x - target) ** 2
    if weight is None:
        return _reduce("mse_loss", squared, reduction)
    w = _same_shape("mse_loss weight", x, weight)
    if reduction == "mean":
        return (squared * w).sum() * (1.0 / w.sum())
    return _reduce("mse_loss", squared * w, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p = input, logs clamped at -100 as torch.

    Prefer binary_cross_entropy_with_logits, which is exact for any score.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return fused.binary_cross_entropy(_as_tensor(input, "binary_cross_entropy"), target,
                                      weight=weight, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(input), fused and stable; weight and pos_weight as torch."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return fused.binary_cross_entropy_with_logits(
        _as_tensor(input, "binary_cross_entropy_with_logits"), target, weight=weight,
        reduction=reduction, pos_weight=pos_weight)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || q) summed pointwise, for LOG-probabilities input = log q, as torch.

    Each element: target (log target - input), or with log_target=True (target given as
    log-probabilities too) exp(target) (target - input). 'batchmean' divides the sum by
    the batch size (the true KL per example); 'mean' divides by the number of elements.
    The lesson's kl_divergence(p, q) in microdl.nn.losses takes probabilities instead.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction, allowed=("batchmean",))
    x = _as_tensor(input, "kl_div")
    if isinstance(target, Tensor) and target.requires_grad:    # a learned target: Tensor ops
        pointwise = target.exp() * (target - x) if log_target else target * (target.log() - x)
    else:
        t = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=x.dtype)
        p = np.exp(t) if log_target else t
        with np.errstate(divide="ignore", invalid="ignore"):   # p log p, with 0 log 0 = 0 (xlogy)
            p_log_p = p * t if log_target else np.where(t == 0, 0, t * np.log(t))
        pointwise = x * (-p) + p_log_p
    if reduction == "batchmean":
        return pointwise.sum() * (1.0 / x.shape[0]) if x.ndim else pointwise.sum()
    return _reduce("kl_div", pointwise, reduction)


# --- helpers shared with microdl.nn.losses ------------------------------------------------

def _as_tensor(input, op):
    """The input as a Tensor: arrays, lists and numbers are wrapped; Values are refused."""
    if isinstance(input, Tensor):
        return input
    if _holds_values(input):
        where = (f"microdl.nn.losses.{op}, which serves both engines" if op in _LOSSES_FOR_VALUES
                 else f"the Value method v.{op}()")
        raise TypeError(f"F.{op} works on Tensors, but got {type(input).__name__} of Values "
                        f"(a scalar model's outputs). Use {where}")
    try:
        return Tensor(input)
    except TypeError as error:
        raise TypeError(f"F.{op}: input must be a Tensor (or a NumPy array / list of numbers to "
                        f"wrap in one), got {type(input).__name__}: {error}") from None


def _legacy_reduction(size_average, reduce, reduction, allowed=()):
    """PyTorch's deprecated size_average / reduce, translated to reduction as torch does."""
    for name, given in (("size_average", size_average), ("reduce", reduce)):
        if isinstance(given, str):  # loss(x, y, "sum"): the old microdl order, torch reads it otherwise
            raise TypeError(f"got {given!r} for {name}, PyTorch's deprecated flag at this position; "
                            f"pass the reduction by name: reduction={given!r}")
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
        warnings.warn(f"size_average and reduce are deprecated (in PyTorch too): use "
                      f"reduction={reduction!r} instead", UserWarning, stacklevel=3)
    if reduction not in ("mean", "sum", "none") + tuple(allowed):
        choices = ", ".join(repr(r) for r in ("mean", "sum", "none") + tuple(allowed))
        raise ValueError(f"reduction must be one of {choices}; got {reduction!r}")
    return reduction


def _holds_values(x):
    """A Value, or a (nested) list/tuple whose first element is one."""
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, Value)


def _no_inplace(op, inplace):
    if inplace:
        raise ValueError(f"F.{op}(inplace=True) is not supported: microdl ops never overwrite "
                         f"their input (the graph needs it). Write x = F.{op}(x)")


def dropout(input, p=0.5, training=True, inplace=False, *, seed=None):
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout).

    p=1 drops everything (zeros, as torch). inplace is accepted for PyTorch's signature,
    but the result is always a new Tensor (an in-place change would corrupt the graph).
    """
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: p is the probability of dropping, in [0, 1]; got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    keep = (generator(seed).random(input.shape) >= p).astype(input.dtype) / (1 - p)
    return input * keep
