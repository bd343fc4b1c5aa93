"""Layers for the tensor engine, with PyTorch's constructor signatures.

    model = Sequential(
        Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2),   # (N, 1, 28, 28) -> (N, 8, 14, 14)
        Flatten(), Linear(8 * 14 * 14, 10))                 # -> (N, 10) logits

Positional order, names and defaults are torch.nn's; microdl's own options (`init=`,
`seed=`) and `device=` / `dtype=` are keyword-only, at the end. Linear and Conv2d
start as PyTorch's do (init="default": weights and biases U(-1/sqrt(fan_in),
1/sqrt(fan_in))), drawn from `seed=`; init="kaiming" or "xavier" draws the weights
that way and starts the biases at zero. Parameters are Tensors with requires_grad=True;
BatchNorm's running statistics are plain NumPy arrays (buffers). The activations are
layers too, in activation_layers.py.
"""
import math

import numpy as np

from ..sliding_windows import PADDING_MODES, _pair
from ..rng import generator
from ..tensor import Tensor
from . import functional as F
from .init import fans, initial_weight
from .module import Module

__all__ = ["Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout", "BatchNorm1d", "BatchNorm2d",
           "Sequential"]


def _parameter(array, label):
    return Tensor(array, requires_grad=True, label=label)


def _float_dtype(layer, device, dtype):
    """numpy dtype for a layer's parameters (float32 unless asked), on the only device there is."""
    if device not in (None, "cpu"):
        raise ValueError(f"{layer}: microdl computes on the CPU with NumPy; device={device!r} "
                         f"is not supported (leave it out or pass 'cpu')")
    dtype = np.dtype(np.float32 if dtype is None else dtype)
    if dtype.kind != "f":
        raise ValueError(f"{layer}: dtype must be a float type such as np.float32, got {dtype}")
    return dtype


def _weight_and_bias(shape, bias, init, seed, dtype):
    """(weight, bias or None) as PyTorch starts them, or with a named `init` and zero bias."""
    rng = generator(seed)
    weight = _parameter(initial_weight(shape, init, rng, dtype), "weight")
    if not bias:
        return weight, None
    if init == "default":  # torch: bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        bound = 1.0 / math.sqrt(fans(shape)[0]) if fans(shape)[0] > 0 else 0.0
        return weight, _parameter(rng.uniform(-bound, bound, shape[0]).astype(dtype), "bias")
    return weight, _parameter(np.zeros(shape[0], dtype), "bias")


class Linear(Module):
    """y = x @ weight.T + bias: (N, in_features) -> (N, out_features)."""

    def __init__(self, in_features, out_features, bias=True, *, init="default", seed=None,
                 device=None, dtype=None):
        dtype = _float_dtype("Linear", device, dtype)
        self.in_features, self.out_features = in_features, out_features
        self.weight, self.bias = _weight_and_bias((out_features, in_features), bias, init, seed, dtype)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Conv2d(Module):
    """2-D convolution: (N, in_channels, H, W) -> (N, out_channels, Ho, Wo), as torch.nn.Conv2d."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", *, init="default", seed=None,
                 device=None, dtype=None):
        dtype = _float_dtype("Conv2d", device, dtype)
        if not isinstance(groups, int) or groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"Conv2d: groups={groups!r} must be a positive int dividing both "
                             f"in_channels={in_channels} and out_channels={out_channels}")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"Conv2d: padding_mode must be one of {', '.join(PADDING_MODES)}, "
                             f"got {padding_mode!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size, "Conv2d kernel_size")
        self.stride = _pair(stride, "Conv2d stride")
        self.padding = padding if isinstance(padding, str) else _pair(padding, "Conv2d padding")
        if padding == "same" and self.stride != (1, 1):
            raise ValueError(f"Conv2d: padding='same' needs stride=1 (as in PyTorch), got stride {stride}")
        self.dilation, self.groups = _pair(dilation, "Conv2d dilation"), groups
        self.padding_mode = padding_mode
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight, self.bias = _weight_and_bias(shape, bias, init, seed, dtype)

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups, padding_mode=self.padding_mode)

    def extra_repr(self):  # as torch: the options that differ from their defaults
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class MaxPool2d(Module):
    """Max over kernel_size windows (stride defaults to kernel_size), as torch.nn.MaxPool2d."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean over kernel_size windows (stride defaults to kernel_size), as torch.nn.AvgPool2d."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class Flatten(Module):
    """(N, C, H, W) -> (N, C*H*W): keeps the batch axis."""

    def __init__(self, start_dim=1, end_dim=-1):
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)


class Dropout(Module):
    """Drops each element with probability p while training; identity in eval().

    p=1 drops everything. inplace is accepted for PyTorch's signature; the result is
    always a new Tensor.
    """

    def __init__(self, p=0.5, inplace=False, *, seed=None):
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: p is the probability of dropping, in [0, 1]; got {p}")
        self.p, self.inplace, self.rng = p, inplace, generator(seed)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.inplace, seed=self.rng)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class _BatchNorm(Module):
    """Per-channel normalisation: batch statistics in train(), running ones in eval().

    momentum=None keeps a cumulative average of the batches' statistics instead of an
    exponential one. track_running_stats=False keeps none and always uses the batch's.
    Buffers, as torch's: running_mean, running_var, num_batches_tracked.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 *, bias=True, device=None, dtype=None):
        dtype = _float_dtype(type(self).__name__, device, dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = _parameter(np.ones(num_features, dtype), "weight") if affine else None
        self.bias = _parameter(np.zeros(num_features, dtype), "bias") if affine and bias else None
        self.running_mean = np.zeros(num_features, dtype) if track_running_stats else None
        self.running_var = np.ones(num_features, dtype) if track_running_stats else None
        self.num_batches_tracked = np.array(0, np.int64) if track_running_stats else None

    def forward(self, x):
        self._check_input_dim(x)
        updating = self.training and self.track_running_stats
        factor = self.momentum or 0.0
        if updating and x.size // max(x.shape[1], 1) > 1:   # F.batch_norm refuses a single value
            self.num_batches_tracked += 1
            if self.momentum is None:                         # cumulative average of every batch
                factor = 1.0 / float(self.num_batches_tracked)
        by_batch = self.training or self.running_mean is None
        keep = not self.training or self.track_running_stats
        return F.batch_norm(x, self.running_mean if keep else None, self.running_var if keep else None,
                            self.weight, self.bias, by_batch, factor, self.eps)

    def _check_input_dim(self, x):
        if x.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {' or '.join(map(str, self._dims))}-D "
                             f"input, got shape {x.shape}")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) features or (N, C, L) sequences, per channel C."""
    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) images, per channel C."""
    _dims = (4,)


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
