"""Weight initialisation: arrays of a given shape, drawn from `seed=`.

fan_in is the number of inputs of one output unit (in_features for Linear,
in_channels * KH * KW for Conv2d); fan_out the same the other way round.

* kaiming (He): variance 2 / fan_in, keeps the signal's size through ReLU layers.
* xavier (Glorot): variance 2 / (fan_in + fan_out), for tanh / sigmoid layers.
"""
import math

import numpy as np

from ..rng import generator

__all__ = ["initial_weight", "kaiming_uniform", "kaiming_normal", "xavier_uniform",
           "xavier_normal", "fans", "INITIALIZERS"]


def fans(shape):
    """(fan_in, fan_out) of a Linear (out, in) or Conv2d (out, in, KH, KW) weight shape."""
    if len(shape) < 2:
        raise ValueError(f"fans: a weight needs at least 2 dimensions (out, in), got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


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


INITIALIZERS = {"kaiming": kaiming_uniform, "kaiming_normal": kaiming_normal,
                "xavier": xavier_uniform, "xavier_normal": xavier_normal}


def initial_weight(shape, init="kaiming", seed=None, dtype=np.float32):
    if init not in INITIALIZERS:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[init](shape, seed=seed, dtype=dtype)
