"""Mini-batches: counts per epoch, SGD / mini-batch / full batch, shuffling, clear errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from microdl.data.loader import (DataLoader, batches, describe_batching, gradient_descent_kind,
                                 iterations_per_epoch, train_test_split)


def _data(n):
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n)


def test_a_million_examples_at_batch_ten_thousand_is_a_hundred_iterations():
    # from the counts alone: no million-row array needed
    assert iterations_per_epoch(1_000_000, 10_000) == 100
    assert describe_batching(1_000_000, 10_000) == (
        "1,000,000 examples at batch size 10,000 = 100 iterations per epoch "
        "(mini-batch gradient descent)")


def test_the_three_kinds_of_gradient_descent():
    assert gradient_descent_kind(500, 1) == "stochastic gradient descent"
    assert gradient_descent_kind(500, 50) == "mini-batch gradient descent"
    assert gradient_descent_kind(500, None) == "full-batch gradient descent"
    assert gradient_descent_kind(500, 500) == "full-batch gradient descent"
    assert describe_batching(500, 1).endswith("= 500 iterations per epoch (stochastic gradient descent)")
    assert describe_batching(500, None) == ("500 examples at batch size 500 (full batch) = "
                                            "1 iteration per epoch (full-batch gradient descent)")


def test_describe_mentions_a_short_last_batch_or_what_drop_last_leaves_out():
    assert "the last one with 100 examples" in describe_batching(1000, 300)
    assert "3 iterations per epoch, 100 examples left out each epoch" in describe_batching(1000, 300, True)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), drop_last=st.booleans(),
       shuffle=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_every_example_exactly_once_per_epoch(n, batch_size, drop_last, shuffle, seed):
    if drop_last and batch_size > n:
        return  # an error, tested below
    X, y = _data(n)
    got = list(batches(X, y, batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last))
    assert len(got) == iterations_per_epoch(n, batch_size, drop_last)
    seen = np.concatenate([yb for _, yb in got])
    expected = n - n % batch_size if drop_last else n
    assert len(seen) == expected and len(set(seen.tolist())) == expected
    assert all(len(yb) == batch_size for _, yb in got[:-1])
    for Xb, yb in got:  # rows stay paired with their labels
        np.testing.assert_array_equal(Xb[:, 0], yb * 2)
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(expected))


def test_sgd_full_batch_and_a_short_last_batch():
    X, y = _data(10)
    assert [len(yb) for _, yb in batches(X, y, batch_size=1)] == [1] * 10
    [(Xb, yb)] = batches(X, y, batch_size=None)
    assert Xb.shape == (10, 2)
    assert [len(yb) for _, yb in batches(X, y, batch_size=4)] == [4, 4, 2]
    assert [len(yb) for _, yb in batches(X, y, batch_size=4, drop_last=True)] == [4, 4]


def test_without_labels_batches_are_just_X():
    X, _ = _data(5)
    assert [b.shape for b in batches(X, batch_size=2)] == [(2, 2), (2, 2), (1, 2)]


def test_lists_are_welcome():
    got = list(batches([[1, 2], [3, 4], [5, 6]], [0, 1, 0], batch_size=2))
    assert got[0][0].tolist() == [[1, 2], [3, 4]] and got[1][1].tolist() == [0]


def test_shuffle_is_deterministic_for_a_seed():
    X, y = _data(50)
    first = [yb.tolist() for _, yb in batches(X, y, 8, shuffle=True, seed=3)]
    again = [yb.tolist() for _, yb in batches(X, y, 8, shuffle=True, seed=3)]
    other = [yb.tolist() for _, yb in batches(X, y, 8, shuffle=True, seed=4)]
    assert first == again != other


def test_data_loader_counts_and_describes():
    X, y = _data(1000)
    loader = DataLoader(X, y, batch_size=100)
    assert len(loader) == loader.iterations_per_epoch == 10
    assert loader.num_examples == 1000 and loader.batch_size == 100
    assert loader.describe() == ("1,000 examples at batch size 100 = 10 iterations per epoch "
                                 "(mini-batch gradient descent)")
    assert "1,000 examples" in repr(loader) and "10 iterations per epoch" in repr(loader)
    assert DataLoader(X, y, batch_size=1).describe().endswith("(stochastic gradient descent)")
    full = DataLoader(X, y, batch_size=None)
    assert len(full) == 1 and full.batch_size == 1000
    assert full.describe().endswith("(full-batch gradient descent)")


def test_data_loader_reshuffles_each_epoch_reproducibly():
    X, y = _data(40)

    def epochs(loader, count=3):
        return [np.concatenate([yb for _, yb in loader]).tolist() for _ in range(count)]

    a = epochs(DataLoader(X, y, batch_size=8, seed=0))
    b = epochs(DataLoader(X, y, batch_size=8, seed=0))
    assert a == b  # the same seed, the same orders, epoch after epoch
    assert a[0] != a[1] != a[2]  # a new order every epoch
    assert all(sorted(epoch) == list(range(40)) for epoch in a)
    assert epochs(DataLoader(X, y, batch_size=8, shuffle=False), 2) == [list(range(40))] * 2


def test_data_loader_counts_started_epochs():
    loader = DataLoader(*_data(10), batch_size=5, seed=0)
    for _ in range(3):
        for _ in loader:
            pass
    assert loader.epoch == 3


def test_mismatched_lengths_are_a_clear_error():
    with pytest.raises(ValueError, match=r"same number of examples: X has 5 \(shape \(5, 2\)\), y has 4"):
        DataLoader(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="same number of examples"):
        list(batches(np.zeros((5, 2)), [1, 2]))


@pytest.mark.parametrize("batch_size, error, match", [
    (0, ValueError, "at least 1"),
    (-3, ValueError, "at least 1"),
    (2.5, TypeError, "whole number of examples.*float 2.5"),
    ("32", TypeError, "whole number"),
    (True, TypeError, "whole number"),
])
def test_bad_batch_sizes_are_a_clear_error(batch_size, error, match):
    X, y = _data(10)
    with pytest.raises(error, match=match):
        DataLoader(X, y, batch_size=batch_size)
    with pytest.raises(error, match=match):
        list(batches(X, y, batch_size=batch_size))


def test_drop_last_with_a_batch_larger_than_the_data_would_give_nothing():
    with pytest.raises(ValueError, match="no batch at all"):
        DataLoader(*_data(10), batch_size=32, drop_last=True)
    assert len(DataLoader(*_data(10), batch_size=32)) == 1


def test_empty_data_is_an_error():
    with pytest.raises(ValueError, match="at least one example"):
        DataLoader(np.zeros((0, 2)), np.zeros(0))


def test_train_test_split():
    X, y = _data(100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=0)
    assert X_train.shape == (75, 2) and X_test.shape == (25, 2)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(100))
    np.testing.assert_array_equal(X_test[:, 0], y_test * 2)
    again = train_test_split(X, y, test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(again[3], y_test)
    with pytest.raises(ValueError, match="between 0 and 1"):
        train_test_split(X, y, test_fraction=1.5)
    with pytest.raises(ValueError, match="each needs at least one"):
        train_test_split(X[:2], y[:2], test_fraction=0.9)  # ceil(1.8) = 2 test, 0 train


def test_train_test_split_takes_scikit_learns_test_size():
    X, y = _data(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_test) == 3 and len(X_train) == 7  # ceil(0.25 * 10), as scikit-learn rounds
    assert [len(part) for part in train_test_split(X, y, test_size=4, seed=0)] == [6, 4, 6, 4]
    assert len(train_test_split(X, y)[1]) == 2  # default: a fifth for testing
    # the same split under every name of the same request
    for same in (train_test_split(X, y, 0.25, 0), train_test_split(X, y, test_fraction=0.25, random_state=0)):
        np.testing.assert_array_equal(same[3], y_test)
    X_train, X_test = train_test_split(X, test_size=2, shuffle=False)
    np.testing.assert_array_equal(X_test, X[8:])
    np.testing.assert_array_equal(X_train, X[:8])


@pytest.mark.parametrize("test_size", [0, 1.0, 10, -1, True, "0.2"])
def test_train_test_split_rejects_sizes_that_leave_a_side_empty(test_size):
    X, y = _data(10)
    with pytest.raises(ValueError, match="train_test_split"):
        train_test_split(X, y, test_size=test_size)


def test_train_test_split_names_given_twice():
    X, y = _data(10)
    with pytest.raises(TypeError, match="test_size= or test_fraction="):
        train_test_split(X, y, test_size=0.2, test_fraction=0.3)
    with pytest.raises(TypeError, match="seed= or random_state="):
        train_test_split(X, y, seed=0, random_state=0)
