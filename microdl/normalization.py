"""Batch normalisation: each channel of x (N, C, ...) to mean 0 and variance 1, as one node.

    batch_norm     (x - mean) / std per channel, then scale and shift (torch's arguments)

In training the mean and variance are the batch's own, so they depend on x: the
derivative of the normalisation is written out by hand in `_normalise_by_batch` (the
math is in a comment beside it). In evaluation they are running statistics, constants,
and ordinary Tensor ops carry the gradient. `microdl.nn.BatchNorm1d` / `BatchNorm2d`
and `microdl.nn.functional.batch_norm` use this function.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["batch_norm"]


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
