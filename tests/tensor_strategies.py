"""Hypothesis strategies shared by the tensor tests: random shapes and arrays (float64)."""
import numpy as np
from hypothesis import strategies as st

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2 ** 32 - 1)


@st.composite
def broadcast_pairs(draw):
    """Two shapes that broadcast together: the second drops leading dims or has 1s."""
    shape = draw(shapes)
    other = list(shape[draw(st.integers(0, len(shape) - 1)):])
    for d in range(len(other)):
        if draw(st.booleans()):
            other[d] = 1
    if draw(st.booleans()):  # sometimes the first one is the smaller
        return tuple(other), shape
    return shape, tuple(other)


def array(seed, shape, kind="any"):
    """A float64 array for a seed: 'any' normal, 'positive' in [0.3, 2.3], 'away' from 0."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    if kind == "positive":
        return 0.3 + np.abs(x) % 2.0
    if kind == "away":
        return np.sign(x + 1e-12) * (0.1 + np.abs(x))
    if kind == "distinct":  # no ties, gaps of at least 0.1 (for max)
        return rng.permutation(np.arange(int(np.prod(shape))) * 0.1 - 1).reshape(shape)
    return x
