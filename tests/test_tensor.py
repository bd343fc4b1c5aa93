"""The tensor engine: every op against finite differences (float64), broadcasting, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microdl import Tensor, Value, concatenate, gradcheck, no_grad, stack
from tensor_strategies import array, broadcast_pairs, seeds, shapes

FAST = settings(max_examples=25, deadline=None)

UNARY = [
    ("exp", lambda x: x.exp(), "any"),
    ("log", lambda x: x.log(), "positive"),
    ("tanh", lambda x: x.tanh(), "any"),
    ("sigmoid", lambda x: x.sigmoid(), "any"),
    ("relu", lambda x: x.relu(), "away"),
    ("leaky_relu", lambda x: x.leaky_relu(0.1), "away"),
    ("abs", lambda x: x.abs(), "away"),
    ("sqrt", lambda x: x.sqrt(), "positive"),
    ("clip", lambda x: x.clip(-0.05, 0.05) + x.clip(None, 0.0) * 2, "away"),
    ("neg", lambda x: -x, "any"),
    ("pow2", lambda x: x ** 2, "any"),
    ("pow3", lambda x: x ** 3, "any"),
    ("pow-1.5", lambda x: x ** -1.5, "positive"),
    ("rpow", lambda x: 2.0 ** x, "any"),
    ("rsub", lambda x: 3.0 - x, "any"),
    ("rdiv", lambda x: 3.0 / x, "away"),
    ("sum", lambda x: x.sum(), "any"),
    ("sum_axis0", lambda x: x.sum(axis=0), "any"),
    ("sum_last_keep", lambda x: x.sum(axis=-1, keepdims=True), "any"),
    ("mean", lambda x: x.mean(), "any"),
    ("mean_axis0", lambda x: x.mean(axis=0), "any"),
    ("max", lambda x: x.max(), "distinct"),
    ("max_axis_last", lambda x: x.max(axis=-1), "distinct"),
    ("max_axis0_keep", lambda x: x.max(axis=0, keepdims=True), "distinct"),
    ("reshape", lambda x: x.reshape(-1) * np.arange(x.size), "any"),
    ("flatten", lambda x: x.flatten() * np.arange(x.size), "any"),
    ("transpose", lambda x: x.T * np.arange(x.size).reshape(x.T.shape), "any"),
    ("index_first", lambda x: x[0] * 2, "any"),
    ("index_fancy_repeats", lambda x: x.reshape(-1)[[0, 0, x.size - 1]], "any"),
    ("index_slice", lambda x: x[..., ::2], "any"),
    ("pad", lambda x: x.pad(1) * np.arange(np.prod([n + 2 for n in x.shape])).reshape(
        [n + 2 for n in x.shape]), "any"),
    ("astype", lambda x: x.astype(np.float64) * 3, "any"),
]


@pytest.mark.parametrize("name, f, kind", UNARY, ids=[u[0] for u in UNARY])
def test_unary_ops_match_finite_differences(name, f, kind):
    @FAST
    @given(shapes, seeds)
    def check(shape, seed):
        gradcheck(f, array(seed, shape, kind))
    check()


BINARY = [
    ("add", lambda a, b: a + b, "any", "any"),
    ("sub", lambda a, b: a - b, "any", "any"),
    ("mul", lambda a, b: a * b, "any", "any"),
    ("div", lambda a, b: a / b, "any", "away"),
    ("pow_tensor", lambda a, b: a ** b, "positive", "any"),
    ("mixed", lambda a, b: (a * b).tanh() + a.exp() / (1 + b * b), "any", "any"),
]


@pytest.mark.parametrize("name, f, kind_a, kind_b", BINARY, ids=[b[0] for b in BINARY])
def test_broadcasting_binary_ops_match_finite_differences(name, f, kind_a, kind_b):
    @FAST
    @given(broadcast_pairs(), seeds)
    def check(pair, seed):
        gradcheck(f, array(seed, pair[0], kind_a), array(seed + 1, pair[1], kind_b))
    check()


@FAST
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2), seeds)
def test_matmul_matches_finite_differences(n, k, m, batch, seed):
    a_shape = (batch, n, k) if batch else (n, k)
    gradcheck(lambda a, b: a @ b, array(seed, a_shape), array(seed + 1, (k, m)))
    gradcheck(lambda a, b: a @ b, array(seed, (k,)), array(seed + 1, (k, m)))   # vector @ matrix
    gradcheck(lambda a, b: a @ b, array(seed, (n, k)), array(seed + 1, (k,)))   # matrix @ vector


@FAST
@given(shapes, seeds, st.integers(0, 2))
def test_concatenate_and_stack(shape, seed, axis):
    axis = axis % len(shape)
    gradcheck(lambda a, b: concatenate([a, b * 2], axis=axis), array(seed, shape), array(seed + 1, shape))
    gradcheck(lambda a, b: stack([a, b * 2], axis=axis), array(seed, shape), array(seed + 1, shape))


def test_permute_and_transpose_forms():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert x.permute(2, 0, 1).shape == (4, 2, 3)
    assert x.transpose(0, 2).shape == (4, 3, 2)    # two axes: swap (PyTorch)
    assert x.T.shape == (4, 3, 2)
    gradcheck(lambda t: t.permute(2, 0, 1) * np.arange(24.0).reshape(4, 2, 3), x.data)


def test_max_ties_give_the_gradient_to_the_first():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])


def test_broadcast_gradient_is_summed_back_to_the_input_shape():
    a = Tensor(np.ones((2, 3, 4)), requires_grad=True)
    b = Tensor(np.ones((3, 1)), requires_grad=True)
    (a * b).sum().backward()
    assert b.grad.shape == (3, 1)
    np.testing.assert_array_equal(b.grad, np.full((3, 1), 8.0))


# --- dtype, construction, properties ---------------------------------------------------
def test_dtypes_follow_pytorch():
    assert Tensor([1, 2, 3]).dtype == np.float32            # lists -> float32
    assert Tensor(3).dtype == np.float32                    # numbers -> float32
    assert Tensor(np.arange(3)).dtype == np.float32         # integer arrays -> float32
    assert Tensor(np.zeros(3)).dtype == np.float64          # float64 stays float64
    assert Tensor(np.zeros(3, np.float32)).dtype == np.float32
    x = Tensor(np.zeros(3, np.float32))
    assert (x * 2.5).dtype == np.float32                    # numbers do not promote
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64


def test_grad_always_has_the_shape_of_data():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    assert x.grad.shape == (2, 3) and not x.grad.any()
    (x * 2).sum().backward()
    assert x.grad.shape == (2, 3)
    x.zero_grad()
    assert x.grad.shape == (2, 3) and not x.grad.any()


def test_accumulation_semantics_match_value():
    x = Tensor([2.0], requires_grad=True)
    y = x * x
    z = (y * 3.0).sum()
    z.backward()
    z.backward()
    assert x.grad[0] == 24.0 and y.grad[0] == 3.0     # leaves accumulate, intermediates do not


def test_reused_intermediate():
    a = Tensor([3.0], requires_grad=True)
    b = a + a
    (b + b).sum().backward()
    assert a.grad[0] == 4.0


def test_properties_and_repr():
    x = Tensor(np.ones((2, 3), np.float32), requires_grad=True, label="x")
    assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
    assert "dtype=float32" in repr(x) and "requires_grad=True" in repr(x) and "label='x'" in repr(x)
    assert "shape=(100, 100)" in repr(Tensor(np.zeros((100, 100))))
    assert Tensor([[5.0]]).item() == 5.0
    assert x.numpy() is x.data
    d = (x * 2).detach()
    assert not d.requires_grad and d._prev == ()


def test_non_scalar_backward_needs_grad():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*sum\(\) or .mean\(\)"):
        (x * 2).backward()
    (x * 2).backward(np.ones((2, 3)))
    assert (x.grad == 2).all()
    with pytest.raises(ValueError, match="grad has shape"):
        (x * 2).backward(np.ones(3))


def test_backward_without_any_requires_grad_is_explained():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (Tensor([1.0]) * 2).sum().backward()


def test_only_tensors_that_require_grad_record_the_graph():
    x, w = Tensor([1.0, 2.0]), Tensor([3.0, 4.0], requires_grad=True)
    assert (x * 2)._prev == ()
    assert (x * w)._prev == (x, (x * w)._prev[1])
    with no_grad():
        assert (x * w)._prev == ()


@pytest.mark.parametrize("bad", ["abc", None, [[1, 2], [3]], {"a": 1}])
def test_bad_data_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)


def test_bad_shapes_are_named():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul: \(2, 3\) @ \(4, 5\)"):
        a @ b
    with pytest.raises(ValueError, match=r"'\+': shapes \(2, 3\) and \(4, 5\) do not broadcast"):
        a + b
    with pytest.raises(ValueError, match=r"'\*': shapes \(2, 3\) and \(4, 5\) do not broadcast"):
        a * b
    with pytest.raises(ValueError, match=r"cannot reshape a tensor of shape \(2, 3\)"):
        a.reshape(4, 2)
    with pytest.raises(ValueError, match="axis 5 is out of range"):
        a.sum(axis=5)
    with pytest.raises(ValueError, match="permute"):
        a.permute(0, 0)


def test_numpy_scalars_and_arrays_on_the_left():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.float32(2.0) * x + np.array([1.0, 1.0]) - x / 2
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.5, 1.5])


def test_stable_sigmoid_at_extremes():
    x = Tensor([-1000.0, 0.0, 1000.0])
    np.testing.assert_array_equal(x.sigmoid().data, [0.0, 0.5, 1.0])


def test_a_long_chain_backpropagates():
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.sum().backward()
    assert x.grad[0] == 1.0


def test_gradcheck_reports_tensor_inputs():
    report = gradcheck(lambda a: (a * a).sum(), np.arange(6.0).reshape(2, 3))
    assert report.ok and "array(2, 3)" in str(report)


def test_value_and_tensor_engines_agree_on_an_mlp():
    """The same 2-3-1 tanh MLP in both engines gives the same loss and gradients."""
    from microdl.nn import MLP
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=4)
    scalar = MLP(2, [3, 1], activation="tanh", seed=1)
    loss = Value.sum([(scalar(list(x)) - t) ** 2 for x, t in zip(X, y)]) * 0.25
    loss.backward()
    (l1, l2) = scalar.layers
    W1 = Tensor([[w.data for w in n.w] for n in l1.neurons], requires_grad=True, dtype=np.float64)
    b1 = Tensor([n.b.data for n in l1.neurons], requires_grad=True, dtype=np.float64)
    W2 = Tensor([[w.data for w in n.w] for n in l2.neurons], requires_grad=True, dtype=np.float64)
    b2 = Tensor([n.b.data for n in l2.neurons], requires_grad=True, dtype=np.float64)
    out = ((Tensor(X) @ W1.T + b1).tanh() @ W2.T + b2).reshape(-1)
    tloss = ((out - Tensor(y)) ** 2).mean()
    tloss.backward()
    assert tloss.item() == pytest.approx(loss.data, rel=1e-12)
    np.testing.assert_allclose(W1.grad, [[w.grad for w in n.w] for n in l1.neurons], rtol=1e-10)
    np.testing.assert_allclose(b1.grad, [n.b.grad for n in l1.neurons], rtol=1e-10)
    np.testing.assert_allclose(W2.grad, [[w.grad for w in n.w] for n in l2.neurons], rtol=1e-10)
    np.testing.assert_allclose(b2.grad, [n.b.grad for n in l2.neurons], rtol=1e-10)


# --- issue 14 regressions (the torch comparisons are in test_parity_losses.py) ------------

def test_vector_dot_product_backward():
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([4.0, 5.0, 6.0]), requires_grad=True)
    (a @ b).backward()                                          # raised AxisError
    np.testing.assert_allclose(a.grad, [4, 5, 6])
    np.testing.assert_allclose(b.grad, [1, 2, 3])
    gradcheck(lambda x, y: x @ y, np.arange(3.0), np.ones((2, 3, 2)))
    gradcheck(lambda x, y: x @ y, np.ones((2, 1, 2, 3)), np.arange(18.0).reshape(3, 3, 2))


def test_power_zero_has_zero_gradient_at_zero():
    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    (x ** 0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]                        # was nan at 0
    a, b = Tensor(0.0, requires_grad=True), Tensor(0.0, requires_grad=True)
    (a ** b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_boolean_masks_select_where_true():
    x = Tensor(np.array([10.0, 20.0, 30.0]), requires_grad=True)
    for mask in (Tensor([True, False, True]), np.array([True, False, True]), [True, False, True]):
        picked = x[mask]
        assert picked.data.tolist() == [10.0, 30.0]             # was [20, 10, 20]
    (x[Tensor([True, False, True])] * Tensor(np.array([2.0, 3.0]))).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 3.0]
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        Tensor([True, False], requires_grad=True)


def test_sum_and_mean_take_torchs_dim_and_keepdim_and_max_refuses_dim():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(dim=1, keepdim=True).shape == (2, 1)
    assert x.mean(dim=0).data.tolist() == [1.5, 2.5, 3.5]
    with pytest.raises(TypeError, match=r"returns \(values, indices\).*argmax"):
        x.max(dim=1)


@pytest.mark.parametrize("zero", [0, 0.0, np.float64(0.0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_division_by_a_plain_zero_follows_the_same_rule(zero, dtype):
    """Tensor / 0 (a number) gives what Tensor / Tensor(0) gives: inf/nan with NumPy's
    RuntimeWarning, forward and backward, and the dtype is kept."""
    results = []
    for divisor in (zero, Tensor(0.0, dtype=dtype)):
        x = Tensor(np.array([1.0, -2.0, 0.0], dtype=dtype), requires_grad=True)
        with pytest.warns(RuntimeWarning, match="divide by zero"), np.errstate(invalid="ignore"):
            out = x / divisor                               # (0 * inf = nan: invalid, expected)
        assert out.dtype == dtype
        with np.errstate(invalid="ignore"):
            out.sum().backward()
        results.append((out.data, x.grad))
    (data, grad), (expected_data, expected_grad) = results
    np.testing.assert_array_equal(data, expected_data)      # [inf, -inf, nan] both ways
    np.testing.assert_array_equal(grad, expected_grad)      # d(x/0)/dx = 1/0 = inf
    assert np.isinf(grad).all()


def test_division_by_a_plain_zero_under_detect_anomaly_raises():
    from microdl import detect_anomaly
    x = Tensor([1.0, 2.0], requires_grad=True)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="anomaly in forward"):
        with np.errstate(divide="ignore"):
            x / 0
