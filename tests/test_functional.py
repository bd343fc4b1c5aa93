"""microdl.nn.functional: losses and fused ops against finite differences and by hand."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microdl.nn.functional as F
from microdl import Tensor, Value, gradcheck
from tensor_strategies import array, seeds

FAST = settings(max_examples=25, deadline=None)


@FAST
@given(st.integers(1, 5), st.integers(2, 5), seeds, st.sampled_from(["mean", "sum", "none"]))
def test_cross_entropy_matches_finite_differences(n, k, seed, reduction):
    target = np.random.default_rng(seed).integers(0, k, n)
    gradcheck(lambda z: F.cross_entropy(z, target, reduction=reduction), array(seed, (n, k)) * 3)


def test_cross_entropy_value_by_hand_and_stable_at_1000():
    logits = Tensor([[2.0, 1.0, 0.1]])
    p = np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum()
    assert F.cross_entropy(logits, [0]).item() == pytest.approx(-np.log(p[0]), rel=1e-6)
    big = Tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    loss = F.cross_entropy(big, [1, 1])
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx(1000.0)
    loss.backward()
    assert np.isfinite(big.grad).all()
    np.testing.assert_allclose(big.grad, [[0.5, -0.5], [0, 0]])


def test_cross_entropy_target_errors():
    z = Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"target values must be in 0..3"):
        F.cross_entropy(z, [0, 1, 4])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        F.cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match="integers"):
        F.cross_entropy(z, np.array([0.5, 1, 2]))
    assert F.cross_entropy(z, Tensor([0, 1, 2])).item() == pytest.approx(np.log(4), rel=1e-6)


@FAST
@given(st.integers(1, 4), st.integers(1, 5), seeds)
def test_softmax_family(n, k, seed):
    x = array(seed, (n, k)) * 2
    gradcheck(lambda z: F.softmax(z, dim=-1), x)
    gradcheck(lambda z: F.log_softmax(z, dim=0), x)
    target = np.random.default_rng(seed).integers(0, k, n)
    gradcheck(lambda z: F.nll_loss(F.log_softmax(z, dim=1), target), x)
    np.testing.assert_allclose(F.softmax(Tensor(x), dim=-1).data.sum(axis=-1), 1.0)


def test_softmax_is_stable():
    s = F.softmax(Tensor([[1000.0, 0.0, -1000.0]]), dim=1).data
    np.testing.assert_allclose(s, [[1, 0, 0]])


@FAST
@given(st.integers(1, 6), seeds)
def test_regression_and_binary_losses(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(float)
    gradcheck(lambda p: F.mse_loss(p, y), array(seed, (n,)))
    gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, y), array(seed, (n,)) * 3)
    gradcheck(lambda z: F.binary_cross_entropy(z.sigmoid(), y), array(seed, (n,)))


def test_binary_cross_entropy_with_logits_is_stable_and_agrees():
    z = Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    y = [0.0, 1.0, 1.0]
    loss = F.binary_cross_entropy_with_logits(z, y)
    assert loss.item() == pytest.approx(np.log(2) / 3)
    loss.backward()
    np.testing.assert_allclose(z.grad, [0, -0.5 / 3, 0], atol=1e-12)
    p = Tensor([0.2, 0.9])
    assert F.binary_cross_entropy(p, [0.0, 1.0]).item() == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-6)


def test_mse_refuses_silent_broadcasting():
    with pytest.raises(ValueError, match="same shape"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros(4))


@FAST
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), seeds)
def test_linear_matches_finite_differences(n, fin, fout, seed):
    gradcheck(lambda x, w, b: F.linear(x, w, b), array(seed, (n, fin)), array(seed + 1, (fout, fin)),
              array(seed + 2, (fout,)))


@FAST
@given(st.integers(2, 4), st.integers(1, 3), st.integers(1, 3), seeds)
def test_batch_norm_matches_finite_differences(n, c, h, seed):
    shape = (n, c, h, h)

    def f(x, w, b):
        mean, var = np.zeros(c), np.ones(c)
        return F.batch_norm(x, mean, var, w, b, training=True)
    gradcheck(f, array(seed, shape), array(seed + 1, (c,)), array(seed + 2, (c,)))


def test_batch_norm_normalises_and_tracks_running_statistics():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(3.0, 2.0, size=(32, 2, 4, 4)))
    mean, var = np.zeros(2), np.ones(2)
    out = F.batch_norm(x, mean, var, training=True, momentum=1.0).data
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-6)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1, atol=1e-3)
    np.testing.assert_allclose(mean, x.data.mean(axis=(0, 2, 3)))
    evaluated = F.batch_norm(x, mean, var, training=False).data
    np.testing.assert_allclose(evaluated.mean(axis=(0, 2, 3)), 0, atol=1e-6)


def test_dropout_scales_and_is_seeded():
    x = Tensor(np.ones((1000,)))
    a = F.dropout(x, 0.25, seed=3).data
    b = F.dropout(x, 0.25, seed=3).data
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, 1 / 0.75}
    assert 0.2 < (a == 0).mean() < 0.3
    assert F.dropout(x, 0.25, training=False) is x
    with pytest.raises(ValueError, match="probability"):
        F.dropout(x, 1.5)


def test_functional_reads_arrays_and_lists_as_tensors():
    out = F.relu(np.array([1.0, -2.0]))                         # 'memoryview' has no attribute ...
    assert isinstance(out, Tensor) and out.data.tolist() == [1.0, 0.0]
    assert F.relu([1.0, -2.0]).data.tolist() == [1.0, 0.0]
    assert F.cross_entropy(np.zeros((2, 4)), [0, 3]).item() == pytest.approx(np.log(4))
    with pytest.raises(TypeError, match="Use microdl.nn.losses.cross_entropy"):
        F.cross_entropy([[Value(1.0), Value(0.0)]], [0])


@FAST
@given(seeds, st.sampled_from([{}, {"weight": [0.5, 2.0, 1.0]}, {"ignore_index": 1},
                               {"label_smoothing": 0.2}]), st.sampled_from(["mean", "sum", "none"]))
def test_cross_entropy_options_match_finite_differences(seed, options, reduction):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 3, (2, 2))
    gradcheck(lambda z: F.cross_entropy(z, target, reduction=reduction, **options),
              array(seed, (2, 3, 2)) * 2)
    probabilities = rng.dirichlet(np.ones(3), size=2)[..., None]      # (N=2, C=3, 1)
    gradcheck(lambda z: F.cross_entropy(z, probabilities, reduction=reduction), array(seed, (2, 3, 1)))


@FAST
@given(seeds, st.sampled_from(["mean", "sum", "none"]))
def test_binary_losses_with_weights_match_finite_differences(seed, reduction):
    rng = np.random.default_rng(seed)
    y, w = rng.random((3, 2)), rng.random(2) + 0.5
    gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, y, w, reduction=reduction,
                                                           pos_weight=w[::-1].copy()), array(seed, (3, 2)))
    gradcheck(lambda z: F.binary_cross_entropy(z.sigmoid(), y, w, reduction=reduction), array(seed, (3, 2)))
    gradcheck(lambda z: F.kl_div(z, y, reduction="batchmean"), array(seed, (3, 2)))
    gradcheck(lambda z: F.nll_loss(z, [0, 1, 1], w, reduction=reduction), array(seed, (3, 2)))
