"""Save and load a model's parameters as a .npz file: names -> arrays, never pickles.

    microdl.io.save(model, "model.npz")
    microdl.io.load(model, "model.npz")     # into a model built the same way

The file maps each parameter's dotted name (`0.weight`, `L1.N3.w0`) to its numbers,
plus module state such as BatchNorm's running statistics (`buffer:1.running_mean`).
Loading uses numpy.load(allow_pickle=False), so a file cannot run code; a missing,
extra or mis-shaped entry is an error that names it. Saving writes a temporary file
and renames it, so an interrupted save never leaves half a checkpoint.
"""
import os
import tempfile
from pathlib import Path

import numpy as np

from .value import Value

__all__ = ["save", "load", "state_dict", "CheckpointError"]

BUFFER = "buffer:"


class CheckpointError(ValueError):
    """A checkpoint that does not fit the model (missing, extra or mis-shaped entries)."""


def state_dict(module):
    """{name: ndarray} of every parameter and buffer (copies)."""
    state = {name: np.array(p.data) for name, p in module.named_parameters()}
    state.update({BUFFER + name: np.array(b) for name, b in module.named_buffers()})
    return state


def save(module, path):
    """Write the module's parameters and buffers to `path` (.npz), atomically."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **state_dict(module))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(module, path):
    """Read parameters and buffers saved by `save` into `module` (built the same way)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with np.load(path, allow_pickle=False) as f:
            stored = {name: f[name] for name in f.files}
    except ValueError as error:
        raise CheckpointError(f"{path} is not a microdl checkpoint (it holds Python objects, which are "
                         f"never unpickled): {error}") from None
    params = dict(module.named_parameters())
    buffers = {BUFFER + name: b for name, b in module.named_buffers()}
    expected = set(params) | set(buffers)
    missing, extra = sorted(expected - set(stored)), sorted(set(stored) - expected)
    if missing or extra:
        raise CheckpointError(f"checkpoint {path} does not fit this model: "
                       + (f"missing {', '.join(missing)}" if missing else "")
                       + ("; " if missing and extra else "")
                       + (f"unexpected {', '.join(extra)}" if extra else "")
                       + ". Build the model with the same layers as the one that was saved.")
    for name, target in list(params.items()) + list(buffers.items()):
        array, shape = stored[name], np.shape(target.data if name in params else target)
        if array.shape != shape:
            raise CheckpointError(f"checkpoint {path}: {name} has shape {array.shape}, the model expects {shape}")
    for name, p in params.items():
        if isinstance(p, Value):
            p.data = float(stored[name])
        else:
            p.data = stored[name].astype(p.data.dtype)
    for name, b in buffers.items():
        b[...] = stored[name]
    return module
