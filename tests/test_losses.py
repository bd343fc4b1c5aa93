"""Losses for both engines: values by hand, gradients by finite differences, engines agree."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microdl import Tensor, Value, gradcheck
from microdl.nn import losses

FAST = settings(max_examples=20, deadline=None)
floats = st.floats(-3, 3)


def both(loss, prediction, target):
    """The loss computed by the scalar engine and by the tensor engine (float64)."""
    scalar = loss([Value(p) for p in prediction], target).data
    tensor = loss(Tensor(np.array(prediction, dtype=np.float64)), np.array(target)).item()
    return scalar, tensor


def test_mse_by_hand_and_engines_agree():
    s, t = both(losses.mse_loss, [1.0, 2.0, 4.0], [1.0, 1.0, 1.0])
    assert s == pytest.approx((0 + 1 + 9) / 3) and t == pytest.approx(s)


def test_cross_entropy_scalar_matches_tensor_and_is_stable():
    logits = [[2.0, 1.0, 0.1], [1000.0, -1000.0, 0.0]]
    target = [0, 1]
    s = losses.cross_entropy([[Value(v) for v in row] for row in logits], target).data
    t = losses.cross_entropy(Tensor(np.array(logits)), target).item()
    assert math.isfinite(s) and s == pytest.approx(t, rel=1e-9)


def test_binary_losses_agree():
    p, y = [0.9, 0.2, 0.6], [1.0, 0.0, 0.0]
    s, t = both(losses.binary_cross_entropy, p, y)
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3
    assert s == pytest.approx(expected) and t == pytest.approx(expected, rel=1e-6)
    z = [2.0, -1.0, 1000.0]
    s, t = both(losses.binary_cross_entropy_with_logits, z, y)
    assert s == pytest.approx(t) and math.isfinite(s)


def test_hinge_is_micrograds_loss():
    s, t = both(losses.hinge_loss, [2.0, 0.5, -0.3], [1, 1, -1])
    assert s == pytest.approx((0 + 0.5 + 0.7) / 3) and t == pytest.approx(s)
    s0, _ = both(losses.hinge_loss, [2.0, 0.5, -0.3], [1, 1, 0])   # 0 reads as -1
    assert s0 == pytest.approx(s)


def test_kl_divergence_by_hand_and_zero_for_equal():
    p, q = [0.5, 0.5], [0.9, 0.1]
    expected = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert losses.kl_divergence(p, [Value(v) for v in q]).data == pytest.approx(expected)
    assert losses.kl_divergence(np.array(p), Tensor(np.array(q))).item() == pytest.approx(expected)
    assert losses.kl_divergence(p, [Value(0.5), Value(0.5)]).data == pytest.approx(0.0)


def test_l2_regularization_both_engines():
    assert losses.l2_regularization([Value(1.0), Value(2.0)], alpha=0.5).data == 2.5
    assert losses.l2_regularization([Tensor(np.array([1.0, 2.0]), requires_grad=True)], 0.5).item() == 2.5


@FAST
@given(st.lists(floats, min_size=2, max_size=5))
def test_scalar_losses_match_finite_differences(xs):
    n = len(xs)
    y = [float(i % 2) for i in range(n)]
    signs = [1 if i % 2 else -1 for i in range(n)]
    gradcheck(lambda *v: losses.mse_loss(list(v), y), *xs)
    gradcheck(lambda *v: losses.binary_cross_entropy_with_logits(list(v), y), *xs)
    gradcheck(lambda *v: losses.cross_entropy([list(v)], [1]), *xs)
    gradcheck(lambda *v: losses.binary_cross_entropy([x.sigmoid() for x in v], y), *xs)
    shifted = [x + 0.01 if abs(1 - s * x) < 1e-3 else x for x, s in zip(xs, signs)]  # off the hinge kink
    gradcheck(lambda *v: losses.hinge_loss(list(v), signs), *shifted)
    gradcheck(lambda *v: losses.kl_divergence([0.2, 0.8], [v[0].sigmoid(), 1 - v[0].sigmoid()]), xs[0])


@FAST
@given(st.integers(1, 4), st.integers(2, 4), st.integers(0, 10 ** 6))
def test_tensor_losses_match_finite_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k))
    p = rng.dirichlet(np.ones(k), size=n)
    gradcheck(lambda q: losses.kl_divergence(p, q.exp() / q.exp().sum(axis=-1, keepdims=True)), z)
    labels = rng.choice([-1, 1], n * k)
    gradcheck(lambda s: losses.hinge_loss(s, labels), z + 0.0137)


def test_loss_modules():
    assert losses.MSELoss()([Value(3.0)], [1.0]).data == 4.0
    assert losses.CrossEntropyLoss()(Tensor(np.zeros((2, 4))), [0, 3]).item() == pytest.approx(math.log(4))
    # KLDivLoss takes LOG-probabilities, as torch: KL(p || p) = 0, KL([.5, .5] || [.9, .1]) by hand
    half = math.log(0.5)
    assert losses.KLDivLoss()([Value(half), Value(half)], [0.5, 0.5]).data == pytest.approx(0)
    kl = losses.KLDivLoss(reduction="sum")([Value(math.log(0.9)), Value(math.log(0.1))], [0.5, 0.5])
    assert kl.data == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1))


def test_mismatched_lengths_are_explained():
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        losses.mse_loss([Value(1.0), Value(2.0)], [1, 2, 3])
    with pytest.raises(TypeError, match="expected Values"):
        losses.mse_loss([1.0, 2.0], [1, 2])


@pytest.mark.parametrize("name", ["mse_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits", "kl_div"])
def test_one_signature_per_loss_shared_with_functional(name):
    import inspect
    import microdl.nn.functional as F
    assert inspect.signature(getattr(losses, name)) == inspect.signature(getattr(F, name))
    names = list(inspect.signature(getattr(F, name)).parameters)
    assert names[:2] == ["input", "target"] and "reduction" in names


def test_tensor_cross_entropy_is_the_fused_op_and_derivatives_are_signposted():
    import microdl.fused
    z = Tensor(np.array([[1.0, 2.0], [0.5, -1.0]]), requires_grad=True)
    assert losses.cross_entropy(z, [0, 1])._op == "cross_entropy"
    for name in ("cross_entropy", "binary_cross_entropy_with_logits"):
        assert "microdl/fused.py" in getattr(losses, name).__doc__
        assert getattr(microdl.fused, name).__module__ == "microdl.fused"


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_reduction_is_the_same_in_both_engines(reduction):
    cases = [(losses.mse_loss, [1.0, 2.0, 4.0], [1.0, 1.0, 1.0]),
             (losses.binary_cross_entropy, [0.9, 0.2, 0.6], [1.0, 0.0, 0.0]),
             (losses.binary_cross_entropy_with_logits, [2.0, -1.0, 0.3], [1.0, 0.0, 0.0])]
    for loss, prediction, target in cases:
        scalar = loss([Value(p) for p in prediction], target, reduction=reduction)
        tensor = loss(Tensor(np.array(prediction)), np.array(target), reduction=reduction)
        scalar = [v.data for v in scalar] if reduction == "none" else scalar.data
        np.testing.assert_allclose(scalar, tensor.data, rtol=1e-9)
    logits, target = [[2.0, 1.0, 0.1], [0.0, 3.0, -1.0]], [0, 2]
    scalar = losses.cross_entropy([[Value(v) for v in row] for row in logits], target, reduction=reduction)
    tensor = losses.CrossEntropyLoss(reduction=reduction)(Tensor(np.array(logits)), target)
    scalar = [v.data for v in scalar] if reduction == "none" else scalar.data
    np.testing.assert_allclose(scalar, tensor.data, rtol=1e-9)


def test_an_unknown_reduction_is_named():
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'; got 'avg'"):
        losses.mse_loss([Value(1.0)], [1.0], reduction="avg")
    with pytest.raises(TypeError, match=r"size_average.*reduction='sum'"):
        losses.mse_loss([Value(1.0)], [1.0], "sum")   # torch's 3rd argument is size_average
    with pytest.raises(ValueError, match="got 'avg'"):
        losses.MSELoss(reduction="avg")
