"""Does a saved array fit the parameter or buffer it is about to replace? Shape, dtype, values.

Module.load_state_dict converts every entry with `converted` before it assigns any, and
io.load asks `header_problem` about each .npy header before it reads the data, so a
checkpoint that does not fit changes nothing. Each problem is said in words, as the end
of a sentence that starts with the entry's name: "0.weight holds text (dtype <U3), ...".
"""
import numpy as np

from .value import Value

__all__ = ["target_array", "header_problem", "converted"]

# dtype kinds that are not real numbers, and how to say what they hold
NOT_REAL_NUMBERS = {
    "O": "Python objects, which are never unpickled",
    "U": "text", "S": "bytes (text)", "V": "raw records", "M": "dates", "m": "time spans",
    "b": "True/False values",
    "c": "complex numbers",
}


def target_array(target):
    """The array a parameter or buffer holds: a Tensor's data, a buffer itself, and for a
    scalar Value its float as a 0-d float64 array (a copy: Values are assigned, not filled)."""
    if isinstance(target, Value):
        return np.asarray(target.data, dtype=np.float64)
    return target if isinstance(target, np.ndarray) else target.data  # a buffer, or a Tensor


def header_problem(shape, dtype, target):
    """Why an array of this shape and dtype cannot replace `target`, or None if it may."""
    expected = target_array(target)
    if dtype.kind in NOT_REAL_NUMBERS:
        return (f"holds {NOT_REAL_NUMBERS[dtype.kind]} (dtype {dtype}), not the real numbers "
                f"the model keeps there ({expected.dtype})")
    if tuple(shape) != expected.shape:
        return f"has shape {tuple(shape)}, the model expects {expected.shape}"
    return None


def converted(array, target):
    """`array` as the target's dtype, or ValueError(why not) - checked before anything is assigned."""
    problem = header_problem(array.shape, array.dtype, target)
    if problem:
        raise ValueError(problem)
    dtype = target_array(target).dtype
    if dtype.kind in "iu":
        return _as_integers(array, dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        result = array.astype(dtype)
    overflowed = ~np.isfinite(result) & np.isfinite(array)
    if overflowed.any():
        raise ValueError(f"holds {array[overflowed].flat[0].item()!r}, too large for the model's {dtype}")
    return result


def _as_integers(array, dtype):
    """An integer buffer (BatchNorm's num_batches_tracked): whole numbers in dtype's range only."""
    if array.dtype.kind == "f" and not (np.isfinite(array) & (array == np.round(array))).all():
        bad = array[~(np.isfinite(array) & (array == np.round(array)))].flat[0].item()
        raise ValueError(f"holds {bad!r}, but the model keeps whole numbers there ({dtype})")
    limits = np.iinfo(dtype)
    if array.size and (array.min() < limits.min or array.max() > limits.max):
        raise ValueError(f"holds values from {array.min().item()!r} to {array.max().item()!r}, outside the "
                         f"range of the model's {dtype}")
    return array.astype(dtype)
