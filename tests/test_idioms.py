"""The Python idioms a class types: float(loss), f"{loss:.3f}", round(), if, <, on both engines."""
import math

import numpy as np
import pytest

from microdl import Tensor, Value, nn
from microdl.autodiff import topological_order


def one_element_tensors(x):
    """The same number as a 0-d, a (1,) and a (1, 1) tensor, in float32 and float64."""
    return [Tensor(np.array(x, dtype=dtype).reshape(shape))
            for dtype in (np.float32, np.float64) for shape in ((), (1,), (1, 1))]


def numbers_of_both_engines(x):
    return [Value(x)] + one_element_tensors(x)


# --- numbers and formatting ----------------------------------------------------------------

@pytest.mark.parametrize("x", [2.71828, -0.5, 0.0, 1234.5678])
def test_float_format_and_round_read_the_number(x):
    for v in numbers_of_both_engines(x):
        stored = float(np.float32(x)) if isinstance(v, Tensor) and v.dtype == np.float32 else x
        assert float(v) == stored and isinstance(float(v), float)
        assert f"{v:.3f}" == f"{stored:.3f}"
        assert format(v, ".2e") == format(stored, ".2e")
        assert round(v, 2) == round(stored, 2)
        assert round(v) == round(stored) and isinstance(round(v), int)
        assert int(v) == int(stored)  # toward zero, as int(-0.5) == 0


def test_format_without_a_spec_is_the_repr():
    v, t = Value(0.5), Tensor([0.5])
    assert f"{v}" == repr(v) and f"{t}" == repr(t)


def test_int_truncates_toward_zero_like_python():
    for v in numbers_of_both_engines(-2.7):
        assert int(v) == -2


def test_item_of_one_element_tensor():
    assert Tensor(np.float64(3.25)).item() == 3.25
    assert Tensor([[3.25]], dtype=np.float64).item() == 3.25


@pytest.mark.parametrize("convert", [float, int, round, lambda t: format(t, ".3f"), Tensor.item])
def test_many_elements_do_not_convert_and_say_why(convert):
    with pytest.raises(ValueError, match=r"only one-element tensors can be converted.*\(2, 3\)"):
        convert(Tensor(np.ones((2, 3))))


def test_float_of_a_loss_keeps_the_graph_untouched():
    w = Value(2.0)
    loss = w * w
    assert float(loss) == 4.0 and f"{loss:.1f}" == "4.0"
    loss.backward()
    assert w.grad == 4.0


# --- truth value: as for a float, and as PyTorch for a one-element tensor ----------------

@pytest.mark.parametrize("x, expected", [(0.0, False), (-0.0, False), (1e-30, True), (-3.0, True)])
def test_bool_is_data_not_zero(x, expected):
    for v in numbers_of_both_engines(x):
        assert bool(v) is expected


def test_bool_of_many_elements_is_ambiguous():
    with pytest.raises(RuntimeError, match=r"3 elements \(shape \(3,\)\) is ambiguous"):
        if Tensor([1.0, 0.0, 2.0]):
            pass
    with pytest.raises(RuntimeError, match="0 elements"):
        bool(Tensor(np.zeros(0)))


# --- comparisons: plain bool for Value, boolean Tensor for Tensor --------------------------

@pytest.mark.parametrize("a, b", [(1.0, 2.0), (2.0, 2.0), (3.0, -1.0)])
def test_value_comparisons_compare_data_and_return_bool(a, b):
    for other in (b, Value(b)):
        results = (Value(a) < other, Value(a) <= other, Value(a) > other, Value(a) >= other)
        assert results == (a < b, a <= b, a > b, a >= b)
        assert all(type(r) is bool for r in results)
    assert (b > Value(a)) == (b > a) and (b <= Value(a)) == (b <= a)  # reflected


def test_values_sort_and_max_by_data():
    values = [Value(3.0), Value(-1.0), Value(2.0)]
    assert [v.data for v in sorted(values)] == [-1.0, 2.0, 3.0]
    assert max(values) is values[0]


def test_value_compared_with_a_string_says_what_to_do():
    with pytest.raises(TypeError, match="compare with a number or another Value"):
        Value(1.0) < "2"


def test_tensor_comparisons_give_boolean_tensors_without_graph():
    x = Tensor([[-1.0, 0.0, 2.0]], requires_grad=True)
    for result, expected in [(x < 0, [[True, False, False]]), (x <= 0, [[True, True, False]]),
                             (x > 0, [[False, False, True]]), (x >= 0, [[False, True, True]]),
                             (0 < x, [[False, False, True]]),
                             (x > Tensor([[0.0], [1.5]]), [[False, False, True], [False, False, True]]),
                             (x < np.array([0.0, 1.0, 3.0]), [[True, True, True]])]:
        assert isinstance(result, Tensor) and result.dtype == np.bool_
        assert result.data.tolist() == expected
        assert not result.requires_grad and result._prev == ()


def test_tensor_comparison_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"'<'.*\(3,\) and \(2,\)"):
        Tensor([1.0, 2.0, 3.0]) < Tensor([1.0, 2.0])


def test_one_element_comparison_works_in_if():
    loss = Tensor(0.25)
    assert (loss < 0.5) and not (loss > 0.5)


# --- equality stays identity, because the graph code keeps nodes in sets -------------------

def test_equal_numbers_stay_distinct_nodes():
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2 and {a: 1, b: 2}[a] == 1
    order = topological_order(a * b)
    assert a in order and b in order and len(order) == 3
    s, t = Tensor([1.0]), Tensor([1.0])
    assert (s == t) is False and len({s, t}) == 2


# --- a whole data set fed to a scalar model ---------------------------------------------

def test_scalar_mlp_called_on_a_matrix_explains_one_example():
    model = nn.MLP(2, [4, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(TypeError, match=r"shape \(2,\).*ONE example.*model\(X\[0\]\).*train.predict"):
        model(X)
    assert math.isfinite(float(model(X[0])))  # one example works
