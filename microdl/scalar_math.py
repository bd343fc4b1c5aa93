"""Float arithmetic for the scalar engine, with NumPy's rules instead of Python's errors.

Python raises where NumPy returns a number: `0.0 ** -1` is a ZeroDivisionError,
`(-8.0) ** 0.5` a complex number, `10.0 ** 400` an OverflowError. A `Value` follows
NumPy (and the Tensor engine): inf or nan with a RuntimeWarning that names the op and
its input (`warn_domain`). Also here: turning a user's number into a float, with an
error that says what to do when it is not one, and printing a number in a repr.
"""
import math
import numbers
import warnings

__all__ = ["safe_pow", "safe_div", "warn_domain", "as_float", "format_number"]


def safe_pow(x, n, op):
    """x ** n as a real float; nan for a negative base with a fractional exponent."""
    try:
        out = x ** n
    except ZeroDivisionError:
        if op == "/":                                    # a / b computed as a * b^-1
            warn_domain(op, x, "divides by zero (it is the divisor): inf")
        else:
            warn_domain(op, x, f"to the power {n:g} divides by zero: inf")
        return math.inf
    except OverflowError:
        warn_domain(op, x, f"to the power {n:g} overflows to inf")
        return math.inf
    if isinstance(out, complex):
        warn_domain(op, x, f"to the power {n:g} is not a real number: nan")
        return math.nan
    return float(out)


def safe_div(a, b):
    if b == 0:
        return math.copysign(math.inf, a)
    return a / b


def warn_domain(op, x, what):
    warnings.warn(f"Value.{op}: input {x!r} {what}", RuntimeWarning, stacklevel=3)


def as_float(data, node_class=None):
    """Convert a Python or NumPy real number to float; explain anything else.

    A `node_class` instance (the engine passes Value) is refused: it is a node already.
    """
    if isinstance(data, numbers.Real):
        return float(data)
    if getattr(data, "ndim", None) == 0 and getattr(data, "dtype", None) is not None \
            and data.dtype.kind in "biuf":
        return float(data)
    if node_class is not None and isinstance(data, node_class):
        raise TypeError(f"Value(...) got a Value ({data!r}); use it directly, or Value(v.data) "
                        f"for a new leaf with the same number")
    kind = type(data).__name__
    if isinstance(data, (list, tuple)) or hasattr(data, "shape"):
        shape = f" of shape {data.shape}" if hasattr(data, "shape") else f" of length {len(data)}"
        raise TypeError(
            f"Value(data) needs a real number (just one), got {kind}{shape}: {data!r:.80}. "
            f"If this came from calling a scalar model (nn.MLP, nn.Neuron) on a whole data set "
            f"X: it takes ONE example, a list of numbers, as in model(X[0]); loop over the rows, "
            f"[model(x) for x in X], or use microdl.train.predict(model, X). For arrays use "
            f"microdl.Tensor, or make one Value per number: [Value(x) for x in xs]")
    raise TypeError(f"Value(data) needs a real number (int or float), got {kind} {data!r}")


def format_number(x):
    return f"{x:.4f}" if x == 0 or 1e-4 <= abs(x) < 1e6 else f"{x:.4g}"
