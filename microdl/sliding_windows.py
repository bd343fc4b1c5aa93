"""Sliding windows over NCHW images, shared by convolution and pooling.

Inside, images are stored *batch-last*, (C, H, W, N): a kernel window then reads runs
of W*N contiguous numbers, which NumPy copies and adds at full speed (in NCHW the runs
are only W long). Shapes are always NCHW; only the strides differ.

Every window op loops over the KH*KW kernel offsets with strided slices (9 or 4
vectorised operations), never over pixels: offset (i, j) sees one (C, Ho, Wo, N) view
of the padded buffer (`_windows`). Dilation d spreads a kernel's taps d apart: offset
i reads rows i*d, i*d + stride, ...

Padding: zeros (or -inf for max pooling), or a copy of the border (`padding_mode`
'reflect', 'replicate', 'circular', as torch.nn.Conv2d). A padded cell that copies an
input cell sends its gradient back to that cell (`_fold`).
"""
import numpy as np

from . import workspace

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
    buf = workspace.empty((c, hp + extra[0], wp + extra[1], n), x.dtype)
    buf.fill(fill)
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
