"""Random numbers, deterministic by default.

Every function that draws random numbers takes `seed=`: an int, a
`numpy.random.Generator`, or None. None means "the next numbers of microdl's default
generator", which starts from seed 0 when Python starts (so a script gives the same
result every time it runs) and can be restarted with `microdl.manual_seed(n)`.
"""
import numpy as np

__all__ = ["manual_seed", "generator"]

_default = None


def manual_seed(seed):
    """Restart microdl's default generator from `seed` (like torch.manual_seed)."""
    global _default
    _default = np.random.default_rng(seed)


def generator(seed=None):
    """A numpy Generator for `seed` (int, Generator, or None for the default one)."""
    global _default
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        if _default is None:
            _default = np.random.default_rng(0)
        return _default
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__} {seed!r}")
