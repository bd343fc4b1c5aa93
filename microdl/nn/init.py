"""Weight initialisation: arrays of a given shape, drawn from `seed=`.

fan_in is the number of inputs of one output unit (in_features for Linear,
in_channels * KH * KW for Conv2d); fan_out the same the other way round.

* default (PyTorch's, for Linear and Conv2d): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), which
  is torch's kaiming_uniform_ with a=sqrt(5); layers draw their biases the same way.
* kaiming (He): variance 2 / fan_in, keeps the signal's size through ReLU layers.
* xavier (Glorot): variance 2 / (fan_in + fan_out), for tanh / sigmoid layers.
"""
import math

import numpy as np

from ..rng import generator

__all__ = ["initial_weight", "default_uniform", "kaiming_uniform", "kaiming_normal", "xavier_uniform",
           "xavier_normal", "fans", "INITIALIZERS"]


def fans(shape):
    """(fan_in, fan_out) of a Linear (out, in) or Conv2d (out, in, KH, KW) weight shape."""
    if len(shape) < 2:
        raise ValueError(f"fans: a weight needs at least 2 dimensions (out, in), got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def default_uniform(shape, seed=None, dtype=np.float32):
    """U(-b, b) with b = 1 / sqrt(fan_in): PyTorch's default for Linear and Conv2d weights.

    torch calls kaiming_uniform_(w, a=sqrt(5)): gain = sqrt(2 / (1 + a^2)) = sqrt(1/3) and
    bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in). Variance 1 / (3 fan_in).
    """
    fan_in = fans(shape)[0]
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return generator(seed).uniform(-bound, bound, shape).astype(dtype)


def kaiming_uniform(shape, seed=None, dtype=np.float32):
    """U(-b, b) with b = sqrt(6 / fan_in): variance 2 / fan_in."""
    bound = math.sqrt(6.0 / fans(shape)[0])
    return generator(seed).uniform(-bound, bound, shape).astype(dtype)


def kaiming_normal(shape, seed=None, dtype=np.float32):
    """N(0, 2 / fan_in)."""
    return (generator(seed).standard_normal(shape) * math.sqrt(2.0 / fans(shape)[0])).astype(dtype)


def xavier_uniform(shape, seed=None, dtype=np.float32):
    """U(-b, b) with b = sqrt(6 / (fan_in + fan_out)): variance 2 / (fan_in + fan_out)."""
    fan_in, fan_out = fans(shape)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return generator(seed).uniform(-bound, bound, shape).astype(dtype)


def xavier_normal(shape, seed=None, dtype=np.float32):
    """N(0, 2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    return (generator(seed).standard_normal(shape) * math.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


INITIALIZERS = {"default": default_uniform, "kaiming": kaiming_uniform,
                "kaiming_normal": kaiming_normal, "xavier": xavier_uniform,
                "xavier_normal": xavier_normal}


def initial_weight(shape, init="default", seed=None, dtype=np.float32):
    """A weight array of `shape` drawn by the initializer named `init` (see INITIALIZERS)."""
    if init not in INITIALIZERS:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[init](shape, seed=seed, dtype=dtype)
