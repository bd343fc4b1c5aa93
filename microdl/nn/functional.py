"""Functions on Tensors, named and shaped as in torch.nn.functional (import as F).

    import microdl.nn.functional as F
    loss = F.cross_entropy(logits, target)      # logits (N, K), target (N,) class indices

Fused ops (one node, a hand-written backward, numerically stable): log_softmax,
cross_entropy, binary_cross_entropy_with_logits, batch_norm, conv2d, pooling.
The rest are compositions of Tensor ops.
"""
import numpy as np

from ..conv import avg_pool2d, conv2d, max_pool2d
from ..rng import generator
from ..tensor import Tensor

__all__ = ["relu", "tanh", "sigmoid", "leaky_relu", "linear", "softmax", "log_softmax",
           "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "dropout", "batch_norm",
           "conv2d", "max_pool2d", "avg_pool2d"]


def relu(x):
    return x.relu()


def tanh(x):
    return x.tanh()


def sigmoid(x):
    return x.sigmoid()


def leaky_relu(x, negative_slope=0.01):
    return x.leaky_relu(negative_slope)


def linear(x, weight, bias=None):
    """x (..., in) @ weight.T + bias -> (..., out), weight (out, in) as in PyTorch. Fused:
    dx = g @ weight, dweight = g^T x, dbias = sum of g over the batch."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input {x.shape} has {x.shape[-1]} features, "
                         f"weight {weight.shape} expects {weight.shape[1]}")
    a, w = x.data, weight.data
    out = a @ w.T
    if bias is not None:
        out += bias.data
    needs_dx = x.requires_grad

    def local(g):                                               # g: (..., out)
        g2, a2 = g.reshape(-1, g.shape[-1]), a.reshape(-1, a.shape[-1])
        dx = g @ w if needs_dx else None
        return dx, g2.T @ a2, g2.sum(axis=0)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(out, inputs, "linear", local if bias is not None else lambda g: local(g)[:2])


def log_softmax(x, axis=-1):
    """log(softmax(x)) = x - logsumexp(x), stable for any x (the max is subtracted first)."""
    z = x.data - x.data.max(axis=axis, keepdims=True)
    out = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    p = np.exp(out)
    # d/dx_j log softmax_i = delta_ij - softmax_j
    return Tensor._make(out, (x,), "log_softmax",
                        lambda g: (g - p * g.sum(axis=axis, keepdims=True),))


def softmax(x, axis=-1):
    """exp(log_softmax(x)): probabilities along `axis` that sum to 1."""
    return log_softmax(x, axis).exp()


def _class_indices(op, target, n, classes):
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


def _reduce(op, losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def cross_entropy(logits, target, reduction="mean"):
    """-log softmax(logits)[target], averaged: logits (N, K), target (N,) class indices.

    Fused and stable (fine at logits of +-1000): the gradient is (softmax - onehot) / N.
    """
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be (N, classes), got shape {logits.shape}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"cross_entropy: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
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


def nll_loss(log_probs, target, reduction="mean"):
    """-log_probs[target]: pair with log_softmax to get cross-entropy."""
    n, k = log_probs.shape
    t = _class_indices("nll_loss", target, n, k)
    return _reduce("nll_loss", -log_probs[np.arange(n), t], reduction)


def mse_loss(prediction, target, reduction="mean"):
    """Mean squared error: mean((prediction - target)^2)."""
    target = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=prediction.dtype))
    if prediction.shape != target.shape:
        raise ValueError(f"mse_loss: prediction {prediction.shape} and target {target.shape} must have "
                         f"the same shape (reshape one of them; broadcasting here is usually a bug)")
    return _reduce("mse_loss", (prediction - target) ** 2, reduction)


def binary_cross_entropy(probability, target, reduction="mean"):
    """-[y log p + (1-y) log(1-p)] for probabilities p in [0, 1].

    p is clipped to [eps, 1-eps] (eps = the float's resolution) so log never sees 0;
    prefer binary_cross_entropy_with_logits, which is exact and stable.
    """
    y = target.data if isinstance(target, Tensor) else np.asarray(target, dtype=probability.dtype)
    if probability.shape != y.shape:
        raise ValueError(f"binary_cross_entropy: probability {probability.shape} and target {y.shape} "
                         f"must have the same shape")
    eps = float(np.finfo(probability.dtype).eps)
    p = probability.clip(eps, 1 - eps)
    return _reduce("binary_cross_entropy", -(p.log() * y + (1 - p).log() * (1 - y)), reduction)


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    """BCE on sigmoid(logits), fused and stable: max(z,0) - z*y + log(1 + e^-|z|)."""
    z = logits.data
    y = (target.data if isinstance(target, Tensor) else np.asarray(target)).astype(z.dtype)
    if z.shape != y.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: logits {z.shape} and target {y.shape} "
                         f"must have the same shape")
    losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))               # sigmoid(z), stable
    each = Tensor._make(losses, (logits,), "bce_with_logits", lambda g: (g * (s - y),))  # d/dz = s - y
    return _reduce("binary_cross_entropy_with_logits", each, reduction)


def dropout(x, p=0.5, training=True, seed=None):
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout)."""
    if not 0 <= p < 1:
        raise ValueError(f"dropout: p is the probability of dropping, in [0, 1); got {p}")
    if not training or p == 0:
        return x
    keep = (generator(seed).random(x.shape) >= p).astype(x.dtype) / (1 - p)
    return x * keep


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=True,
               momentum=0.1, eps=1e-5):
    """Normalise each channel of x (N, C, ...) to mean 0, variance 1, then scale and shift.

    training: use the batch's statistics and update running_mean / running_var (NumPy
    arrays, in place, with `momentum`); evaluation: use the running statistics.
    """
    if x.ndim < 2 or x.shape[1] != running_mean.shape[0]:
        raise ValueError(f"batch_norm: input {x.shape} should have {running_mean.shape[0]} channels on axis 1")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if not training:
        scale = 1.0 / np.sqrt(running_var + eps)
        out = (x - running_mean.reshape(shape).astype(x.dtype)) * scale.reshape(shape).astype(x.dtype)
    else:
        count = x.size // x.shape[1]
        mean = x.data.mean(axis=axes, keepdims=True)
        centered = x.data - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = centered * inv_std
        running_mean *= 1 - momentum
        running_mean += momentum * mean.reshape(-1)
        running_var *= 1 - momentum
        running_var += momentum * var.reshape(-1) * count / max(count - 1, 1)  # unbiased, as PyTorch

        def local(g):
            # d/dx of (x - mean)/std over the batch: (g - mean(g) - x_hat mean(g x_hat)) / std
            gm = g.mean(axis=axes, keepdims=True)
            gxm = (g * x_hat).mean(axis=axes, keepdims=True)
            return ((g - gm - x_hat * gxm) * inv_std,)
        out = Tensor._make(x_hat.astype(x.dtype), (x,), "batch_norm", local)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out
