"""Convolution on NCHW tensors: conv2d, a fused op with a hand-written backward rule.

conv2d is im2col + one matrix multiply (one per group), on images stored batch-last,
(C, H, W, N) (see `sliding_windows.py`). The columns are (C*KH*KW, Ho*Wo*N), so
W (F, C*KH*KW) @ cols comes out as (F, Ho, Wo, N), returned as an (N, F, Ho, Wo) *view*
of that memory. The next layer reads it batch-last again without a copy, and NumPy
keeps the layout through elementwise ops (relu). Shapes are always NCHW; only the
strides differ. The backward adds each kernel offset's input gradient, W[:, :, i, j]^T g,
into its strided window of the padded input (`_scatter_input_gradient`). The large
buffers come from `workspace.py` (reused between steps, so no page faults).

Max and average pooling live in `pooling.py`; they are re-exported here, so
`microdl.conv.max_pool2d` keeps working.
"""
import numpy as np

from .pooling import avg_pool2d, max_pool2d
from .sliding_windows import (PADDING_MODES, _batch_last_padded, _check_nchw, _output_length, _pair,
                              _positive_pair, _unpad_to_nchw, _windows)
from . import workspace
from .tensor import Tensor

__all__ = ["conv2d", "max_pool2d", "avg_pool2d"]


def _conv_padding(padding, kernel, stride, dilation):
    """((top, bottom), (left, right)) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
        if stride != (1, 1):
            raise ValueError(f"conv2d: padding='same' needs stride=1 (as in PyTorch), got stride {stride}")
        # the output keeps the input's size: total padding d*(k-1), the odd one on the far side
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    ph, pw = _pair(padding, "conv2d padding")
    if ph < 0 or pw < 0:
        raise ValueError(f"conv2d: padding must be >= 0, got {padding!r}")
    return (ph, ph), (pw, pw)


def _check_conv_shapes(x, weight, bias, groups):
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (out_channels, in_channels/groups, KH, KW), "
                         f"got {weight.shape}")
    c, (f, wc) = x.shape[1], weight.shape[:2]
    if not isinstance(groups, (int, np.integer)) or groups < 1 or c % groups or f % groups:
        raise ValueError(f"conv2d: groups={groups!r} must be a positive int dividing both the "
                         f"{c} input channels and the {f} output channels")
    if c != wc * groups:
        in_groups = f" in {groups} groups" if groups > 1 else ""
        raise ValueError(f"conv2d: input {x.shape} has {c} channels, weight {weight.shape} "
                         f"expects {wc * groups}{in_groups}")
    if bias is not None and bias.shape != (f,):
        raise ValueError(f"conv2d: bias must have shape ({f},) for weight {weight.shape}, got {bias.shape}")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, *,
           padding_mode="zeros"):
    """2-D cross-correlation, as torch.nn.functional.conv2d.

    x (N, C, H, W), weight (F, C/groups, KH, KW), bias (F,) -> (N, F, Ho, Wo) with
    Ho = (H + 2*padding - dilation*(KH-1) - 1) // stride + 1. padding: an int, a pair,
    'valid' (0) or 'same' (Ho = H, stride 1 only). groups=g splits the channels into g
    independent convolutions. padding_mode (torch.nn.Conv2d's; keyword only here):
    'zeros', 'reflect', 'replicate' or 'circular'.
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    _check_nchw("conv2d", x)
    _check_conv_shapes(x, weight, bias, groups)
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"conv2d: padding_mode must be one of {', '.join(PADDING_MODES)}; "
                         f"got {padding_mode!r}")
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    stride, dilation = _positive_pair(stride, "conv2d stride"), _positive_pair(dilation, "conv2d dilation")
    pads = _conv_padding(padding, (kh, kw), stride, dilation)
    ho = _output_length("conv2d", h, kh, stride[0], pads[0], dilation[0])
    wo = _output_length("conv2d", w, kw, stride[1], pads[1], dilation[1])

    buf = _batch_last_padded(x.data, pads, mode=padding_mode)    # (C, Hp, Wp, N)
    cols = workspace.empty((c, kh, kw, ho, wo, n), buf.dtype)    # reused memory: no page faults
    for i, j, window in _windows(buf, (kh, kw), stride, (ho, wo), dilation):
        cols[:, i, j] = window
    del buf                                                       # the columns hold what it held
    cols = cols.reshape(groups, c // groups * kh * kw, ho * wo * n)  # im2col, per group
    w3 = weight.data.reshape(groups, f // groups, -1)            # (G, F/G, C/G*KH*KW)
    out = workspace.empty((groups, f // groups, ho * wo * n), np.result_type(w3.dtype, cols.dtype))
    out = _per_group(w3, cols, out=out)
    out = out.reshape(f, ho * wo * n)                            # (F, Ho*Wo*N)
    if bias is not None:
        out += bias.data[:, None]
    out = out.reshape(f, ho, wo, n).transpose(3, 0, 1, 2)         # (N, F, Ho, Wo) view
    needs_dx, buf_shape = x.requires_grad, _padded_shape(x.shape, pads)

    def local(g):                                                 # g: (N, F, Ho, Wo)
        g3 = g.transpose(1, 2, 3, 0).reshape(groups, f // groups, -1)  # (G, F/G, Ho*Wo*N)
        dw = _per_group(g3, cols, transpose_b=True).reshape(weight.shape)  # dL/dW = g cols^T
        db = g3.sum(axis=2).reshape(f) if bias is not None else None
        dx = None
        if needs_dx:
            dbuf = workspace.zeros(buf_shape, np.result_type(weight.dtype, g3.dtype))
            _scatter_input_gradient(dbuf, weight.data, g3, stride, (ho, wo), dilation)
            dx = _unpad_to_nchw(dbuf, x.shape, pads, padding_mode)
        return dx, dw, db

    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(out, inputs, "conv2d", local if bias is not None else lambda g: local(g)[:2])


def _padded_shape(x_shape, pads):
    """(C, Hp, Wp, N): the shape of the padded batch-last buffer of an (N, C, H, W) input."""
    n, c, h, w = x_shape
    return c, h + sum(pads[0]), w + sum(pads[1]), n


def _per_group(a, b, transpose_b=False, out=None):
    """a[g] @ b[g] for each group g, as 2-D products (BLAS reads a transpose for free)."""
    if out is None:
        out = np.empty((len(a), a.shape[1], b.shape[1 if transpose_b else 2]),
                       np.result_type(a.dtype, b.dtype))
    for a_g, b_g, out_g in zip(a, b, out):
        np.matmul(a_g, b_g.T if transpose_b else b_g, out=out_g)
    return out


def _scatter_input_gradient(dbuf, weight, g3, stride, out_size, dilation):
    """dL/dx into the padded batch-last buffer dbuf (C, Hp, Wp, N), one kernel offset at a time.

    Offset (i, j) read the window of inputs it saw times W[:, :, i, j], so that window gets
    W[:, :, i, j]^T g back (added: windows overlap). One offset's product, (C/G, Ho*Wo*N),
    stays in the CPU cache while it is added, instead of all KH*KW of them at once (col2im).
    """
    groups, f_g = g3.shape[:2]
    c_g, kh, kw = weight.shape[1:]
    shape = (c_g,) + tuple(out_size) + (g3.shape[2] // (out_size[0] * out_size[1]),)
    product = workspace.empty((c_g, g3.shape[2]), dbuf.dtype)
    for i, j, window in _windows(dbuf, (kh, kw), stride, out_size, dilation):
        for group in range(groups):
            w_ij = weight[group * f_g:(group + 1) * f_g, :, i, j]  # (F/G, C/G)
            np.matmul(w_ij.T, g3[group], out=product)
            window[group * c_g:(group + 1) * c_g] += product.reshape(shape)
