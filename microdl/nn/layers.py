"""Layers for the tensor engine, with PyTorch's constructor signatures.

    model = Sequential(
        Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2),   # (N, 1, 28, 28) -> (N, 8, 14, 14)
        Flatten(), Linear(8 * 14 * 14, 10))                 # -> (N, 10) logits

Weights start from `init` ("kaiming" by default, "xavier") drawn from `seed=`;
biases start at zero. Parameters are Tensors with requires_grad=True.
"""
import numpy as np

from ..rng import generator
from ..tensor import Tensor
from . import functional as F
from .init import initial_weight
from .module import Module

__all__ = ["Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "ReLU", "Tanh", "Sigmoid",
           "LeakyReLU", "Dropout", "BatchNorm2d", "Sequential"]


def _parameter(array, label):
    return Tensor(array, requires_grad=True, label=label)


class Linear(Module):
    """y = x @ weight.T + bias: (N, in_features) -> (N, out_features)."""

    def __init__(self, in_features, out_features, bias=True, *, init="kaiming", seed=None,
                 dtype=np.float32):
        self.in_features, self.out_features = in_features, out_features
        self.weight = _parameter(initial_weight((out_features, in_features), init, seed, dtype), "weight")
        self.bias = _parameter(np.zeros(out_features, dtype), "bias") if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}"


class Conv2d(Module):
    """2-D convolution: (N, in_channels, H, W) -> (N, out_channels, Ho, Wo)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, *,
                 init="kaiming", seed=None, dtype=np.float32):
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = (kh, kw), stride, padding
        self.weight = _parameter(initial_weight((out_channels, in_channels, kh, kw), init, seed, dtype),
                                 "weight")
        self.bias = _parameter(np.zeros(out_channels, dtype), "bias") if bias else None

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class MaxPool2d(Module):
    """Max over kernel_size windows (stride defaults to kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}"


class AvgPool2d(MaxPool2d):
    """Mean over kernel_size windows (stride defaults to kernel_size)."""

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class Flatten(Module):
    """(N, C, H, W) -> (N, C*H*W): keeps the batch axis."""

    def __init__(self, start_dim=1, end_dim=-1):
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01):
        self.negative_slope = negative_slope

    def forward(self, x):
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Dropout(Module):
    """Drops each element with probability p while training; identity in eval()."""

    def __init__(self, p=0.5, *, seed=None):
        if not 0 <= p < 1:
            raise ValueError(f"Dropout: p is the probability of dropping, in [0, 1); got {p}")
        self.p, self.rng = p, generator(seed)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, seed=self.rng)

    def extra_repr(self):
        return f"p={self.p}"


class BatchNorm2d(Module):
    """Per-channel normalisation of (N, C, H, W): batch statistics in train(), running ones in eval()."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, dtype=np.float32):
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = _parameter(np.ones(num_features, dtype), "weight")
        self.bias = _parameter(np.zeros(num_features, dtype), "bias")
        self.running_mean = np.zeros(num_features, dtype)   # plain arrays: state, not parameters
        self.running_var = np.ones(num_features, dtype)

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training, self.momentum, self.eps)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class Sequential(Module):
    """Layers applied one after the other; index, slice, iterate, len() like a list."""

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: item {i} is a {type(layer).__name__}, not a Module")
        self.layers = list(layers)

    _item_names = {"layers": "{i}"}

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index):
        return Sequential(*self.layers[index]) if isinstance(index, slice) else self.layers[index]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def append(self, layer):
        self.layers.append(layer)
        return self
