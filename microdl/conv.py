"""Convolution and pooling on NCHW tensors: fused ops with hand-written backward rules.

conv2d is im2col + one matrix multiply. Inside, images are stored *batch-last*,
(C, H, W, N): a kernel window then reads runs of W*N contiguous numbers, which NumPy
copies and adds at full speed (in NCHW the runs are only W long). The columns are
(C*KH*KW, Ho*Wo*N), so W (F, C*KH*KW) @ cols comes out as (F, Ho, Wo, N), returned as
an (N, F, Ho, Wo) *view* of that memory. The next layer reads it batch-last again
without a copy, and NumPy keeps the layout through elementwise ops (relu). Shapes are
always NCHW; only the strides differ.

Pooling and the col2im scatter-add loop over the KH*KW kernel offsets with strided
slices (9 or 4 vectorised operations), never over pixels.

Max pooling ties: when several inputs of a window share the maximum, the FIRST one in
scan order (top row first, then left to right) gets the whole gradient.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["conv2d", "max_pool2d", "avg_pool2d"]


def _pair(v, name):
    pair = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(pair) != 2 or not all(isinstance(p, (int, np.integer)) for p in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return int(pair[0]), int(pair[1])


def _output_size(op, x_shape, kernel, stride, padding):
    """(Ho, Wo), or a clear error if the window does not fit."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    if sh < 1 or sw < 1:
        raise ValueError(f"{op}: stride must be >= 1, got {stride}")
    if ph < 0 or pw < 0:
        raise ValueError(f"{op}: padding must be >= 0, got {padding}")
    h, w = x_shape[2] + 2 * ph, x_shape[3] + 2 * pw
    if kh > h or kw > w:
        raise ValueError(f"{op}: a {kh}x{kw} window does not fit the input {tuple(x_shape)} "
                         f"padded to {h}x{w}; use a smaller kernel or more padding")
    return (h - kh) // sh + 1, (w - kw) // sw + 1


def _check_nchw(op, x):
    if x.ndim != 4:
        raise ValueError(f"{op}: input must be 4-D (N, C, H, W), got shape {x.shape}; "
                         f"for one image use x.reshape(1, C, H, W)")


def _batch_last_padded(x, ph, pw, fill=0.0):
    """x (N, C, H, W) copied into a (C, H+2ph, W+2pw, N) buffer with `fill` around."""
    n, c, h, w = x.shape
    if ph == pw == 0:
        return np.ascontiguousarray(x.transpose(1, 2, 3, 0))  # free if x is batch-last already
    buf = np.full((c, h + 2 * ph, w + 2 * pw, n), fill, dtype=x.dtype)
    buf[:, ph:ph + h, pw:pw + w, :] = x.transpose(1, 2, 3, 0)
    return buf


def _windows(buf, kernel, stride, out_size):
    """For each kernel offset (i, j): the (C, Ho, Wo, N) strided view of the inputs it sees."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_size
    return [(i, j, buf[:, i:i + sh * ho:sh, j:j + sw * wo:sw, :]) for i in range(kh) for j in range(kw)]


def _unpad_to_nchw(buf, x_shape, padding):
    """The inside of a (C, Hp, Wp, N) buffer as an (N, C, H, W) view."""
    _, _, h, w = x_shape
    (ph, pw) = padding
    return buf[:, ph:ph + h, pw:pw + w, :].transpose(3, 0, 1, 2)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, as torch.nn.functional.conv2d.

    x (N, C, H, W), weight (F, C, KH, KW), bias (F,) -> (N, F, Ho, Wo) with
    Ho = (H + 2*padding - KH) // stride + 1.
    """
    x = x if isinstance(x, Tensor) else Tensor(x)
    _check_nchw("conv2d", x)
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (out_channels, in_channels, KH, KW), got {weight.shape}")
    n, c, h, w = x.shape
    f, wc, kh, kw = weight.shape
    if c != wc:
        raise ValueError(f"conv2d: input {x.shape} has {c} channels, weight {weight.shape} expects {wc}")
    if bias is not None and bias.shape != (f,):
        raise ValueError(f"conv2d: bias must have shape ({f},) for weight {weight.shape}, got {bias.shape}")
    stride, padding = _pair(stride, "conv2d stride"), _pair(padding, "conv2d padding")
    ho, wo = _output_size("conv2d", x.shape, (kh, kw), stride, padding)

    buf = _batch_last_padded(x.data, *padding)                    # (C, Hp, Wp, N)
    cols = np.empty((c, kh, kw, ho, wo, n), dtype=buf.dtype)
    for i, j, window in _windows(buf, (kh, kw), stride, (ho, wo)):
        cols[:, i, j] = window
    cols = cols.reshape(c * kh * kw, ho * wo * n)                 # im2col
    w2 = weight.data.reshape(f, -1)                               # (F, C*KH*KW)
    out = w2 @ cols                                               # (F, Ho*Wo*N)
    if bias is not None:
        out += bias.data[:, None]
    out = out.reshape(f, ho, wo, n).transpose(3, 0, 1, 2)         # (N, F, Ho, Wo) view
    needs_dx = x.requires_grad

    def local(g):                                                 # g: (N, F, Ho, Wo)
        g2 = g.transpose(1, 2, 3, 0).reshape(f, -1)               # (F, Ho*Wo*N)
        dw = (g2 @ cols.T).reshape(weight.shape)                  # dL/dW = g cols^T
        db = g2.sum(axis=1) if bias is not None else None
        dx = _col2im(w2.T @ g2, x.shape, (kh, kw), stride, padding, (ho, wo)) if needs_dx else None
        return dx, dw, db

    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(out, inputs, "conv2d", local if bias is not None else lambda g: local(g)[:2])


def _col2im(dcols, x_shape, kernel, stride, padding, out_size):
    """Scatter-add column gradients (C*KH*KW, Ho*Wo*N) back onto the input (N, C, H, W)."""
    n, c, h, w = x_shape
    (kh, kw), (ph, pw), (ho, wo) = kernel, padding, out_size
    dcols = dcols.reshape(c, kh, kw, ho, wo, n)
    dbuf = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=dcols.dtype)
    for i, j, window in _windows(dbuf, kernel, stride, out_size):
        window += dcols[:, i, j]
    return _unpad_to_nchw(dbuf, x_shape, padding)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max over each window, as torch.nn.functional.max_pool2d. (N, C, H, W) -> (N, C, Ho, Wo).

    Padding counts as -inf. Ties: the first maximum in scan order gets the gradient.
    """
    return _pool("max_pool2d", x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each window (padding counts as zeros, as in PyTorch's default)."""
    return _pool("avg_pool2d", x, kernel_size, stride, padding)


def _pool(op, x, kernel_size, stride, padding):
    x = x if isinstance(x, Tensor) else Tensor(x)
    _check_nchw(op, x)
    kernel = _pair(kernel_size, f"{op} kernel_size")
    stride = kernel if stride is None else _pair(stride, f"{op} stride")
    padding = _pair(padding, f"{op} padding")
    if padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel {kernel}")
    out_size = _output_size(op, x.shape, kernel, stride, padding)
    is_max = op == "max_pool2d"
    buf = _batch_last_padded(x.data, *padding, fill=-np.inf if is_max else 0.0)
    windows = [window for _, _, window in _windows(buf, kernel, stride, out_size)]
    out = windows[0].copy()                                       # (C, Ho, Wo, N)
    if is_max:
        first_max = np.zeros(out.shape, dtype=np.uint8)           # which window holds the max
        for k, window in enumerate(windows[1:], 1):
            # where window > out (strictly: ties keep the first), first_max = k; since k only
            # grows, that is max(first_max, k * greater)
            greater = (window > out).view(np.uint8)
            np.maximum(first_max, greater * np.uint8(k), out=first_max)
            np.maximum(out, window, out=out)
    else:
        for window in windows[1:]:
            out += window
        out *= 1.0 / (kernel[0] * kernel[1])
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]

    def local(g):                                                 # g: (N, C, Ho, Wo)
        g = g.transpose(1, 2, 3, 0)                               # (C, Ho, Wo, N), like out
        dbuf = np.zeros(buf.shape, dtype=buf.dtype)
        share = g * (1.0 / (kernel[0] * kernel[1])) if not is_max else None
        for k, (_, _, dwindow) in enumerate(_windows(dbuf, kernel, stride, out_size)):
            if is_max:
                share = g * (first_max == k)                      # only the max gets the gradient
            if overlapping:
                dwindow += share
            else:
                dwindow[...] = share
        return (_unpad_to_nchw(dbuf, x.shape, padding),)

    return Tensor._make(out.transpose(3, 0, 1, 2), (x,), "max_pool2d" if is_max else "avg_pool2d", local)
