"""The shared autodiff core: order, accumulation semantics, no_grad, anomaly mode."""
import math
import warnings

import pytest

from microdl import Value, detect_anomaly, no_grad, topological_order


def test_topological_order_puts_inputs_first_and_root_last():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]
    assert len(order) == 4


def test_reused_intermediate_gets_the_right_gradient():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_same_input_twice_in_one_op():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_leaf_gradients_accumulate_intermediates_are_recomputed():
    a = Value(2.0)
    b = a * a          # intermediate
    c = b * 3.0
    c.backward()
    assert a.grad == 12.0 and b.grad == 3.0
    c.backward()       # leaves accumulate, as in PyTorch
    assert a.grad == 24.0
    assert b.grad == 3.0   # recomputed, not doubled
    a.zero_grad()
    c.backward()
    assert a.grad == 12.0


def test_a_chain_of_a_million_ops_backpropagates_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1_000_001.0


def test_no_grad_records_nothing_and_restores_the_mode():
    a = Value(2.0)
    with no_grad():
        b = a * 3
        assert b._prev == ()
    c = a * 3
    assert c._prev == (a, c._prev[1])


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert (Value(1.0) * 2)._prev != ()


def test_anomaly_mode_names_the_op_and_inputs_in_forward():
    x = Value(-1.0, label="x")
    with detect_anomaly(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(FloatingPointError, match=r"op 'log'.*x = Value\(data=-1"):
            x.log()


def test_anomaly_mode_catches_a_nonfinite_gradient_in_backward():
    x = Value(0.0, label="x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = x ** 0.5        # finite forward (0), infinite derivative at 0
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"backward: op '\*\*0.5'.*input x"):
            y.backward()


def test_without_anomaly_mode_nan_is_returned_with_a_warning():
    with pytest.warns(RuntimeWarning, match="log"):
        y = Value(-1.0).log()
    assert math.isnan(y.data)
