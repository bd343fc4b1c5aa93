"""The scalar engine: `Value`, one number in a computational graph.

micrograd-compatible (`Value(2.0)`, `+ - * / **`, `.relu()`, `.tanh()`, `.exp()`,
`.backward()`, `.data`, `.grad`), plus `.log()`, `.sigmoid()`, `.leaky_relu()`,
`.abs()`, `Value ** Value`, and n-ary `Value.sum(xs)` / `Value.dot(ws, xs)`.
A Value also behaves like its number where Python asks for one: `float(v)`, `int(v)`,
`round(v, 2)`, `f"{v:.3f}"`, `if v:` and `v < w` all read `data` (`==` stays identity).

Each op stores its *local derivatives as numbers* next to its inputs:

    out._prev  = (a, b)             the inputs
    out._local = (d out/d a, d out/d b)

so backward is the chain rule itself, `a.grad += local * out.grad`, the graph holds no
closures and no reference cycles, and a diagram can print "local x upstream" on every
edge. `tensor.py` follows this file op by op.

Numerical rule for every op: outside its domain the result is nan (or +-inf at a pole
or on overflow) with a RuntimeWarning that names the op and its input, as in NumPy
(`scalar_math.py`); inside `microdl.detect_anomaly()` it is a FloatingPointError
instead. Derivatives at kinks: relu'(0) = 0, leaky_relu'(0) = slope, abs'(0) = 0.

Every Value gets a gradient (as in micrograd) unless its `requires_grad` is set to
False, as `Module.freeze()` does; a Tensor, as in PyTorch, gets one only if it asks.
"""
import math
import numbers
from operator import mul

from . import autodiff
from .autodiff import _modes
from .scalar_math import as_float, format_number, safe_div, safe_pow, warn_domain

__all__ = ["Value"]


class Value:
    """A scalar node: `data` (a float), `grad` (d root / d self), and how it was made.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + 1
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, 2.0)
    """
    __slots__ = ("data", "grad", "_prev", "_op", "_local", "label", "requires_grad",
                 "_backward_record")  # autodiff.backward_record: passes since zero_grad()

    def __init__(self, data, _children=(), _op="", _local=(), label=""):
        if type(data) is not float:
            data = as_float(data, node_class=Value)
        self.data = data
        self.grad = 0.0
        self.label = label
        self.requires_grad = True
        if _modes.grad_enabled:
            self._prev, self._op, self._local = _children, _op, _local
            if _modes.anomaly and _children:
                autodiff.check_forward(self)
        else:
            self._prev, self._op, self._local = (), "", ()

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={format_number(self.data)}, grad={format_number(self.grad)}{label})"

    # --- primitives: forward value and local derivatives side by side ------------

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+", _ONE_ONE)  # d(a+b)/da = d(a+b)/db = 1

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))  # d(ab)/da = b

    def __pow__(self, other, _op="**"):
        if isinstance(other, Value):
            return _pow_value(self, other)
        if not isinstance(other, numbers.Real):
            raise TypeError(f"Value ** {type(other).__name__}: the exponent must be a number or a Value")
        x, n = self.data, float(other)
        out = safe_pow(x, n, _op)            # _op: what a warning names ("/" for a / b)
        local = n * safe_pow(x, n - 1, _op) if n != 0 else 0.0  # d/dx x^n = n x^(n-1)
        return Value(out, (self,), f"**{other:g}", (local,))

    # --- derived: compositions of the primitives ----------------------------------

    def __neg__(self):             # -a = a * -1
        return self * -1.0

    def __radd__(self, other):     # other + self
        return self + other

    def __sub__(self, other):      # a - b = a + (-b)
        return self + (-other)

    def __rsub__(self, other):     # other - self
        return other + (-self)

    def __rmul__(self, other):     # other * self
        return self * other

    def __truediv__(self, other):  # a / b = a * b^-1
        if isinstance(other, numbers.Real):  # b^-1 by the numeric rule: 1/0 is inf, with a warning
            return self * safe_pow(float(other), -1.0, "/")
        return self * other.__pow__(-1, _op="/")

    def __rtruediv__(self, other):  # other / self
        return other * self ** -1

    def __rpow__(self, other):     # number ** Value
        return Value(other) ** self

    # --- unary functions ---------------------------------------------------------------

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            warn_domain("exp", self.data, "overflows to inf")
            e = math.inf
        return Value(e, (self,), "exp", (e,))  # d/dx e^x = e^x

    def log(self):
        x = self.data
        if x > 0:
            out = math.log(x)
        elif x == 0:
            warn_domain("log", x, "is -inf")
            out = -math.inf
        else:
            warn_domain("log", x, "is nan: log is defined for x > 0")
            out = math.nan
        return Value(out, (self,), "log", (safe_div(1.0, x),))  # d/dx ln x = 1/x

    def tanh(self):
        t = math.tanh(self.data)  # exactly +-1.0 for large |x|, never overflows
        return Value(t, (self,), "tanh", (1.0 - t * t,))  # d/dx tanh(x) = 1 - tanh(x)^2

    def sigmoid(self):
        # a primitive, not exp composed: 1/(1+e^-x) would overflow for x << 0
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)  # underflows to 0.0 for x << 0: the exact limit
            s = e / (1.0 + e)
        return Value(s, (self,), "sigmoid", (s * (1.0 - s),))  # d/dx s(x) = s(x)(1 - s(x))

    def relu(self):
        x = self.data
        return Value(x if x > 0 else 0.0, (self,), "ReLU", _ONE if x > 0 else _ZERO)  # relu'(0) = 0

    def leaky_relu(self, slope=0.01):
        x = self.data
        return Value(x if x > 0 else slope * x, (self,), "LeakyReLU", (1.0 if x > 0 else slope,))

    def abs(self):
        x = self.data
        return Value(abs(x), (self,), "abs", (1.0 if x > 0 else -1.0 if x < 0 else 0.0,))  # abs'(0) = 0

    # --- n-ary ops: one node instead of a chain -------------------------------------

    @staticmethod
    def sum(values):
        """sum(x_i) as ONE node (d/dx_i = 1). Numbers are allowed and become constants."""
        nodes = [v for v in values if isinstance(v, Value)]
        constant = sum(v for v in values if not isinstance(v, Value))
        total = math.fsum([v.data for v in nodes]) + constant
        return Value(total, tuple(nodes), "sum", (1.0,) * len(nodes))

    @staticmethod
    def dot(weights, inputs, bias=None):
        """sum(w_i * x_i) + bias as ONE node: d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1.

        A neuron with n inputs is then one node, not a chain of 2n nodes.
        Numbers may stand in for Values; they are constants (no gradient).
        """
        weights, inputs = tuple(weights), tuple(inputs)
        if len(weights) != len(inputs):
            raise ValueError(f"Value.dot: {len(weights)} weights but {len(inputs)} inputs; "
                             f"they must have the same length")
        try:  # the common case: all Values
            w = [v.data for v in weights]
            x = [v.data for v in inputs]
        except AttributeError:
            weights, inputs = _with_constants(weights), _with_constants(inputs)
            w = [v.data for v in weights]
            x = [v.data for v in inputs]
        total = sum(map(mul, w, x))
        if bias is None:
            return Value(total, (*weights, *inputs), "dot", (*x, *w))
        bias = bias if isinstance(bias, Value) else Value(bias)
        return Value(total + bias.data, (*weights, *inputs, bias), "dot", (*x, *w, 1.0))

    # --- Python number idioms: float(v), f"{v:.3f}", round(v, 2), v < w ----------------------
    # They read `data` and record nothing: a number or a comparison is not part of the graph.
    # `==` and `hash` stay object identity on purpose: autodiff and viz keep nodes in sets
    # and dicts, where two nodes that hold the same number must stay two nodes.

    def __float__(self):
        return self.data

    def __int__(self):             # truncates toward 0, as int(2.7) == 2
        return int(self.data)

    def __bool__(self):            # as for a float (and PyTorch's one-element tensor): data != 0
        return self.data != 0.0

    def __round__(self, ndigits=None):
        return round(self.data, ndigits)

    def __format__(self, spec):    # f"{loss:.3f}" formats the number; f"{loss}" is the repr
        return format(self.data, spec) if spec else str(self)

    def __lt__(self, other):
        return self.data < _compared(other)

    def __le__(self, other):
        return self.data <= _compared(other)

    def __gt__(self, other):
        return self.data > _compared(other)

    def __ge__(self, other):
        return self.data >= _compared(other)

    # --- backward ------------------------------------------------------------------------

    def _backward(self):
        """The chain rule: each input gets (local derivative) x (upstream gradient)."""
        g = self.grad
        for child, local in zip(self._prev, self._local):
            if child.requires_grad:
                child.grad += local * g

    def backward(self):
        """Fill `.grad` of every node this one depends on with d self / d node."""
        autodiff.backward(self, 1.0)

    def zero_grad(self):
        self.grad = 0.0
        self._backward_record = None   # autodiff.backward_record: no pass since zero_grad()

    @property
    def has_grad(self):
        """Did a gradient arrive since the last zero_grad()? (PyTorch: `grad is not None`.)

        True once backward() reached this Value, or if its grad is nonzero (set by hand).
        Optimizers skip a parameter without one, as PyTorch skips a `None` grad.
        """
        # the record is left unset in __init__ (the hot path of every op): unset means no
        return self.grad != 0.0 or getattr(self, "_backward_record", None) is not None


# shared tuples of constant local derivatives: most nodes need no tuple of their own
_ONE, _ZERO, _ONE_ONE = (1.0,), (0.0,), (1.0, 1.0)


def _compared(other):
    """The number a Value is compared with: another Value's data or a real number."""
    if isinstance(other, Value):
        return other.data
    if isinstance(other, numbers.Real):
        return other
    raise TypeError(f"cannot compare a Value with {type(other).__name__} {other!r:.60}; "
                    f"compare with a number or another Value")


def _with_constants(values):
    """Wrap the plain numbers among `values` as constant Values that take no gradient."""
    return tuple(v if isinstance(v, Value) else _constant(v) for v in values)


def _constant(x):
    c = Value(x)
    c.requires_grad = False
    return c


def _pow_value(base, exponent):
    """a ** b with both Values: d/da = b a^(b-1), d/db = a^b ln a (needs a > 0; at a = 0, as PyTorch)."""
    a, b = base.data, exponent.data
    out = safe_pow(a, b, "**")
    d_base = b * safe_pow(a, b - 1, "**") if b != 0 else 0.0
    if a > 0:
        d_exponent = out * math.log(a)
    elif a == 0 and b >= 0:
        d_exponent = 0.0  # 0^b is 0 for every b > 0 and 0^0 = 1: PyTorch's 0, not 1 * ln 0
    elif a == 0:
        d_exponent = -math.inf  # 0^b = inf for b < 0, times ln 0 = -inf (as PyTorch)
    else:
        warn_domain("**", a, "has no derivative in the exponent (a^b ln a needs a > 0): nan")
        d_exponent = math.nan
    return Value(out, (base, exponent), "**", (d_base, d_exponent))
