"""Scratch memory that training steps reuse: `empty(shape, dtype)` and `zeros(shape, dtype)`.

Why: a CNN step allocates the same large arrays (im2col columns, padded images, their
gradients) again and again. Each fresh block of more than a few hundred KiB costs a page
fault per 4 KiB the first time it is written, because glibc hands large freed blocks
back to the operating system: on a 2-core VM that was about 3,700 faults, two thirds of
a small CNN's step. Conv and pooling therefore take their big buffers from here.

How a block is known to be free: NumPy views and reshapes of an array keep a reference
to the array that owns the memory (`view.base`), so when the only references left to a
block are this module's own, nothing can read or write it any more, and it is handed
out again. (That is CPython's reference count: exact, no guessing.)

What it costs: the blocks stay allocated once used (at most `LIMIT_BYTES` in all; past
that, arrays are plain np.empty), so the process keeps the peak memory of one step, as
PyTorch's caching allocator does. `release()` gives it all back. Small arrays are not
cached (`MIN_BYTES`): malloc serves them well. Thread-safe.
"""
import sys
import threading

import numpy as np

__all__ = ["empty", "zeros", "empty_like", "release", "cached_bytes"]

MIN_BYTES = 256 * 1024
LIMIT_BYTES = 512 * 2 ** 20

_lock = threading.Lock()
_blocks = {}          # size in bytes -> list of uint8 arrays that own their memory
_total = [0]          # bytes held in _blocks


def empty(shape, dtype=np.float32):
    """An uninitialised array, from a reused block when one of the right size is free."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    if nbytes < MIN_BYTES:
        return np.empty(shape, dtype)
    with _lock:
        block = _take(nbytes)
        if block is None:
            return np.empty(shape, dtype)
        return block.view(dtype).reshape(shape)   # holds a reference to block while alive


def zeros(shape, dtype=np.float32):
    """empty(), filled with 0."""
    out = empty(shape, dtype)
    out.fill(0)
    return out


def _take(nbytes):
    """A free block of nbytes (a new one if none is free and the limit allows), or None."""
    blocks = _blocks.setdefault(nbytes, [])
    for block in blocks:
        if sys.getrefcount(block) <= _FREE_REFERENCES:
            return block
    if _total[0] + nbytes > LIMIT_BYTES:
        return None
    block = np.empty(nbytes, np.uint8)
    blocks.append(block)
    _total[0] += nbytes
    return block


def _references_while_looking(blocks):
    """What getrefcount says of an otherwise unreferenced block in `_take`'s loop: the
    list, the loop variable and getrefcount's argument (3 on CPython 3.10-3.13; measured,
    not assumed, since newer interpreters may borrow some of these references)."""
    for block in blocks:
        return sys.getrefcount(block)


_FREE_REFERENCES = _references_while_looking([np.empty(0, np.uint8)])


def release():
    """Forget every cached block (arrays still in use keep their memory until they die)."""
    with _lock:
        _blocks.clear()
        _total[0] = 0


def cached_bytes():
    """How many bytes the cache holds (in use or free)."""
    return _total[0]


def empty_like(a, dtype=None):
    """empty() shaped like `a`, with a's memory layout (a batch-last view stays batch-last)."""
    order = sorted(range(a.ndim), key=lambda axis: -abs(a.strides[axis]))  # outermost first
    out = empty([a.shape[axis] for axis in order], a.dtype if dtype is None else dtype)
    return out.transpose(np.argsort(order))
