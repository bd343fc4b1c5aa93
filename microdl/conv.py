"""Convolution and pooling on NCHW tensors: fused ops with hand-written backward rules.

conv2d is im2col + one matrix multiply (one per group). Inside, images are stored
*batch-last*, (C, H, W, N): a kernel window then reads runs of W*N contiguous numbers,
which NumPy copies and adds at full speed (in NCHW the runs are only W long). The
columns are (C*KH*KW, Ho*Wo*N), so W (F, C*KH*KW) @ cols comes out as (F, Ho, Wo, N),
returned as an (N, F, Ho, Wo) *view* of that memory. The next layer reads it
batch-last again without a copy, and NumPy keeps the layout through elementwise ops
(relu). Shapes are always NCHW; only the strides differ.

Pooling and the col2im scatter-add loop over the KH*KW kernel offsets with strided
slices (9 or 4 vectorised operations), never over pixels. Dilation d spreads a
kernel's taps d apart: offset i reads rows i*d, i*d + stride, ...

Padding: zeros (or -inf for max pooling), or for conv2d a copy of the border
(`padding_mode` 'reflect', 'replicate', 'circular', as torch.nn.Conv2d). A padded
cell that copies an input cell sends its gradient back to that cell (`_fold`).

Max pooling ties: when several inputs of a window share the maximum, the FIRST one in
scan order (top row first, then left to right) gets the whole gradient.
"""
import numpy as np

from .tensor import Tensor

__all__ = ["conv2d", "max_pool2d", "avg_pool2d"]

PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pair(v, name):
    pair = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(pair) != 2 or not all(isinstance(p, (int, np.integer)) for p in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return int(pair[0]), int(pair[1])


def _positive_pair(v, name):
    pair = _pair(v, name)
    if min(pair) < 1:
        raise ValueError(f"{name} must be >= 1, got {v!r}")
    return pair


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


def _output_length(op, size, kernel, stride, pads, dilation, ceil_mode=False):
    """How many windows fit along one axis (PyTorch's formula), or a clear error."""
    span = dilation * (kernel - 1) + 1
    room = size + pads[0] + pads[1] - span
    if room < 0:
        raise ValueError(f"{op}: a window spanning {span} cells does not fit an input of {size} "
                         f"padded to {size + pads[0] + pads[1]}; use a smaller kernel or more padding")
    if not ceil_mode:
        return room // stride + 1
    count = -(-room // stride) + 1
    # as PyTorch: the last window must start inside the input or its left padding
    return count - 1 if (count - 1) * stride >= size + pads[0] else count


def _check_nchw(op, x):
    if x.ndim != 4:
        raise ValueError(f"{op}: input must be 4-D (N, C, H, W), got shape {x.shape}; "
                         f"for one image use x.reshape(1, C, H, W)")


def _source_index(size, pads, mode):
    """For each cell of a padded axis, the input cell it copies (np.pad on 0..size-1)."""
    low, high = pads
    if mode == "reflect" and max(pads) >= size:
        raise ValueError(f"conv2d: padding_mode='reflect' needs padding < the input size, "
                         f"got padding {pads} for size {size}")
    if mode == "circular" and max(pads) > size:
        raise ValueError(f"conv2d: padding_mode='circular' needs padding <= the input size, "
                         f"got padding {pads} for size {size}")
    return np.pad(np.arange(size), (low, high), mode=PADDING_MODES[mode])


def _batch_last_padded(x, pads, fill=0.0, mode="zeros", extra=(0, 0)):
    """x (N, C, H, W) copied into a (C, Hp, Wp, N) buffer: `pads` = ((top, bottom),
    (left, right)) filled by `mode`, then `extra` rows/columns of `fill` at the far
    end (pooling's ceil_mode)."""
    n, c, h, w = x.shape
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0 and extra == (0, 0):
        return np.ascontiguousarray(x.transpose(1, 2, 3, 0))  # free if x is batch-last already
    hp, wp = top + h + bottom, left + w + right
    buf = np.full((c, hp + extra[0], wp + extra[1], n), fill, dtype=x.dtype)
    if mode == "zeros":
        buf[:, top:top + h, left:left + w, :] = x.transpose(1, 2, 3, 0)
    else:
        rows, cols = _source_index(h, pads[0], mode), _source_index(w, pads[1], mode)
        buf[:, :hp, :wp, :] = x.transpose(1, 2, 3, 0)[:, rows][:, :, cols]
    return buf


def _windows(buf, kernel, stride, out_size, dilation=(1, 1)):
    """For each kernel offset (i, j): the (C, Ho, Wo, N) strided view of the inputs it sees."""
    (kh, kw), (sh, sw), (ho, wo), (dh, dw) = kernel, stride, out_size, dilation
    return [(i, j, buf[:, i * dh:i * dh + sh * (ho - 1) + 1:sh, j * dw:j * dw + sw * (wo - 1) + 1:sw, :])
            for i in range(kh) for j in range(kw)]


def _fold(d, source, low, axis):
    """Gradient of a padded axis -> gradient of the input axis: every padded cell adds its
    gradient to the input cell it copied."""
    d = np.moveaxis(d, axis, 0)
    size = int(source.max()) + 1
    out = d[low:low + size].copy()
    for cell in [*range(low), *range(low + size, len(source))]:
        out[source[cell]] += d[cell]
    return np.moveaxis(out, 0, axis)


def _unpad_to_nchw(dbuf, x_shape, pads, mode="zeros"):
    """The gradient of a (C, Hp, Wp, N) buffer as the (N, C, H, W) gradient of x."""
    _, _, h, w = x_shape
    (top, bottom), (left, right) = pads
    if mode == "zeros":
        return dbuf[:, top:top + h, left:left + w, :].transpose(3, 0, 1, 2)
    dbuf = dbuf[:, :top + h + bottom, :left + w + right, :]
    dbuf = _fold(dbuf, _source_index(h, pads[0], mode), top, axis=1)
    return _fold(dbuf, _source_index(w, pads[1], mode), left, axis=2).transpose(3, 0, 1, 2)


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
    cols = np.empty((c, kh, kw, ho, wo, n), dtype=buf.dtype)
    for i, j, window in _windows(buf, (kh, kw), stride, (ho, wo), dilation):
        cols[:, i, j] = window
    cols = cols.reshape(groups, c // groups * kh * kw, ho * wo * n)  # im2col, per group
    w3 = weight.data.reshape(groups, f // groups, -1)            # (G, F/G, C/G*KH*KW)
    out = _per_group(w3, cols).reshape(f, ho * wo * n)           # (F, Ho*Wo*N)
    if bias is not None:
        out += bias.data[:, None]
    out = out.reshape(f, ho, wo, n).transpose(3, 0, 1, 2)         # (N, F, Ho, Wo) view
    needs_dx, buf_shape = x.requires_grad, buf.shape

    def local(g):                                                 # g: (N, F, Ho, Wo)
        g3 = g.transpose(1, 2, 3, 0).reshape(groups, f // groups, -1)  # (G, F/G, Ho*Wo*N)
        dw = _per_group(g3, cols, transpose_b=True).reshape(weight.shape)  # dL/dW = g cols^T
        db = g3.sum(axis=2).reshape(f) if bias is not None else None
        dx = None
        if needs_dx:                                              # dL/dcols = W^T g, then col2im
            dcols = _per_group(w3, g3, transpose_a=True).reshape(c, kh, kw, ho, wo, n)
            dbuf = np.zeros(buf_shape, dtype=dcols.dtype)
            for i, j, window in _windows(dbuf, (kh, kw), stride, (ho, wo), dilation):
                window += dcols[:, i, j]                          # scatter-add (col2im)
            dx = _unpad_to_nchw(dbuf, x.shape, pads, padding_mode)
        return dx, dw, db

    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(out, inputs, "conv2d", local if bias is not None else lambda g: local(g)[:2])


def _per_group(a, b, transpose_a=False, transpose_b=False):
    """a[g] @ b[g] for each group g, as 2-D products (BLAS reads a transpose for free)."""
    products = [(a_g.T if transpose_a else a_g) @ (b_g.T if transpose_b else b_g) for a_g, b_g in zip(a, b)]
    return products[0][None] if len(products) == 1 else np.stack(products)


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
        dbuf = np.zeros(buf.shape, dtype=buf.dtype)
        share = None if is_max else g / divisor                   # d mean / d x = 1 / divisor
        for k, (_, _, dwindow) in enumerate(_windows(dbuf, kernel, stride, out_size, dilation)):
            if is_max:
                share = g * (first_max == k)                      # only the max gets the gradient
            if overlapping:
                dwindow += share
            else:
                dwindow[...] = share
        return (_unpad_to_nchw(dbuf, x.shape, pads),)

    node = Tensor._make(out.transpose(3, 0, 1, 2), (x,), "max_pool2d" if is_max else "avg_pool2d", local)
    return node, first_max, geometry


def _window_max(windows):
    """Elementwise max over the window views, and the index of the first view holding it."""
    out = windows[0].copy()                                       # (C, Ho, Wo, N)
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
