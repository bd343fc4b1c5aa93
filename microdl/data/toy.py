"""Small 2-D toy data sets for classification and regression, in NumPy, with `seed=`.

Each classifier set returns `(X, y)`: X is (n, 2) float32, y is (n,) int64 class labels
0, 1, ... . `house_prices` returns a noisy linear regression: X (n, 1), y (n,) float32.

>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, y.shape, sorted(set(y.tolist()))
((100, 2), (100,), [0, 1])
"""
import numpy as np

from ..rng import generator

__all__ = ["moons", "circles", "spirals", "xor", "blobs", "house_prices", "load_points_csv"]


def _check_n(n, name, classes=1):
    if not isinstance(n, (int, np.integer)) or n < classes:
        raise ValueError(f"{name}: n must be an int >= {classes} (the number of points), got {n!r}")


def _split(n, classes):
    """How many points each class gets: as equal as possible, the first ones one more."""
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def _finish(parts, labels, noise, rng):
    X = np.concatenate(parts).astype(np.float64)
    if noise:
        X = X + rng.normal(0.0, noise, X.shape)
    y = np.concatenate(labels).astype(np.int64)
    order = rng.permutation(len(y))
    return X[order].astype(np.float32), y[order]


def moons(n=100, noise=0.1, seed=None):
    """Two interleaving half circles (micrograd's demo data)."""
    _check_n(n, "moons", 2)
    rng = generator(seed)
    n0, n1 = _split(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], 1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)
    return _finish([upper, lower], [np.zeros(n0), np.ones(n1)], noise, rng)


def circles(n=100, noise=0.05, factor=0.5, seed=None):
    """A small circle (class 1) inside a large one (class 0)."""
    _check_n(n, "circles", 2)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor is the inner radius, between 0 and 1; got {factor}")
    rng = generator(seed)
    n0, n1 = _split(n, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    outer = np.stack([np.cos(t0), np.sin(t0)], 1)
    inner = factor * np.stack([np.cos(t1), np.sin(t1)], 1)
    return _finish([outer, inner], [np.zeros(n0), np.ones(n1)], noise, rng)


def spirals(n=300, classes=3, noise=0.2, turns=1.0, seed=None):
    """`classes` spiral arms winding out of the origin (the cs231n classic)."""
    _check_n(n, "spirals", classes)
    rng = generator(seed)
    parts, labels = [], []
    for k, m in enumerate(_split(n, classes)):
        r = np.linspace(0.05, 1.0, m)
        t = np.linspace(0, 2 * np.pi * turns, m) + 2 * np.pi * k / classes
        t = t + rng.normal(0.0, noise, m) * r  # noise on the angle, growing outwards
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        labels.append(np.full(m, k))
    return _finish(parts, labels, 0.0, rng)


def xor(n=200, noise=0.1, seed=None):
    """Four clusters at the corners of a square; class = x1 XOR x2 (not linearly separable)."""
    _check_n(n, "xor", 4)
    rng = generator(seed)
    corners = [(0, 0), (0, 1), (1, 0), (1, 1)]
    parts = [np.tile(np.array(c, float) * 2 - 1, (m, 1)) for c, m in zip(corners, _split(n, 4))]
    labels = [np.full(m, a ^ b) for (a, b), m in zip(corners, _split(n, 4))]
    return _finish(parts, labels, noise * 4, rng)


def blobs(n=150, centers=3, spread=0.5, seed=None):
    """Gaussian clusters around `centers` points (an int: placed on a circle of radius 2)."""
    rng = generator(seed)
    if isinstance(centers, (int, np.integer)):
        angles = 2 * np.pi * np.arange(centers) / centers
        centers = 2 * np.stack([np.cos(angles), np.sin(angles)], 1)
    centers = np.asarray(centers, float)
    if centers.ndim != 2 or centers.shape[1] != 2:
        raise ValueError(f"blobs: centers must be an int or a (k, 2) array, got shape {centers.shape}")
    _check_n(n, "blobs", len(centers))
    parts = [np.tile(c, (m, 1)) for c, m in zip(centers, _split(n, len(centers)))]
    labels = [np.full(m, k) for k, m in enumerate(_split(n, len(centers)))]
    return _finish(parts, labels, spread, rng)


def house_prices(n=50, slope=3.0, intercept=1.0, noise=0.5, seed=None):
    """A noisy line: price = slope * size + intercept + noise, size in [0, 2] (100 m^2 units).

    Returns X (n, 1) and y (n,), both float32: the regression of the loss lessons.
    """
    _check_n(n, "house_prices", 1)
    rng = generator(seed)
    size = rng.uniform(0.0, 2.0, n)
    price = slope * size + intercept + rng.normal(0.0, noise, n)
    return size[:, None].astype(np.float32), price.astype(np.float32)


def load_points_csv(path):
    """Your own 2-D data: a CSV file of rows `x1, x2, label` (a header line is allowed).

    Returns X (n, 2) float32 and y (n,) int64 class indices 0, 1, ... (labels such as
    -1/+1 or "cat"/"dog" become 0, 1 in sorted order), and the original labels in order.
    """
    import csv
    from pathlib import Path
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_points_csv: no file {str(path)!r}; give a CSV with rows x1,x2,label")
    points, labels = [], []
    with path.open(newline="", encoding="utf-8-sig") as file:
        for number, row in enumerate(csv.reader(file), start=1):
            row = [cell.strip() for cell in row]
            if not any(row) or row[0].startswith("#"):
                continue
            if len(row) != 3:
                raise ValueError(f"{path.name}, line {number}: expected 3 values x1,x2,label, got "
                                 f"{len(row)}: {','.join(row)!r}")
            try:
                points.append((float(row[0]), float(row[1])))
            except ValueError:
                if not points and number == 1:   # a header line such as x1,x2,label
                    continue
                raise ValueError(f"{path.name}, line {number}: x1 and x2 must be numbers, got "
                                 f"{row[0]!r} and {row[1]!r}") from None
            labels.append(row[2])
    if len(points) < 2:
        raise ValueError(f"{path.name}: found {len(points)} points; a classifier needs at least 2")
    classes, y = _label_indices(labels)
    if len(classes) < 2:
        raise ValueError(f"{path.name}: every point has the label {classes[0]!r}; give at least 2 classes")
    return np.asarray(points, dtype=np.float32), y, classes


def _label_indices(labels):
    """Labels as class indices: numbers sorted by value, text sorted alphabetically."""
    try:
        values = np.asarray([float(label) for label in labels])
        classes, y = np.unique(values, return_inverse=True)
        classes = [int(c) if c == int(c) else float(c) for c in classes]
    except ValueError:
        classes, y = np.unique(np.asarray(labels), return_inverse=True)
        classes = [str(c) for c in classes]
    return classes, y.astype(np.int64)
