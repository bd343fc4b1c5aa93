"""Max and average pooling on NCHW tensors: one graph node each, the backward beside it.

max_pool2d and avg_pool2d share one function, `_pool`: both read the same strided
windows of a batch-last buffer (see `sliding_windows.py`), one per kernel offset, and
send the gradient back through the same windows.

Max pooling ties: when several inputs of a window share the maximum, the FIRST one in
scan order (top row first, then left to right) gets the whole gradient.
"""
import numpy as np

from .sliding_windows import (_batch_last_padded, _check_nchw, _output_length, _pair, _positive_pair,
                              _unpad_to_nchw, _windows)
from . import workspace
from .tensor import Tensor

__all__ = ["max_pool2d", "avg_pool2d"]


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over each window, as torch.nn.functional.max_pool2d. (N, C, H, W) -> (N, C, Ho, Wo).

    Padding counts as -inf. Ties: the first maximum in scan order gets the gradient.
    return_indices=True also returns, as torch, each maximum's flat index h*W + w in
    its input plane (an int64 Tensor, (N, C, Ho, Wo)).
    """
    out, first_max, geometry = _pool("max_pool2d", input, kernel_size, stride, padding,
                                     dilation, ceil_mode)
    return (out, _flat_indices(first_max, input.shape, *geometry)) if return_indices else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each window, as torch.nn.functional.avg_pool2d. (N, C, H, W) -> (N, C, Ho, Wo).

    The divisor is the window's area, padding included (count_include_pad=True) or not,
    never counting the cells ceil_mode adds past the padding; or divisor_override.
    """
    if divisor_override is not None and (not isinstance(divisor_override, (int, np.integer))
                                         or divisor_override == 0):
        raise ValueError(f"avg_pool2d: divisor_override must be a nonzero int, got {divisor_override!r}")
    averaging = (count_include_pad, divisor_override)
    return _pool("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode, averaging)[0]


def _pool_geometry(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    """kernel, stride, padding, dilation, (Ho, Wo) as pairs, with PyTorch's checks."""
    kernel = _positive_pair(kernel_size, f"{op} kernel_size")
    stride = kernel if stride is None or stride == () else _positive_pair(stride, f"{op} stride")
    padding, dilation = _pair(padding, f"{op} padding"), _positive_pair(dilation, f"{op} dilation")
    if min(padding) < 0 or padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
        raise ValueError(f"{op}: padding {padding} must be >= 0 and at most half the kernel {kernel}")
    out_size = tuple(_output_length(op, x.shape[2 + a], kernel[a], stride[a], (padding[a],) * 2,
                                    dilation[a], ceil_mode) for a in (0, 1))
    return kernel, stride, padding, dilation, out_size


def _pool(op, x, kernel_size, stride, padding, dilation, ceil_mode, averaging=None):
    """Max or average pooling as one node: (output, which window offset held each max, geometry)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    _check_nchw(op, x)
    geometry = _pool_geometry(op, x, kernel_size, stride, padding, dilation, ceil_mode)
    kernel, stride, padding, dilation, out_size = geometry
    # ceil_mode: the last windows may reach past the padding; pad those cells too
    extra = tuple(max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p)) for o, s, d, k, size, p
                  in zip(out_size, stride, dilation, kernel, x.shape[2:], padding))
    is_max = op == "max_pool2d"
    pads = ((padding[0],) * 2, (padding[1],) * 2)
    buf = _batch_last_padded(x.data, pads, fill=-np.inf if is_max else 0.0, extra=extra)
    windows = [window for _, _, window in _windows(buf, kernel, stride, out_size, dilation)]
    if is_max:
        out, first_max = _window_max(windows)
    else:
        divisor = _avg_divisor(x.shape, geometry, *averaging)[None, :, :, None]
        out, first_max = windows[0].copy(), None
        for window in windows[1:]:
            out += window
        out /= divisor
    # offsets write disjoint cells unless windows overlap (or dilation interleaves them)
    overlapping = dilation != (1, 1) or stride[0] < kernel[0] or stride[1] < kernel[1]

    def local(g):                                                 # g: (N, C, Ho, Wo)
        g = g.transpose(1, 2, 3, 0)                               # (C, Ho, Wo, N), like out
        dbuf = workspace.zeros(buf.shape, buf.dtype)
        share = None if is_max else g / divisor                   # d mean / d x = 1 / divisor
        for k, (_, _, dwindow) in enumerate(_windows(dbuf, kernel, stride, out_size, dilation)):
            if is_max and not overlapping:                        # only the max gets the gradient
                np.multiply(g, first_max == k, out=dwindow)
                continue
            if is_max:
                share = g * (first_max == k)
            if overlapping:
                dwindow += share
            else:
                dwindow[...] = share
        return (_unpad_to_nchw(dbuf, x.shape, pads),)

    node = Tensor._make(out.transpose(3, 0, 1, 2), (x,), "max_pool2d" if is_max else "avg_pool2d", local)
    return node, first_max, geometry


def _window_max(windows):
    """Elementwise max over the window views, and the index of the first view holding it."""
    out = workspace.empty_like(windows[0])                        # (C, Ho, Wo, N)
    np.copyto(out, windows[0])
    index_type = np.min_scalar_type(len(windows) - 1).type        # uint8 up to 256 cells, then wider
    first_max = np.zeros(out.shape, dtype=index_type)
    for k, window in enumerate(windows[1:], 1):
        # where window > out (strictly: ties keep the first), first_max = k; since k only
        # grows, that is max(first_max, k * greater)
        np.maximum(first_max, (window > out) * index_type(k), out=first_max)
        np.maximum(out, window, out=out)
    return out, first_max


def _avg_divisor(x_shape, geometry, count_include_pad, divisor_override):
    """(Ho, Wo) divisors: each window's area, as PyTorch counts it."""
    kernel, stride, padding, _, out_size = geometry
    if divisor_override is not None:
        return np.full(out_size, float(divisor_override))
    lengths = []
    for size, k, s, p, count in zip(x_shape[2:], kernel, stride, padding, out_size):
        start = np.arange(count) * s - p
        end = np.minimum(start + k, size + p)                     # ceil_mode cells never count
        lengths.append(end - start if count_include_pad else np.minimum(end, size) - np.maximum(start, 0))
    return np.outer(*lengths).astype(float)


def _flat_indices(first_max, x_shape, kernel, stride, padding, dilation, out_size):
    """PyTorch's return_indices: the flat index h*W + w of each maximum in its input plane."""
    (ho, wo), width = out_size, x_shape[3]
    i, j = np.divmod(first_max.astype(np.int64), kernel[1])      # (C, Ho, Wo, N) offsets
    rows = np.arange(ho)[None, :, None, None] * stride[0] - padding[0] + i * dilation[0]
    cols = np.arange(wo)[None, None, :, None] * stride[1] - padding[1] + j * dilation[1]
    return Tensor((rows * width + cols).transpose(3, 0, 1, 2), dtype=np.int64)
