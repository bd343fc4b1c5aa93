"""An opt-in speed-up for CNN training on Linux: keep freed array memory for reuse.

    import microdl
    microdl.reuse_freed_memory()     # once, at the top of a training script

A training step allocates and frees the same large arrays (im2col columns, gradients)
again and again. By default glibc hands every block over 128 KiB straight back to the
operating system when it is freed, so the next step pays a page fault for every 4 KiB
it touches. Raising glibc's mmap and trim thresholds keeps those blocks in the heap,
where the next step finds them: measured with benchmarks/bench_tensor.py, a step of
its small CNN (model A) took about 3x less time; the larger model B did not change.

The price, and why this is never done for you: the setting is process-wide (it also
applies to every other library in the process), it cannot be undone, and memory that
was in use stays reserved by the process (the peak of one step). Nothing in microdl
calls this function except the benchmark and lesson scripts that train CNNs.

Setting the environment variable MICRODL_NO_MALLOPT=1 turns the call into a no-op
(for a shared server, or to measure the difference). Off glibc (macOS, Windows, musl)
it is a no-op too.
"""
import ctypes
import os
import sys

__all__ = ["reuse_freed_memory"]

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 2 ** 20     # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit
_done = False


def reuse_freed_memory():
    """Tell glibc malloc to keep freed blocks (up to 32 MiB each) for reuse. Idempotent.

    Returns True if the setting was applied by this call or an earlier one, False if it
    was not (MICRODL_NO_MALLOPT=1, not Linux, or no glibc).
    """
    global _done
    if _done:
        return True
    if os.environ.get("MICRODL_NO_MALLOPT", "") not in ("", "0"):
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
    mallopt(_M_TRIM_THRESHOLD, 2 ** 30)
    _done = True
    return True
