"""Check backpropagation against finite differences, for both engines.

The numerical derivative is the test oracle: for each input x,

    d f / d x  ~  (f(x + eps) - f(x - eps)) / (2 eps)        (central difference)

For a `Tensor` function with a non-scalar output, the output is first reduced to a
scalar by a random inner product, sum(f(x) * r), which checks the whole Jacobian in
one backward pass (the trick of HIPS autograd).

>>> report = gradcheck(lambda a, b: (a * b).tanh(), 0.5, -1.5)
>>> report.ok
True
>>> print(report)                                    # doctest: +SKIP
gradcheck passed: max error 3.1e-11 (atol 1e-05, rtol 0.0001)
input        analytic        numeric          error
x0 = 0.5     -0.6300...
"""
import numpy as np

from .autodiff import no_grad
from .tensor import Tensor
from .value import Value

__all__ = ["gradcheck", "GradcheckError", "GradcheckReport"]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


class GradcheckReport:
    """Rows of (input name, input value, analytic, numeric, error); `ok` if all agree."""

    def __init__(self, rows, atol, rtol):
        self.rows, self.atol, self.rtol = rows, atol, rtol
        self.max_error = max((r[4] for r in rows), default=0.0)
        self.ok = all(r[4] <= atol + rtol * abs(r[3]) for r in rows)

    def __bool__(self):
        return self.ok

    def __str__(self):
        verdict = "passed" if self.ok else "FAILED"
        lines = [f"gradcheck {verdict}: max error {self.max_error:.2g} "
                 f"(atol {self.atol:g}, rtol {self.rtol:g})",
                 f"{'input':<22}{'analytic':>16}{'numeric':>16}{'error':>11}"]
        for name, x, analytic, numeric, error in self.rows:
            bad = "" if error <= self.atol + self.rtol * abs(numeric) else "   <-- mismatch"
            lines.append(f"{name + ' = ' + _short(x):<22}{analytic:>16.8g}{numeric:>16.8g}"
                         f"{error:>11.2g}{bad}")
        return "\n".join(lines)

    __repr__ = __str__


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-4, raise_on_failure=True):
    """Compare the gradients backprop gives for `f(*inputs)` with central differences.

    `inputs` are numbers (f then gets `Value`s and returns a `Value`) or arrays (f gets
    float64 `Tensor`s and returns a `Tensor`). Returns a `GradcheckReport`; raises
    `GradcheckError` with the report when a gradient is off, unless told not to.
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    if all(isinstance(x, (int, float, Value)) for x in inputs):
        rows = _check_scalar(f, [x.data if isinstance(x, Value) else float(x) for x in inputs], eps)
    else:
        rows = _check_tensor(f, inputs, eps)
    report = GradcheckReport(rows, atol, rtol)
    if raise_on_failure and not report.ok:
        raise GradcheckError(f"analytic and numerical gradients disagree:\n{report}")
    return report


def _check_scalar(f, xs, eps):
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()
    rows = []
    with no_grad():
        for i, x in enumerate(xs):
            def at(shift):
                args = [Value(v) for v in xs]
                args[i] = Value(x + shift)
                return f(*args).data
            numeric = (at(eps) - at(-eps)) / (2 * eps)
            analytic = leaves[i].grad
            rows.append((f"x{i}", x, analytic, numeric, abs(analytic - numeric)))
    return rows


def _check_tensor(f, inputs, eps):
    """Rows for a function of Tensors: float64 copies, a random projection, one row per input."""
    arrays = [np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64) for x in inputs]
    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    out = f(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: f must return a Tensor, got {type(out).__name__}")
    # reduce to a scalar by a random inner product: checks every output at once
    projection = np.random.default_rng(0).normal(size=out.shape)
    (out * projection).sum().backward()
    rows = []
    for i, (array, leaf) in enumerate(zip(arrays, leaves)):
        numeric = np.zeros_like(array)
        for k in np.ndindex(array.shape):
            saved = array[k]
            values = []
            for shift in (eps, -eps):
                array[k] = saved + shift
                with no_grad():
                    values.append(float((f(*[Tensor(a) for a in arrays]).data * projection).sum()))
            array[k] = saved
            numeric[k] = (values[0] - values[1]) / (2 * eps)
        analytic = leaf.grad
        error = np.abs(analytic - numeric)
        # the element furthest outside the tolerance (error relative to |numeric|)
        badness = error / (1e-8 + np.abs(numeric)) + error
        worst = np.unravel_index(np.argmax(badness), error.shape) if error.size else ()
        rows.append((f"x{i}{list(worst) if worst else ''}", array,
                     float(analytic[worst]) if error.size else 0.0,
                     float(numeric[worst]) if error.size else 0.0,
                     float(error[worst]) if error.size else 0.0))
    return rows


def _short(x):
    if isinstance(x, np.ndarray):
        return f"array{x.shape}"
    return f"{x:.4g}"
