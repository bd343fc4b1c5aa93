"""The tensor engine: `Tensor`, an ndarray in a computational graph.

Read it side by side with `value.py`: the same attributes, the same ops in the same
order, the same backward. Where a `Value` stores its local derivatives as numbers, a
`Tensor` stores them as a function: `out._local(g)` takes the upstream gradient g
(shaped like out) and returns, for each input, local derivative x upstream (the
vector-Jacobian product). NumPy broadcasting is allowed everywhere; a broadcast
gradient is summed back to its input's shape in ONE place, `Tensor._accumulate`.

dtype: a float array keeps its dtype (float64 stays float64, as in PyTorch); lists,
numbers and integer arrays become float32; booleans stay boolean (a mask, as
`Tensor([True, False])` is in PyTorch: it indexes, it takes no gradient). `.grad` always has the shape of `.data`.

>>> x = Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
>>> y = (x * x).sum()
>>> y.backward()
>>> x.grad
array([[ 2., -4.],
       [ 6.,  8.]], dtype=float32)
"""
import numpy as np

from . import autodiff, workspace
from .autodiff import _modes

__all__ = ["Tensor", "concatenate", "stack"]


class Tensor:
    """An ndarray with a gradient. `Tensor(data, requires_grad=False, dtype=None, label="")`."""
    __slots__ = ("data", "_grad", "_prev", "_op", "_local", "label", "requires_grad", "__weakref__",
                 "_backward_record")  # autodiff.backward_record: passes since zero_grad()
    __array_ufunc__ = None  # make `ndarray + Tensor` call Tensor.__radd__

    def __init__(self, data, requires_grad=False, dtype=None, label=""):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"Tensor(requires_grad=True): only floating-point tensors can require "
                            f"gradients, this one is {self.data.dtype} (pass dtype=np.float32)")
        self._grad = None
        self.label = label
        self.requires_grad = bool(requires_grad)
        self._prev, self._op, self._local = (), "", None

    @classmethod
    def _make(cls, data, children, op, local):
        """The result of an op: records the graph if any input needs a gradient."""
        out = cls.__new__(cls)
        out.data, out._grad, out.label = data, None, ""
        if _modes.grad_enabled and any(c.requires_grad for c in children):
            out.requires_grad = True
            out._prev, out._op, out._local = children, op, local
            if _modes.anomaly:
                autodiff.check_forward(out)
        else:
            out.requires_grad = False
            out._prev, out._op, out._local = (), "", None
        return out

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        label = f", label={self.label!r}" if self.label else ""
        if self.data.size <= 16:
            body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
            return f"Tensor({body}, dtype={self.data.dtype}{grad}{label})"
        return f"Tensor(shape={self.shape}, dtype={self.data.dtype}{grad}{label})"

    # --- array-like properties ---------------------------------------------------------

    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    T = property(lambda self: self.transpose())  # reversed axes

    def __len__(self):
        return len(self.data)

    @property
    def grad(self):
        """d root / d self, shaped like data (zeros until a gradient arrives)."""
        return np.zeros_like(self.data) if self._grad is None else self._grad

    @grad.setter
    def grad(self, value):
        self._grad = None if value is None else np.asarray(value, dtype=self.data.dtype)

    @property
    def has_grad(self):
        """Did a gradient arrive (backward or `t.grad = ...`) since the last zero_grad()?"""
        return self._grad is not None  # PyTorch's `grad is not None`; optimizers skip the rest

    def numpy(self):
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number (float, or int/bool by dtype)."""
        return self._only_element("item()")

    def detach(self):
        """The same data, cut from the graph (no gradient flows back through it)."""
        return Tensor(self.data)

    # --- primitives: forward value and local derivatives side by side ---------------------

    def __add__(self, other):
        other = _tensor(other, self)
        _check_broadcast("+", self, other)
        return Tensor._make(self.data + other.data, (self, other), "+",
                            lambda g: (g, g))  # d(a+b)/da = d(a+b)/db = 1

    def __mul__(self, other):
        other = _tensor(other, self)
        _check_broadcast("*", self, other)
        a, b = self.data, other.data
        return Tensor._make(a * b, (self, other), "*", lambda g: (g * b, g * a))  # d(ab)/da = b

    def __pow__(self, other):
        if isinstance(other, Tensor):
            return _pow_tensor(self, other)
        if not isinstance(other, (int, float)):
            raise TypeError(f"Tensor ** {type(other).__name__}: the exponent must be a number or a Tensor")
        x, n = self.data, other
        if n == 0:  # x^0 = 1 everywhere, 0^0 included: the derivative is 0 (n x^-1 would be nan at 0)
            return Tensor._make(np.ones_like(x), (self,), f"**{n:g}", lambda g: (np.zeros_like(x),))
        return Tensor._make(x ** n, (self,), f"**{n:g}",
                            lambda g: (g * n * x ** (n - 1),))  # d/dx x^n = n x^(n-1)

    def __matmul__(self, other):
        other = _tensor(other, self)
        a, b = self.data, other.data
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(f"matmul: {a.shape} @ {b.shape} needs the last dimension of the left "
                             f"operand to equal the {'second-to-last' if b.ndim > 1 else 'only'} "
                             f"dimension of the right one")
        try:
            out = a @ b
        except ValueError:  # the stack (batch) dimensions do not broadcast
            raise ValueError(f"matmul: {a.shape} @ {b.shape}: the leading (batch) dimensions "
                             f"{a.shape[:-2]} and {b.shape[:-2]} do not broadcast") from None
        needs = (self.requires_grad, other.requires_grad)
        return Tensor._make(out, (self, other), "@", lambda g: _matmul_local(g, a, b, needs))

    # --- derived: compositions of the primitives ------------------------------------------

    def __neg__(self):             # -a = a * -1
        return self * -1.0

    def __radd__(self, other):     # other + self
        return self + other

    def __sub__(self, other):      # a - b = a + (-b)
        return self + (-_tensor(other, self))

    def __rsub__(self, other):     # other - self
        return _tensor(other, self) + (-self)

    def __rmul__(self, other):     # other * self
        return self * other

    def __truediv__(self, other):  # a / b = a * b^-1
        return self * (other ** -1 if isinstance(other, Tensor) else _reciprocal(other))

    def __rtruediv__(self, other):  # other / self
        return self ** -1 * other

    def __rpow__(self, other):     # number ** Tensor
        return _tensor(other, self) ** self

    def __rmatmul__(self, other):  # other @ self
        return _tensor(other, self) @ self

    # --- unary functions ------------------------------------------------------------------

    def exp(self):
        e = np.exp(self.data)
        return Tensor._make(e, (self,), "exp", lambda g: (g * e,))  # d/dx e^x = e^x

    def log(self):
        x = self.data
        return Tensor._make(np.log(x), (self,), "log", lambda g: (g / x,))  # d/dx ln x = 1/x

    def tanh(self):
        t = np.tanh(self.data)
        return Tensor._make(t, (self,), "tanh", lambda g: (g * (1 - t * t),))  # 1 - tanh^2

    def sigmoid(self):
        # a primitive, not exp composed: 1/(1+e^-x) would overflow for x << 0
        x = self.data
        e = np.exp(-np.abs(x))  # never overflows
        s = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        return Tensor._make(s, (self,), "sigmoid", lambda g: (g * s * (1 - s),))  # s(1 - s)

    def relu(self):  # (workspace: the big arrays of a CNN reuse memory instead of page-faulting)
        x = self.data
        return Tensor._make(np.maximum(x, 0, out=workspace.empty_like(x)), (self,), "ReLU",
                            lambda g: (np.multiply(g, x > 0, out=workspace.empty_like(g)),))  # relu'(0) = 0

    def leaky_relu(self, slope=0.01):
        x = self.data
        return Tensor._make(np.where(x > 0, x, x * slope), (self,), "LeakyReLU",
                            lambda g: (np.where(x > 0, g, g * slope),))

    def abs(self):
        x = self.data
        return Tensor._make(np.abs(x), (self,), "abs", lambda g: (g * np.sign(x),))  # abs'(0) = 0

    def sqrt(self):                # sqrt(x) = x ** 0.5
        return self ** 0.5

    def clip(self, low=None, high=None):
        """Limit to [low, high]; the gradient is zero where the value was clipped."""
        x = self.data
        inside = np.ones(x.shape, bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        return Tensor._make(np.clip(x, low, high), (self,), "clip", lambda g: (g * inside,))

    # --- reductions: the n-ary ops of this engine -------------------------------------------

    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Sum over `axis` (NumPy's name; PyTorch's `dim=` and `keepdim=` work too)."""
        axis, keepdims = _dim_alias("sum", axis, keepdims, dim, keepdim)
        x = self.data
        axis = _axes(axis, x.ndim)
        return Tensor._make(x.sum(axis=axis, keepdims=keepdims), (self,), "sum",
                            lambda g: (np.broadcast_to(_keep(g, axis, keepdims), x.shape),))  # d/dx_i = 1

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):  # sum / count
        axis, keepdims = _dim_alias("mean", axis, keepdims, dim, keepdim)
        axes = _axes(axis, self.ndim)
        count = int(np.prod([self.shape[a] for a in axes])) if axes is not None else self.size
        return self.sum(axis, keepdims) * (1.0 / count)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """The largest value; on ties the FIRST maximum (lowest index) gets the gradient.

        Only the values, like NumPy: PyTorch's x.max(dim) also returns the indices, which
        here are x.argmax(axis). So `dim=` is refused rather than silently different.
        """
        if dim is not None or keepdim is not None:
            raise TypeError("max(dim=...): PyTorch's x.max(dim=d) returns (values, indices); "
                            "microdl's max returns the values only. Use x.max(axis=d, keepdims=...) "
                            "for the values and x.argmax(axis=d) for the indices")
        x = self.data
        axes = _axes(axis, x.ndim)
        axes = tuple(range(x.ndim)) if axes is None else axes
        rest = [d for d in range(x.ndim) if d not in axes]
        moved = x.transpose(rest + list(axes)).reshape([x.shape[d] for d in rest] + [-1])
        first = moved.argmax(axis=-1)
        out = np.take_along_axis(moved, first[..., None], -1)[..., 0]
        shape_kept = tuple(1 if d in axes else n for d, n in enumerate(x.shape))

        def local(g):
            hit = np.zeros(moved.shape, dtype=x.dtype)
            np.put_along_axis(hit, first[..., None], 1, -1)
            hit = hit.reshape([x.shape[d] for d in rest] + [x.shape[d] for d in axes])
            hit = hit.transpose(np.argsort(rest + list(axes)))
            return (hit * np.reshape(g, shape_kept),)
        return Tensor._make(out.reshape(shape_kept) if keepdims else out, (self,), "max", local)

    def argmax(self, axis=None):
        """Index of the largest value (a NumPy array: no gradient)."""
        return self.data.argmax(axis=axis)

    # --- shape ops: move numbers around, gradients move back -----------------------------------

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        old = self.shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {old} ({self.size} numbers) "
                             f"into shape {tuple(shape)}") from None
        return Tensor._make(out, (self,), "reshape", lambda g: (np.reshape(g, old),))

    def view(self, *shape):        # PyTorch's name for reshape
        return self.reshape(*shape)

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge dims start_dim..end_dim into one: (N, C, H, W).flatten(1) -> (N, C*H*W)."""
        start, end = start_dim % max(self.ndim, 1), end_dim % max(self.ndim, 1)
        shape = self.shape[:start] + (-1,) + self.shape[end + 1:]
        return self.reshape(shape)

    def transpose(self, *axes):
        """No arguments: reverse the axes (x.T). Two: swap them, as in PyTorch. More: permute."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if len(axes) == 2:
            order = list(range(self.ndim))
            order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
            axes = tuple(order)
        return self.permute(axes or tuple(reversed(range(self.ndim))))

    def permute(self, *axes):
        axes = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {axes} is not an order of the {self.ndim} axes of shape {self.shape}")
        back = tuple(np.argsort(axes))
        return Tensor._make(self.data.transpose(axes), (self,), "permute",
                            lambda g: (np.transpose(g, back),))

    def __getitem__(self, index):
        """Slices, integers, integer arrays and boolean masks, as in NumPy and PyTorch."""
        index = _plain_index(index)
        x = self.data
        out = x[index]

        def local(g):
            full = np.zeros_like(x)
            if _is_fancy(index):
                np.add.at(full, index, g)  # repeated indices add up
            else:
                full[index] = g
            return (full,)
        return Tensor._make(out, (self,), "index", local)

    def pad(self, pad_width, value=0.0):
        """np.pad with a constant: pad_width as in NumPy, e.g. ((0, 0), (0, 0), (1, 1), (1, 1))."""
        x = self.data
        widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2)) \
            if np.ndim(pad_width) <= 1 else np.asarray(pad_width, dtype=int)
        if widths.shape != (x.ndim, 2) or (widths < 0).any():
            raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor of shape {x.shape}")
        inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return Tensor._make(np.pad(x, widths, constant_values=value), (self,), "pad",
                            lambda g: (g[inner],))

    def astype(self, dtype):
        old = self.dtype
        return Tensor._make(self.data.astype(dtype), (self,), "astype", lambda g: (g.astype(old),))

    # --- Python number idioms: float(t), f"{t:.3f}", round(t, 2), t < 0 ------------------------
    # As in PyTorch: a one-element tensor converts to a Python number and formats like one;
    # a comparison gives a boolean Tensor without a graph. `==` and `hash` stay object
    # identity: autodiff and viz keep nodes in sets and dicts (PyTorch hashes by identity too).

    def __float__(self):
        return float(self._only_element("float"))

    def __int__(self):             # truncates toward 0, as int(2.7) == 2
        return int(self._only_element("int"))

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(
                f"the truth value of a Tensor with {self.data.size} elements (shape {self.shape}) "
                f"is ambiguous: only a one-element tensor can be used in `if`, `and`, `or`. "
                f"Use (t > 0).data.any() or .data.all(), or t.item() for one element")
        return bool(self.data.reshape(()))

    def __round__(self, ndigits=None):
        return round(self._only_element("round"), ndigits)

    def __format__(self, spec):    # f"{loss:.3f}" formats the number; f"{t}" is the repr
        if not spec:
            return str(self)
        return format(self._only_element(f"format spec {spec!r}"), spec)

    def __lt__(self, other):
        return _compare(self, other, np.less, "<")

    def __le__(self, other):
        return _compare(self, other, np.less_equal, "<=")

    def __gt__(self, other):
        return _compare(self, other, np.greater, ">")

    def __ge__(self, other):
        return _compare(self, other, np.greater_equal, ">=")

    def _only_element(self, what):
        """The single number of a one-element tensor (any shape), for float(), format()..."""
        if self.data.size != 1:
            raise ValueError(
                f"{what}: only one-element tensors can be converted to Python scalars; this "
                f"one has shape {self.shape} ({self.data.size} elements). Reduce it first "
                f"(t.mean(), t.sum()), pick one (t[0]), or use t.data for the NumPy array")
        return self.data.reshape(()).item()

    # --- backward ---------------------------------------------------------------------------

    def _backward(self):
        """The chain rule: each input gets (local derivative) x (upstream gradient)."""
        for child, g in zip(self._prev, self._local(self.grad)):
            if child.requires_grad and g is not None:
                child._accumulate(g)

    def _accumulate(self, g):
        """Add a gradient, summing broadcast dimensions back to this tensor's shape.

        The one place where broadcasting is undone: if x of shape (3, 1) was broadcast
        to (2, 3, 4), its gradient is summed over axis 0 (added) and axis 2 (stretched).
        """
        shape = self.data.shape
        if g.shape != shape:
            g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
            stretched = tuple(d for d, n in enumerate(shape) if n == 1 and g.shape[d] != 1)
            if stretched:
                g = g.sum(axis=stretched, keepdims=True)
        if self._grad is not None:
            self._grad = self._grad + g
        elif self._prev and g.dtype == self.data.dtype:
            self._grad = g  # an intermediate: keep the array the op gave us
        else:
            self._grad = np.array(g, dtype=self.data.dtype)  # a leaf owns a writable copy

    def backward(self, grad=None):
        """Fill `.grad` of every tensor this one depends on. A non-scalar needs `grad`."""
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward(): this tensor has shape {self.shape}; backward() without an argument "
                    f"needs a single number (a loss). Reduce it first (e.g. .sum() or .mean()) or "
                    f"pass grad= of shape {self.shape}.")
            grad = np.ones_like(self.data)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward(grad): grad has shape {grad.shape}, the tensor {self.shape}")
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not require grad: none of its inputs "
                               "has requires_grad=True (parameters do; or set x.requires_grad = True)")
        autodiff.backward(self, grad)

    def zero_grad(self):
        self._grad = None
        self._backward_record = None   # autodiff.backward_record: no pass since zero_grad()


# --- helpers ---------------------------------------------------------------------------------

def _as_array(data, dtype=None):
    """An ndarray for Tensor(data): float arrays keep their dtype, the rest become float32."""
    if isinstance(data, Tensor):
        data = data.data
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        raise TypeError(f"Tensor(data): cannot make an array of {type(data).__name__} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor(data) needs numbers (a number, nested lists of numbers, or a numeric "
                        f"array), got {type(data).__name__} with dtype {array.dtype}: {data!r:.60}")
    if dtype is not None:
        return array.astype(dtype, copy=False)
    if array.dtype.kind == "b":
        return array  # a mask, as torch.tensor([True, False]) is a bool tensor
    if array.dtype.kind != "f" or not isinstance(data, (np.ndarray, np.generic)):
        return array.astype(np.float32)  # lists, numbers and integer arrays
    return array


def _tensor(x, like):
    """Wrap a number or array as a constant Tensor of `like`'s float dtype."""
    if isinstance(x, Tensor):
        return x
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot combine a Tensor with {type(x).__name__} {x!r:.60}")
    out = Tensor.__new__(Tensor)
    dtype = like.data.dtype if like.data.dtype.kind == "f" else np.float32  # a mask * 2.0 is float
    out.data = array.astype(dtype) if array.dtype.kind != "f" or array.ndim == 0 else array
    out._grad, out.label, out.requires_grad = None, "", False
    out._prev, out._op, out._local = (), "", None
    return out


def _compare(tensor, other, compare, symbol):
    """tensor < other (or <=, >, >=) elementwise: a boolean Tensor, never part of the graph."""
    other = _tensor(other, tensor)
    _check_broadcast(symbol, tensor, other)
    out = Tensor.__new__(Tensor)  # not Tensor(...): that would turn the booleans into float32
    out.data = compare(tensor.data, other.data)
    out._grad, out.label, out.requires_grad = None, "", False
    out._prev, out._op, out._local = (), "", None
    return out


def _check_broadcast(op, a, b):
    """A clear error when two shapes do not broadcast (NumPy's rule: align from the right;
    each pair of sizes must be equal or one of them 1)."""
    if a.data.shape != b.data.shape:
        try:
            np.broadcast_shapes(a.data.shape, b.data.shape)
        except ValueError:
            raise ValueError(f"'{op}': shapes {a.data.shape} and {b.data.shape} do not broadcast "
                             f"(aligned from the right, each pair of sizes must be equal or 1); "
                             f"reshape one of them") from None


def _reciprocal(x):
    """1 / x for a number or an array; 1 / 0 is inf with NumPy's RuntimeWarning (the engine's
    rule, as for `Tensor / Tensor(0)`), not Python's ZeroDivisionError."""
    if isinstance(x, (int, float)):
        return float(np.divide(1.0, float(x)))  # a Python float: keeps the tensor's dtype
    return 1.0 / np.asarray(x)


def _pow_tensor(base, exponent):
    """a ** b with both Tensors: d/da = b a^(b-1), d/db = a^b ln a.

    As in PyTorch: d/da is 0 where b = 0 (a^0 = 1 for every a, 0 included), and d/db is 0
    where a = 0 and b >= 0 (0^b is constant there); a^b ln a is nan for a < 0.
    """
    a, b = base.data, exponent.data
    out = a ** b
    with np.errstate(divide="ignore", invalid="ignore"):
        d_base = np.where(b == 0, 0, b * a ** (b - 1))
        d_exponent = np.where((a == 0) & (b >= 0), 0, out * np.log(a))
    return Tensor._make(out, (base, exponent), "**",
                        lambda g: (g * d_base, g * d_exponent))


def _matmul_local(g, a, b, needs=(True, True)):
    """Gradients of a @ b for vectors, matrices and stacks of matrices (None if not needed).

    A vector is a matrix with one row (on the left) or one column (on the right), as in
    NumPy and PyTorch; g gets those axes back, and `_accumulate` sums broadcast stacks.
    """
    a2 = a[None, :] if a.ndim == 1 else a                       # (k,) -> (1, k)
    b2 = b[:, None] if b.ndim == 1 else b                       # (k,) -> (k, 1)
    stack = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    g = np.reshape(g, stack + (a2.shape[-2], b2.shape[-1]))     # vector @ vector: g is 0-d
    ga = g @ np.swapaxes(b2, -1, -2) if needs[0] else None  # dL/da = g b^T
    gb = np.swapaxes(a2, -1, -2) @ g if needs[1] else None  # dL/db = a^T g
    if a.ndim == 1 and ga is not None:
        ga = ga[..., 0, :]
    if b.ndim == 1 and gb is not None:
        gb = gb[..., :, 0]
    return ga, gb


def _axes(axis, ndim):
    """Normalise an axis argument to a sorted tuple of non-negative axes (or None)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    return tuple(sorted(a % max(ndim, 1) for a in axes))


def _dim_alias(op, axis, keepdims, dim, keepdim):
    """PyTorch's dim/keepdim as aliases of NumPy's axis/keepdims (one of each, not both)."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}(): give axis= or dim= (the same thing), not both")
        axis = dim
    return axis, keepdims if keepdim is None else keepdim


def _keep(g, axes, keepdims):
    """Put back the reduced axes (as size 1) so g broadcasts against the input."""
    if keepdims or axes is None:  # a 0-d g broadcasts as it is
        return g
    return np.expand_dims(g, axes)


def _plain_index(index):
    """An index NumPy reads as PyTorch does: masks become the positions they select.

    A boolean mask (a bool Tensor, array or list) keeps the elements where it is True; a
    float Tensor of whole numbers (microdl's class labels) is read as integer positions.
    Masks are turned into positions (np.nonzero) so the backward's np.add.at sees indices.
    """
    parts = index if isinstance(index, tuple) else (index,)
    plain = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        if isinstance(part, list):
            part = np.asarray(part)
        if isinstance(part, np.ndarray) and part.dtype.kind == "f":
            if not np.all(part == np.round(part)):
                raise IndexError(f"index: a Tensor used as an index must hold whole numbers or "
                                 f"booleans, got {part.ravel()[:4]}...")
            part = part.astype(np.intp)
        if isinstance(part, np.ndarray) and part.dtype == bool and part.ndim > 0:
            plain.extend(np.nonzero(part))              # one integer array per mask axis
        else:
            plain.append(part)
    return tuple(plain) if isinstance(index, tuple) or len(plain) != 1 else plain[0]


def _is_fancy(index):
    """Does this index pick elements by arrays (so one element may be picked twice)?"""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, (list, np.ndarray)) for p in parts)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis; each gets its slice of the gradient back."""
    tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
    sizes = [t.shape[axis] for t in tensors]
    bounds = np.cumsum(sizes)[:-1]
    return Tensor._make(np.concatenate([t.data for t in tensors], axis=axis), tensors, "concat",
                        lambda g: tuple(np.split(g, bounds, axis=axis)))


def stack(tensors, axis=0):
    """Join tensors along a new axis."""
    tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
    return Tensor._make(np.stack([t.data for t in tensors], axis=axis), tensors, "stack",
                        lambda g: tuple(np.moveaxis(g, axis, 0)))
