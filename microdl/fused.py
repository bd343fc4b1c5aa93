"""Fused tensor ops: one graph node each, the forward and its hand-written backward together.

    linear                              x @ W^T + b
    log_softmax                         x - logsumexp(x), stable
    cross_entropy                       -log softmax(logits)[target], stable, every torch option
    binary_cross_entropy                BCE on probabilities, logs clamped at -100 as torch
    binary_cross_entropy_with_logits    BCE on sigmoid(logits), stable, weight and pos_weight

Composing these from Tensor primitives would give the same numbers, but through several
nodes and, for the losses, through an exp that overflows at logits of +-1000. Here each
is ONE node whose `_local(g)` is the derivative written out (the math is in a comment
beside it), as conv2d is in `conv.py`, pooling in `pooling.py` and batch_norm in
`normalization.py` (re-exported here: `microdl.fused.batch_norm`). `microdl.nn.functional`
(import as F) is the PyTorch-named face over these functions; the index of every op's
derivative is in the `microdl.autodiff` docstring.
"""
import numpy as np

from .normalization import batch_norm
from .tensor import Tensor

__all__ = ["linear", "log_softmax", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "batch_norm", "class_weights", "class_targets"]


def linear(input, weight, bias=None):
    """input (..., in) @ weight.T + bias -> (..., out), weight (out, in) as in PyTorch."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input {x.shape} has {x.shape[-1]} features, "
                         f"weight {weight.shape} expects {weight.shape[1]}")
    a, w = x.data, weight.data
    out = a @ w.T
    if bias is not None:
        out += bias.data
    needs_dx = x.requires_grad

    def local(g):                                               # g: (..., out)
        # dx = g W, dW = g^T x (summed over every leading axis), db = sum of g over them
        g2, a2 = g.reshape(-1, g.shape[-1]), a.reshape(-1, a.shape[-1])
        dx = g @ w if needs_dx else None
        return dx, g2.T @ a2, g2.sum(axis=0)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(out, inputs, "linear", local if bias is not None else lambda g: local(g)[:2])


def log_softmax(input, dim=-1):
    """log(softmax(x)) = x - logsumexp(x), stable for any x (the max is subtracted first)."""
    x = input
    z = x.data - x.data.max(axis=dim, keepdims=True)
    out = z - np.log(np.exp(z).sum(axis=dim, keepdims=True))
    p = np.exp(out)
    # d/dx_j log softmax_i = delta_ij - softmax_j, so dx = g - softmax * sum(g)
    return Tensor._make(out, (x,), "log_softmax",
                        lambda g: (g - p * g.sum(axis=dim, keepdims=True),))


def cross_entropy(input, target, *, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """-sum_c q_c log softmax(logits)_c per sample, stable, as torch.nn.functional.cross_entropy.

    input: logits (N, C), (N, C, d1, ...) or (C,). target: class indices shaped like input
    without the class axis, or probabilities shaped like input. Every option (weight,
    ignore_index, label_smoothing) only changes q, the weights given to each log-probability
    (see `class_weights`), so one derivative serves all: d loss/d logits = sum(q) softmax - q.
    """
    _check_reduction("cross_entropy", reduction)
    logits = _classes_last(input.data)                          # (M, C)
    q, divisor = class_weights("cross_entropy", target, input.shape, weight, ignore_index,
                               label_smoothing)
    q = q.astype(logits.dtype, copy=False)
    z = logits - logits.max(axis=1, keepdims=True) if logits.size else logits
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))   # log softmax, never overflows
    losses = -(q * log_p).sum(axis=1)                           # (M,)
    scale = _reduction_scale(reduction, divisor)

    def local(g):                                               # g: a number, or (N, d1, ...)
        g_rows = (np.reshape(g, -1)[:, None] * scale).astype(logits.dtype, copy=False)  # (M, 1): no float64 creeping in
        d = g_rows * (q.sum(axis=1, keepdims=True) * np.exp(log_p) - q)
        return (_classes_back(d, input.shape),)
    if reduction == "none":
        out = losses.reshape(_sample_shape(input.shape))
    else:
        with np.errstate(invalid="ignore"):                     # 0 * (1/0): every target ignored
            out = np.asarray(losses.sum() * scale, dtype=logits.dtype)
    return Tensor._make(out.astype(logits.dtype, copy=False), (input,), "cross_entropy", local)


BCE_EPSILON = float(np.float32(1e-12))  # torch's floor: the float32 nearest 1e-12, read as double


def binary_cross_entropy(input, target, *, weight=None, reduction="mean"):
    """-w [y log p + (1 - y) log(1 - p)] for probabilities p, each log clamped at -100 as torch.

    d/dp = w (p - y) / (p (1 - p)), its denominator kept >= 1e-12 (torch's rule), so a
    p of exactly 0 or 1 gives a large finite gradient, never nan.
    """
    p, y, w = input.data, _same_shape("binary_cross_entropy", input, target), _weights(weight, input)
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got values "
                         f"from {p.min():.4g} to {p.max():.4g}; for raw scores (logits) use "
                         f"binary_cross_entropy_with_logits")
    with np.errstate(divide="ignore"):
        log_p, log_not_p = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    losses = -w * (y * log_p + (1 - y) * log_not_p)
    each = Tensor._make(losses.astype(p.dtype, copy=False), (input,), "binary_cross_entropy",
                        lambda g: (g * w * (p - y) / np.maximum(p * (1 - p), BCE_EPSILON),))
    return _reduce("binary_cross_entropy", each, reduction)


def binary_cross_entropy_with_logits(input, target, *, weight=None, reduction="mean",
                                     pos_weight=None):
    """BCE on sigmoid(z), stable: w [pos_weight y softplus(-z) + (1 - y) softplus(z)].

    softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|) never overflows, and
    d/dz = w [(1 - y) sigmoid(z) - pos_weight y (1 - sigmoid(z))] (= sigmoid(z) - y plain).
    pos_weight (C,) weighs the positives of each class along the last axis.
    """
    z, y, w = input.data, _same_shape("binary_cross_entropy_with_logits", input, target), \
        _weights(weight, input)
    pw = _weights(pos_weight, input)
    e = np.exp(-np.abs(z))                                      # never overflows
    softplus = np.maximum(z, 0) + np.log1p(e)                   # softplus(z); softplus(-z) = it - z
    losses = w * (pw * y * (softplus - z) + (1 - y) * softplus)
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))              # sigmoid(z), stable
    each = Tensor._make(losses.astype(z.dtype, copy=False), (input,),
                        "binary_cross_entropy_with_logits",
                        lambda g: (g * w * ((1 - y) * s - pw * y * (1 - s)),))
    return _reduce("binary_cross_entropy_with_logits", each, reduction)


# --- helpers shared with microdl.nn.functional and microdl.nn.losses ----------------------

def class_weights(op, target, input_shape, weight=None, ignore_index=-100, label_smoothing=0.0):
    """The weight q[m, c] of each log-probability in a cross-entropy, and the 'mean' divisor.

    Samples m run over every position but the class axis (M = N * d1 * ...). With class
    indices t, as torch: q = (1 - eps) w[t] onehot(t) + eps w / C (eps = label_smoothing),
    rows with t == ignore_index all 0, and 'mean' divides by the sum of w[t] over the rest.
    With probabilities p (shaped like the input): q = w ((1 - eps) p + eps / C), and 'mean'
    divides by M. Both engines use it, so they compute the same numbers.
    """
    classes = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    w = np.ones(classes) if weight is None else _class_weight_vector(op, weight, classes)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.shape == tuple(input_shape) and t.dtype.kind == "f":   # probabilities
        if ignore_index >= 0:
            raise ValueError(f"{op}: ignore_index={ignore_index} is not supported with probability "
                             f"targets (targets shaped like the input {tuple(input_shape)}), as in PyTorch")
        p = _classes_last(t.astype(float))
        q = w * ((1 - label_smoothing) * p + label_smoothing / classes)
        return q, len(q)
    t, w_t, valid = class_targets(op, t, input_shape, weight, ignore_index)
    q = np.zeros((len(t), classes))
    q[np.arange(len(t)), t] = (1 - label_smoothing) * w_t
    q += (label_smoothing / classes) * w * valid[:, None]     # smoothing skips ignored rows too
    return q, w_t.sum()


def class_targets(op, target, input_shape, weight=None, ignore_index=-100):
    """Class indices as (M,) positions (ignored ones read as 0), their weights w[t] (0 where
    t == ignore_index: what nll_loss picks and 'mean' divides by), and the not-ignored mask."""
    classes = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    w = np.ones(classes) if weight is None else _class_weight_vector(op, weight, classes)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    t = _class_indices(op, t, input_shape, classes, ignore_index)
    valid = t != ignore_index
    t = np.where(valid, t, 0)
    return t, w[t] * valid, valid


def _class_indices(op, t, input_shape, classes, ignore_index=-100):
    """target as an (M,) integer array of class indices (or ignore_index), or a clear error."""
    expected = _sample_shape(input_shape)
    if t.shape != expected:
        raise ValueError(
            f"{op}: for input {tuple(input_shape)} the target must be class indices of shape "
            f"{expected} (one per sample; the class axis is axis {1 if len(input_shape) > 1 else 0}) "
            f"or probabilities of shape {tuple(input_shape)}; got {t.shape}")
    if t.dtype.kind == "f" and not np.all(t == np.round(t)):
        raise ValueError(f"{op}: target must be class indices (integers), got non-integer values")
    t = t.astype(np.intp).reshape(-1)
    wrong = (t != ignore_index) & ((t < 0) | (t >= classes))
    if wrong.any():
        raise ValueError(f"{op}: target values must be in 0..{classes - 1} for {classes} classes "
                         f"(or ignore_index={ignore_index}), got {t[wrong][:5].tolist()}")
    return t


def _class_weight_vector(op, weight, classes):
    if isinstance(weight, str):
        raise TypeError(f"{op}: the 3rd argument is weight (one number per class), as in PyTorch; "
                        f"got {weight!r}. Pass the reduction by name: reduction={weight!r}")
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=float)
    if w.shape != (classes,):
        raise ValueError(f"{op}: weight must hold one number per class, shape ({classes},); got {w.shape}")
    return w


def _sample_shape(input_shape):
    """(N, C, d1, ...) -> (N, d1, ...); (C,) -> () (one unbatched sample)."""
    return tuple(input_shape[:1]) + tuple(input_shape[2:]) if len(input_shape) > 1 else ()


def _classes_last(x):
    """(N, C, d1, ...) -> (N * d1 * ..., C); (C,) -> (1, C): one row per sample."""
    if x.ndim == 1:
        return x[None, :]
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _classes_back(rows, input_shape):
    """The inverse of _classes_last: (M, C) rows back to the input's shape."""
    if len(input_shape) == 1:
        return rows[0]
    moved = tuple(input_shape[:1]) + tuple(input_shape[2:]) + (input_shape[1],)
    return np.moveaxis(rows.reshape(moved), -1, 1)


def _reduction_scale(reduction, divisor):
    """What the summed losses are multiplied by: 1/divisor for 'mean' (nan for 0/0, as torch)."""
    if reduction != "mean":
        return 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(1.0) / divisor


def _same_shape(op, input, target):
    """The target as an array of the input's dtype, shaped like it (torch insists too)."""
    y = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=input.dtype)
    if y.shape != input.shape:
        raise ValueError(f"{op}: input {input.shape} and target {y.shape} must have the same shape")
    return y


def _weights(weight, like):
    """An optional weight as an array that broadcasts against `like` (1 when absent)."""
    if weight is None:
        return np.ones((), like.dtype)
    return np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=like.dtype)


def _check_reduction(op, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(op, losses, reduction):
    """Per-example losses -> their mean, their sum, or themselves ('none')."""
    _check_reduction(op, reduction)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses
