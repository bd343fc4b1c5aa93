"""Fused tensor ops: one graph node each, the forward and its hand-written backward together.

    linear                              x @ W^T + b
    log_softmax                         x - logsumexp(x), stable
    cross_entropy                       -log softmax(logits)[target], stable
    binary_cross_entropy_with_logits    BCE on sigmoid(logits), stable
    batch_norm                          (x - mean) / std per channel, then scale and shift

Composing these from Tensor primitives would give the same numbers, but through several
nodes and, for the losses, through an exp that overflows at logits of +-1000. Here each
is ONE node whose `_local(g)` is the derivative written out (the math is in a comment
beside it), as conv2d and pooling are in `conv.py`. `microdl.nn.functional` (import as
F) is the PyTorch-named face over these functions; the index of every op's derivative
is in the `microdl.autodiff` docstring.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["linear", "log_softmax", "cross_entropy", "binary_cross_entropy_with_logits",
           "batch_norm"]


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


def cross_entropy(input, target, reduction="mean"):
    """-log softmax(logits)[target]: input (N, K) logits, target (N,) class indices.

    Stable (fine at logits of +-1000): the gradient is (softmax - onehot) / N.
    """
    logits = input
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be (N, classes), got shape {logits.shape}")
    _check_reduction("cross_entropy", reduction)
    n, k = logits.shape
    rows, t = np.arange(n), _class_indices("cross_entropy", target, n, k)
    z = logits.data - logits.data.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(z).sum(axis=1, keepdims=True))
    losses = log_sum[:, 0] - z[rows, t]                         # (N,)

    def softmax_minus_onehot():                                 # d loss_i / d logits_i
        d = np.exp(z - log_sum)
        d[rows, t] -= 1.0
        return d

    if reduction == "none":
        return Tensor._make(losses, (logits,), "cross_entropy",
                            lambda g: (softmax_minus_onehot() * g[:, None],))
    scale = 1.0 / max(n, 1) if reduction == "mean" else 1.0
    total = np.asarray(losses.sum() * scale, dtype=logits.dtype)
    return Tensor._make(total, (logits,), "cross_entropy",
                        lambda g: (softmax_minus_onehot() * (g * scale),))


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """BCE on sigmoid(z), stable: max(z, 0) - z*y + log(1 + e^-|z|); d/dz = sigmoid(z) - y."""
    z = input.data
    y = (target.data if isinstance(target, Tensor) else np.asarray(target)).astype(z.dtype)
    if z.shape != y.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: logits {z.shape} and target {y.shape} "
                         f"must have the same shape")
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    e = np.exp(-np.abs(z))                                      # never overflows
    losses = np.maximum(z, 0) - z * y + np.log1p(e)
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))              # sigmoid(z), stable
    each = Tensor._make(losses, (input,), "binary_cross_entropy_with_logits",
                        lambda g: (g * (s - y),))
    return _reduce("binary_cross_entropy_with_logits", each, reduction)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel of x (N, C, ...) to mean 0, variance 1, then scale and shift.

    training: use the batch's statistics and update running_mean / running_var (NumPy
    arrays, in place, with `momentum`; None: no running statistics); evaluation: use
    the running statistics. As torch.nn.functional.batch_norm.
    """
    x = input
    channels = None if running_mean is None else running_mean.shape[0]
    if x.ndim < 2 or (channels is not None and x.shape[1] != channels):
        raise ValueError(f"batch_norm: input {x.shape} should be (N, C, ...) with C = {channels} "
                         f"channels on axis 1")
    shape = (1, -1) + (1,) * (x.ndim - 2)                       # broadcast a (C,) vector
    if training:
        if x.size // x.shape[1] <= 1:  # one value per channel: its variance is 0, x_hat all 0
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {x.shape}; use a batch of 2 or more, or eval()")
        out = _normalise_by_batch(x, running_mean, running_var, momentum, eps)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: evaluation (training=False) needs running_mean and running_var; "
                         "pass training=True to normalise by the batch's own statistics")
    else:  # the running statistics are constants: ordinary Tensor ops carry the gradient
        scale = 1.0 / np.sqrt(running_var + eps)
        out = (x - running_mean.reshape(shape).astype(x.dtype)) * scale.reshape(shape).astype(x.dtype)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _normalise_by_batch(x, running_mean, running_var, momentum, eps):
    """x_hat = (x - mean) / sqrt(var + eps) over every axis but 1, as one node."""
    axes = (0,) + tuple(range(2, x.ndim))
    count = x.size // x.shape[1]
    mean = x.data.mean(axis=axes, keepdims=True)
    centered = x.data - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centered * inv_std
    if running_mean is not None:
        running_mean *= 1 - momentum
        running_mean += momentum * mean.reshape(-1)
    if running_var is not None:
        running_var *= 1 - momentum
        running_var += momentum * var.reshape(-1) * count / (count - 1)  # unbiased, as PyTorch

    def local(g):
        # d/dx of (x - mean)/std over the batch: (g - mean(g) - x_hat mean(g x_hat)) / std
        gm = g.mean(axis=axes, keepdims=True)
        gxm = (g * x_hat).mean(axis=axes, keepdims=True)
        return ((g - gm - x_hat * gxm) * inv_std,)
    return Tensor._make(x_hat.astype(x.dtype), (x,), "batch_norm", local)


# --- helpers shared with microdl.nn.functional -------------------------------------------

def _class_indices(op, target, n, classes):
    """target as an (n,) integer array of class indices, or a clear error."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.shape != (n,):
        raise ValueError(f"{op}: target must hold one class index per row, shape ({n},); got {t.shape}")
    if t.dtype.kind == "f" and not np.all(t == np.round(t)):
        raise ValueError(f"{op}: target must be class indices (integers), got non-integer values")
    t = t.astype(np.intp)
    if t.size and (t.min() < 0 or t.max() >= classes):
        raise ValueError(f"{op}: target values must be in 0..{classes - 1} for {classes} classes, "
                         f"got values from {t.min()} to {t.max()}")
    return t


def _check_reduction(op, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(op, losses, reduction):
    """Per-example losses -> their mean, their sum, or themselves ('none')."""
    _check_reduction(op, reduction)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses
