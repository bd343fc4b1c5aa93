"""Functions on Tensors, named and shaped as in torch.nn.functional (import as F).

    import microdl.nn.functional as F
    loss = F.cross_entropy(logits, target)      # logits (N, K), target (N,) class indices

This is the PyTorch face of the tensor engine; no chain rule lives here. The fused ops
(one node, a hand-written backward, numerically stable) live on the engine floor and
are re-exported as they are:

    microdl/fused.py   linear, log_softmax, cross_entropy, binary_cross_entropy_with_logits,
                       batch_norm
    microdl/conv.py    conv2d, max_pool2d, avg_pool2d

The rest (relu, softmax, nll_loss, mse_loss, binary_cross_entropy, dropout) are
compositions of Tensor ops, whose derivatives are in `microdl/tensor.py`. The index
"op -> file:function" of every derivative is in the `microdl.autodiff` docstring.
`microdl.nn.losses` serves both engines and calls these functions for Tensors.
"""
import numpy as np

from ..conv import avg_pool2d, conv2d, max_pool2d
from ..fused import (_class_indices, _reduce, batch_norm, binary_cross_entropy_with_logits,
                     cross_entropy, linear, log_softmax)
from ..rng import generator
from ..tensor import Tensor

__all__ = ["relu", "tanh", "sigmoid", "leaky_relu", "linear", "softmax", "log_softmax",
           "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "dropout", "batch_norm",
           "conv2d", "max_pool2d", "avg_pool2d"]


def relu(input):
    return input.relu()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def leaky_relu(input, negative_slope=0.01):
    return input.leaky_relu(negative_slope)


def softmax(input, dim=-1):
    """exp(log_softmax(x)): probabilities along `dim` that sum to 1."""
    return log_softmax(input, dim).exp()


def nll_loss(input, target, reduction="mean"):
    """-input[target] for log-probabilities input (N, K): after log_softmax, cross-entropy."""
    n, k = input.shape
    t = _class_indices("nll_loss", target, n, k)
    return _reduce("nll_loss", -input[np.arange(n), t], reduction)


def mse_loss(input, target, reduction="mean"):
    """Mean squared error of the predictions `input`: mean((input - target)^2)."""
    target = target if isinstance(target, Tensor) else Tensor(np.asarray(target, dtype=input.dtype))
    if input.shape != target.shape:
        raise ValueError(f"mse_loss: prediction {input.shape} and target {target.shape} must have "
                         f"the same shape (reshape one of them; broadcasting here is usually a bug)")
    return _reduce("mse_loss", (input - target) ** 2, reduction)


def binary_cross_entropy(input, target, reduction="mean"):
    """-[y log p + (1-y) log(1-p)] for probabilities p = input in [0, 1].

    p is clipped to [eps, 1-eps] (eps = the float's resolution) so log never sees 0;
    prefer binary_cross_entropy_with_logits, which is exact and stable.
    """
    y = target.data if isinstance(target, Tensor) else np.asarray(target, dtype=input.dtype)
    if input.shape != y.shape:
        raise ValueError(f"binary_cross_entropy: probability {input.shape} and target {y.shape} "
                         f"must have the same shape")
    eps = float(np.finfo(input.dtype).eps)
    p = input.clip(eps, 1 - eps)
    return _reduce("binary_cross_entropy", -(p.log() * y + (1 - p).log() * (1 - y)), reduction)


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
