"""The 2-D toy sets: shapes, dtypes, labels, determinism, and the geometry each one promises."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from microdl.data.toy import blobs, circles, house_prices, moons, spirals, xor

CLASSIFIERS = [(moons, 2), (circles, 2), (spirals, 3), (xor, 2), (blobs, 3)]


@pytest.mark.parametrize("make, classes", CLASSIFIERS)
def test_shapes_dtypes_and_labels(make, classes):
    X, y = make(120, seed=0)
    assert X.shape == (120, 2) and X.dtype == np.float32
    assert y.shape == (120,) and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(classes))
    assert np.isfinite(X).all()


@settings(max_examples=20, deadline=None)
@given(n=st.integers(4, 300), seed=st.integers(0, 1000))
def test_classes_are_balanced_for_any_n(n, seed):
    for make, classes in CLASSIFIERS:
        _, y = make(n, seed=seed)
        counts = np.bincount(y, minlength=classes)
        assert len(y) == n and counts.max() - counts.min() <= 1 + (make is xor)


@pytest.mark.parametrize("make", [m for m, _ in CLASSIFIERS] + [house_prices])
def test_deterministic_for_a_seed(make):
    a, b, c = make(50, seed=1), make(50, seed=1), make(50, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("make", [m for m, _ in CLASSIFIERS])
def test_shuffled_not_sorted_by_class(make):
    _, y = make(100, seed=0)
    assert (np.diff(y) != 0).sum() > 10


def _nearest_mean_accuracy(X, y):
    means = np.stack([X[y == k].mean(axis=0) for k in np.unique(y)])
    return np.mean(np.argmin(((X[:, None] - means) ** 2).sum(-1), axis=1) == y)


def _one_nearest_neighbour_accuracy(X, y):
    distance = ((X[:, None] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(distance, np.inf)
    return np.mean(y[distance.argmin(axis=1)] == y)


def test_moons_are_separable_but_not_by_a_line():
    X, y = moons(300, noise=0.1, seed=0)
    assert _one_nearest_neighbour_accuracy(X, y) > 0.97  # a flexible boundary separates them
    assert _nearest_mean_accuracy(X, y) < 0.9           # a straight one does not quite
    assert 0 < X[y == 0, 1].mean() and X[y == 1, 1].mean() < 0.5  # upper and lower moon


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = moons(100, noise=0.0, seed=0)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0, atol=1e-6)


def test_circles_inner_ring_has_radius_factor():
    X, y = circles(200, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(*X.T)
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.3, atol=1e-6)
    with pytest.raises(ValueError, match="factor is the inner radius"):
        circles(factor=1.5)


def test_xor_label_is_the_xor_of_the_quadrant():
    X, y = xor(400, noise=0.05, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))
    assert _nearest_mean_accuracy(X, y) < 0.7  # the classic that no line separates


def test_spirals_arms_and_learnability():
    X, y = spirals(300, classes=4, seed=0)
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]
    assert np.hypot(*X.T).max() < 1.5
    assert _one_nearest_neighbour_accuracy(X, y) > 0.8


def test_blobs_around_given_centers():
    centers = [(-5.0, 0.0), (5.0, 0.0)]
    X, y = blobs(200, centers=centers, spread=0.5, seed=0)
    for k, center in enumerate(centers):
        np.testing.assert_allclose(X[y == k].mean(axis=0), center, atol=0.2)
    with pytest.raises(ValueError, match=r"\(k, 2\) array"):
        blobs(centers=[1.0, 2.0, 3.0])


def test_house_prices_is_a_noisy_line():
    X, y = house_prices(500, slope=3.0, intercept=1.0, noise=0.1, seed=0)
    assert X.shape == (500, 1) and y.shape == (500,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    slope, intercept = np.polyfit(X[:, 0], y, 1)
    assert slope == pytest.approx(3.0, abs=0.05) and intercept == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("make", [moons, circles, xor, house_prices])
@pytest.mark.parametrize("n", [0, -1, 2.5])
def test_bad_n_is_a_clear_error(make, n):
    with pytest.raises(ValueError, match="n must be an int"):
        make(n)


def test_the_package_re_exports_the_toy_sets():
    import microdl.data as data
    for name in ("moons", "circles", "spirals", "xor", "blobs", "house_prices"):
        assert getattr(data, name) is globals()[name]
