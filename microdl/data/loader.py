"""Mini-batches: cut a data set into batches, one epoch after another.

The batch size decides which gradient descent you are doing:

    batch_size=1      stochastic gradient descent (one example per step)
    batch_size=B      mini-batch gradient descent (B examples per step)
    batch_size=None   full-batch gradient descent (every example in every step)

and an epoch is one pass over the data: `iterations_per_epoch` = ceil(n / B) steps.

>>> print(describe_batching(1_000_000, 10_000))
1,000,000 examples at batch size 10,000 = 100 iterations per epoch (mini-batch gradient descent)
>>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
>>> [yb.tolist() for Xb, yb in batches(X, y, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""
import math

import numpy as np

from ..rng import generator

__all__ = ["batches", "DataLoader", "train_test_split", "iterations_per_epoch",
           "describe_batching", "gradient_descent_kind"]


def batches(X, y=None, batch_size=32, shuffle=False, seed=None, drop_last=False):
    """Yield (Xb, yb) slices of `batch_size` examples (just Xb when y is None).

    batch_size=None gives one batch with everything; drop_last=True skips a last batch
    smaller than batch_size; shuffle=True visits the examples in a random order (from
    `seed`), each exactly once.
    """
    X, y = _as_arrays(X, y)
    n = len(X)
    size = _check_batch_size(batch_size, n, drop_last)
    order = generator(seed).permutation(n) if shuffle else None
    for start in range(0, iterations_per_epoch(n, size, drop_last) * size, size):
        rows = slice(start, start + size) if order is None else order[start:start + size]
        yield X[rows] if y is None else (X[rows], y[rows])


class DataLoader:
    """An iterable over mini-batches that reshuffles every epoch, reproducibly from `seed`.

    >>> loader = DataLoader(np.zeros((1000, 2)), np.zeros(1000), batch_size=100, seed=0)
    >>> len(loader), loader.describe()
    (10, '1,000 examples at batch size 100 = 10 iterations per epoch (mini-batch gradient descent)')
    >>> for Xb, yb in loader:  # one epoch
    ...     pass
    """

    def __init__(self, X, y=None, batch_size=32, shuffle=True, seed=None, drop_last=False):
        self.X, self.y = _as_arrays(X, y)
        self.num_examples = len(self.X)
        self.batch_size = _check_batch_size(batch_size, self.num_examples, drop_last)
        self.full_batch = batch_size is None
        self.shuffle, self.drop_last = shuffle, drop_last
        self.iterations_per_epoch = iterations_per_epoch(self.num_examples, self.batch_size, drop_last)
        self.epoch = 0  # how many epochs have started
        # one generator for the loader's life: epoch k's order depends only on seed and k
        self._rng = generator(seed) if shuffle else None

    def __iter__(self):
        self.epoch += 1
        seed = self._rng if self.shuffle else None
        return batches(self.X, self.y, self.batch_size, self.shuffle, seed, self.drop_last)

    def __len__(self):
        return self.iterations_per_epoch

    def describe(self):
        """One sentence: examples, batch size, iterations per epoch, kind of gradient descent."""
        batch_size = None if self.full_batch else self.batch_size
        return describe_batching(self.num_examples, batch_size, self.drop_last)

    def __repr__(self):
        return (f"DataLoader({self.num_examples:,} examples, batch_size={self.batch_size:,}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, "
                f"{self.iterations_per_epoch:,} iterations per epoch)")


def iterations_per_epoch(num_examples, batch_size, drop_last=False):
    """How many batches one pass over `num_examples` takes: ceil(n / B), or floor with drop_last."""
    size = _check_batch_size(batch_size, num_examples, drop_last)
    return num_examples // size if drop_last else math.ceil(num_examples / size)


def gradient_descent_kind(num_examples, batch_size):
    """'stochastic', 'mini-batch' or 'full-batch' gradient descent, from the batch size."""
    size = _check_batch_size(batch_size, num_examples)
    if size >= num_examples:
        return "full-batch gradient descent"
    return "stochastic gradient descent" if size == 1 else "mini-batch gradient descent"


def describe_batching(num_examples, batch_size, drop_last=False):
    """A sentence like '60,000 examples at batch size 100 = 600 iterations per epoch (...)'.

    Computed from the counts alone, so it works for data sets too large to hold.
    """
    size = _check_batch_size(batch_size, num_examples, drop_last)
    steps = iterations_per_epoch(num_examples, size, drop_last)
    left = num_examples - (steps - 1) * size
    text = f"{_count(num_examples, 'example')} at batch size {size:,}"
    if batch_size is None:
        text += " (full batch)"
    text += f" = {_count(steps, 'iteration')} per epoch"
    if drop_last and num_examples % size:
        text += f", {_count(num_examples % size, 'example')} left out each epoch (drop_last)"
    elif steps == 1 and left != size:
        text += f", a single batch of all {num_examples:,}"
    elif left != size:
        text += f", the last one with {left:,} examples"
    return f"{text} ({gradient_descent_kind(num_examples, size)})"


def _count(number, noun):
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def train_test_split(X, y=None, test_size=None, seed=None, *, shuffle=True, random_state=None,
                     test_fraction=None):
    """Split into X_train, X_test, y_train, y_test (scikit-learn's order and rule).

    test_size: a fraction of the examples (0 < test_size < 1; the test set gets
    ceil(test_size * n), as in scikit-learn) or a count (an int >= 1); None means 0.2
    (scikit-learn's default is 0.25). The examples are
    shuffled from `seed` (scikit-learn's name `random_state` works too) unless
    shuffle=False, which keeps the last examples for testing. With y=None it returns
    X_train, X_test. `test_fraction=` is the older name of test_size.

    >>> X_train, X_test, y_train, y_test = train_test_split(np.zeros((10, 2)), np.arange(10), test_size=3, seed=0)
    >>> X_train.shape, X_test.shape
    ((7, 2), (3, 2))
    """
    X, y = _as_arrays(X, y)
    test_size = _one_of(test_size, "test_size", test_fraction, "test_fraction", default=0.2)
    seed = _one_of(seed, "seed", random_state, "random_state", default=None)
    n = len(X)
    n_test = _test_count(test_size, n)
    if shuffle:
        order = generator(seed).permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    if y is None:
        return X[train], X[test]
    return X[train], X[test], y[train], y[test]


def _test_count(test_size, n):
    """How many of n examples go to the test set: a fraction rounds up, a count is a count."""
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = math.ceil(test_size * n)  # scikit-learn's rule: the test set rounds up
    else:
        raise ValueError(f"train_test_split: test_size is a fraction between 0 and 1 (e.g. 0.2) "
                         f"or a number of examples (e.g. 100); got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: {n} examples with test_size={test_size!r} "
                         f"leaves {n_test} for testing and {n - n_test} for training; "
                         f"each needs at least one - use more examples or another test_size")
    return n_test


def _one_of(value, name, other_value, other_name, default):
    """A parameter that has two names (ours and scikit-learn's or an older one): at most one."""
    if value is not None and other_value is not None:
        raise TypeError(f"train_test_split: give {name}= or {other_name}=, not both "
                        f"({name}={value!r}, {other_name}={other_value!r})")
    for given in (value, other_value):
        if given is not None:
            return given
    return default


def _as_arrays(X, y):
    """X and y as NumPy arrays (lists are welcome) with the same number of examples."""
    X = np.asarray(X)
    if X.ndim == 0:
        raise ValueError(f"expected a data set with one example per row, got a single value {X!r}")
    if y is None:
        return X, None
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        found = "a single value" if y.ndim == 0 else f"{len(y)} labels, shape {y.shape}"
        raise ValueError(f"X and y must hold the same number of examples: X has {len(X)} "
                         f"(shape {X.shape}), y has {found}")
    return X, y


def _check_batch_size(batch_size, num_examples, drop_last=False):
    """The batch size as an int (None means all `num_examples`); a clear error if it is bad."""
    if not isinstance(num_examples, (int, np.integer)) or num_examples < 1:
        raise ValueError(f"need at least one example to make batches, got {num_examples!r}")
    if batch_size is None:
        return int(num_examples)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be a whole number of examples (or None for full "
                        f"batch), got {type(batch_size).__name__} {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1 (1 = stochastic gradient descent, "
                         f"None = full batch), got {batch_size}")
    if drop_last and batch_size > num_examples:
        raise ValueError(f"batch_size={batch_size:,} is larger than the {num_examples:,} "
                         f"examples, so drop_last=True would leave no batch at all; "
                         f"use a smaller batch_size or drop_last=False")
    return int(batch_size)
