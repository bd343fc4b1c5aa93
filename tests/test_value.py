"""The scalar engine: every op against finite differences, stability, kinks, errors."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microdl import Value, gradcheck

# --- the table of ops: (name, function of Values, strategy per input) ----------------
smooth = st.floats(-3, 3)
positive = st.floats(0.2, 4)
away_from_zero = st.one_of(st.floats(-3, -0.01), st.floats(0.01, 3))

OPS = [
    ("add", lambda a, b: a + b, [smooth, smooth]),
    ("mul", lambda a, b: a * b, [smooth, smooth]),
    ("sub", lambda a, b: a - b, [smooth, smooth]),
    ("div", lambda a, b: a / b, [smooth, away_from_zero]),
    ("neg", lambda a: -a, [smooth]),
    ("pow2", lambda a: a ** 2, [smooth]),
    ("pow3", lambda a: a ** 3, [smooth]),
    ("pow-1.5", lambda a: a ** -1.5, [positive]),
    ("pow_value", lambda a, b: a ** b, [positive, smooth]),
    ("rpow", lambda a: 2.0 ** a, [smooth]),
    ("radd", lambda a: 2.5 + a, [smooth]),
    ("rsub", lambda a: 2.5 - a, [smooth]),
    ("rmul", lambda a: 2.5 * a, [smooth]),
    ("rdiv", lambda a: 2.5 / a, [away_from_zero]),
    ("exp", lambda a: a.exp(), [smooth]),
    ("log", lambda a: a.log(), [positive]),
    ("tanh", lambda a: a.tanh(), [smooth]),
    ("sigmoid", lambda a: a.sigmoid(), [smooth]),
    ("relu", lambda a: a.relu(), [away_from_zero]),
    ("leaky_relu", lambda a: a.leaky_relu(0.1), [away_from_zero]),
    ("abs", lambda a: a.abs(), [away_from_zero]),
    ("sum", lambda a, b, c: Value.sum([a, b, 2.0, c, a]), [smooth] * 3),
    ("dot", lambda a, b, c: Value.dot([a, b, 0.5], [c, 1.5, a]), [smooth] * 3),
    ("dot+bias", lambda a, b, c: Value.dot([a, b], [c, b], bias=a), [smooth] * 3),
]


@pytest.mark.parametrize("name, f, strategies", OPS, ids=[o[0] for o in OPS])
def test_op_matches_finite_differences(name, f, strategies):
    @settings(max_examples=40, deadline=None)
    @given(st.tuples(*strategies))
    def check(xs):
        gradcheck(f, *xs, atol=1e-5, rtol=1e-4)
    check()


# --- random expression trees -------------------------------------------------------
UNARY = [lambda e: e.tanh(), lambda e: e.sigmoid(), lambda e: (e.tanh()).exp(),
         lambda e: -e, lambda e: e * 0.7, lambda e: 1.0 / (1.0 + e * e), lambda e: (e * e + 1).log()]
BINARY = [lambda l, r: l + r, lambda l, r: l * r, lambda l, r: l - r,
          lambda l, r: l.tanh() ** 2 + r]

trees = st.recursive(
    st.sampled_from([0, 1, 2]),
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(range(len(UNARY))), sub),
        st.tuples(st.sampled_from(range(len(BINARY))), sub, sub)),
    max_leaves=12)


def build(tree, xs):
    if isinstance(tree, int):
        return xs[tree]
    if len(tree) == 2:
        return UNARY[tree[0]](build(tree[1], xs))
    return BINARY[tree[0]](build(tree[1], xs), build(tree[2], xs))


@settings(max_examples=150, deadline=None)
@given(trees, st.tuples(smooth, smooth, smooth))
def test_random_expression_trees_match_finite_differences(tree, xs):
    gradcheck(lambda a, b, c: build(tree, [a, b, c]) + 0 * (a + b + c), *xs, atol=1e-5, rtol=1e-4)


# --- kinks, limits, domains ---------------------------------------------------------
def grad_of(f, x):
    v = Value(x)
    f(v).backward()
    return v.grad


def test_derivatives_at_kinks_are_defined():
    assert grad_of(Value.relu, 0.0) == 0.0
    assert grad_of(lambda v: v.leaky_relu(0.1), 0.0) == 0.1
    assert grad_of(Value.abs, 0.0) == 0.0
    assert grad_of(Value.relu, 1e-12) == 1.0


def test_saturating_functions_reach_exact_limits_without_overflow():
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert grad_of(Value.sigmoid, -1000.0) == 0.0
    assert grad_of(Value.tanh, 1000.0) == 0.0


def test_exp_overflow_is_inf_with_a_warning():
    with pytest.warns(RuntimeWarning, match="exp.*overflows"):
        assert Value(1000.0).exp().data == math.inf


@pytest.mark.parametrize("x, expected", [(0.0, -math.inf), (-1.0, math.nan)])
def test_log_outside_its_domain_warns(x, expected):
    with pytest.warns(RuntimeWarning, match="log"):
        out = Value(x).log().data
    assert out == expected or (math.isnan(out) and math.isnan(expected))


def test_negative_base_with_value_exponent_follows_the_nan_rule():
    a, b = Value(-2.0), Value(2.0)
    with pytest.warns(RuntimeWarning, match="exponent"):
        out = a ** b
    assert out.data == 4.0      # the value itself is real
    out.backward()
    assert a.grad == -4.0       # d/da a^2 = 2a
    assert math.isnan(b.grad)   # a^b ln(a) has no real value


def test_fractional_power_of_negative_is_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match="not a real number"):
        assert math.isnan((Value(-8.0) ** (1 / 3)).data)


def test_division_by_zero_is_inf_with_a_warning():
    with pytest.warns(RuntimeWarning, match="divides by zero"):
        assert (Value(1.0) / Value(0.0)).data == math.inf


@pytest.mark.parametrize("numerator", [1.0, -2.0, 0.0])
@pytest.mark.parametrize("zero", [0, 0.0, np.float32(0.0)])
def test_division_by_a_plain_zero_follows_the_same_rule(numerator, zero):
    """Value / 0 (a number) gives what Value / Value(0) gives, forward and backward."""
    results = []
    for divisor in (zero, Value(0.0)):
        a = Value(numerator)
        with pytest.warns(RuntimeWarning, match="divides by zero"):
            out = a / divisor
        out.backward()
        results.append((out.data, a.grad))
    (data, grad), (expected_data, expected_grad) = results
    assert math.isinf(grad) and grad == expected_grad                   # d(a/0)/da = 1/0
    assert data == expected_data or (math.isnan(data) and math.isnan(expected_data))


def test_division_by_a_plain_zero_under_detect_anomaly_raises():
    from microdl import detect_anomaly
    with detect_anomaly(), pytest.raises(FloatingPointError, match="anomaly in forward"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            Value(1.0) / 0


def test_zero_base_value_exponent_has_zero_exponent_derivative():
    a, b = Value(0.0), Value(2.0)
    (a ** b).backward()
    assert b.grad == 0.0 and a.grad == 0.0


# --- numbers on both sides, repr, errors -------------------------------------------------
def test_numbers_on_either_side():
    a = Value(3.0)
    assert (2 + a).data == 5 and (a + 2).data == 5
    assert (2 - a).data == -1 and (a - 2).data == 1
    assert (2 * a).data == 6 and (a * 2).data == 6
    assert (6 / a).data == 2 and (a / 2).data == 1.5
    assert (2 ** a).data == 8 and (a ** 2).data == 9
    assert (-a).data == -3


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_repr_and_labels():
    v = Value(0.7311)
    v.grad = 0.1966
    assert repr(v) == "Value(data=0.7311, grad=0.1966)"
    a = Value(2.0, label="a")
    assert "label='a'" in repr(a)
    a.label = "alpha"
    assert a.label == "alpha"


@pytest.mark.parametrize("bad", ["3", None, [1.0, 2.0], (1, 2), 1 + 2j, {"x": 1}])
def test_bad_data_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="Value\\(data\\) needs a real number"):
        Value(bad)


def test_a_list_suggests_tensor():
    with pytest.raises(TypeError, match="Tensor"):
        Value([1.0, 2.0])


def test_numpy_scalars_are_accepted():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(2)).data == 2.0
    assert type(Value(np.float64(2)).data) is float


def test_dot_length_mismatch_is_explained():
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        Value.dot([Value(1), Value(2)], [1, 2, 3])


def test_dot_and_sum_are_single_nodes():
    xs = [Value(float(i)) for i in range(5)]
    ws = [Value(0.5) for _ in range(5)]
    d = Value.dot(ws, xs, bias=Value(1.0))
    assert d._op == "dot" and len(d._prev) == 11
    assert d.data == 0.5 * sum(range(5)) + 1
    s = Value.sum(xs)
    assert s._op == "sum" and len(s._prev) == 5


def test_frozen_values_get_no_gradient():
    w = Value(2.0)
    w.requires_grad = False
    x = Value(3.0)
    (w * x).backward()
    assert w.grad == 0.0 and x.grad == 2.0


def test_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    xs = [0.3, -1.2, 2.0]
    a, b, c = (Value(x) for x in xs)
    out = ((a * b).tanh() + c.sigmoid() * a.exp() - (b * b + 1).log() / c + (a - c).relu()
           + (a * c).leaky_relu(0.05) + b.abs() ** 1.5)
    out.backward()
    ta, tb, tc = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs)
    tout = ((ta * tb).tanh() + tc.sigmoid() * ta.exp() - (tb * tb + 1).log() / tc
            + (ta - tc).relu() + torch.nn.functional.leaky_relu(ta * tc, 0.05) + tb.abs() ** 1.5)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    for v, t in zip((a, b, c), (ta, tb, tc)):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10)


def test_zero_to_the_power_zero_has_torchs_gradients():
    a, b = Value(0.0), Value(0.0)
    (a ** b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)                       # the exponent's was nan


def test_a_division_by_zero_is_named_a_division_not_a_power():
    """a / b is computed as a * b^-1; the warning still says '/', as the user wrote it."""
    for divisor in (Value(0.0), 0.0):
        with pytest.warns(RuntimeWarning, match=r"Value\./: input 0\.0 divides by zero \(it is the divisor\)"):
            Value(1.0) / divisor
    with pytest.warns(RuntimeWarning) as caught:
        Value(0.0) ** -1
    assert all(str(w.message).startswith("Value.**: input 0.0 to the power") for w in caught)
