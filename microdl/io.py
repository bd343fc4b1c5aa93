"""Save and load a model's state as a .npz file: names -> arrays, never pickles.

    microdl.io.save(model, "model.npz")
    microdl.io.load(model, "model.npz")     # into a model built the same way

The file holds `model.state_dict()`: each parameter's dotted name (`0.weight`,
`L1.N3.w0`) and each buffer's (`1.running_mean`, `1.num_batches_tracked`), PyTorch's
key names, mapped to its numbers. Loading uses numpy.load(allow_pickle=False), so a
file cannot run code; a missing, extra or mis-shaped entry is an error that names it,
and nothing is loaded unless everything fits. Saving writes a temporary file and
renames it, so an interrupted save never leaves half a checkpoint. Checkpoints from
older microdl versions (buffers saved as `buffer:1.running_mean`) still load.
"""
import os
import tempfile
from collections import namedtuple
from pathlib import Path

import numpy as np

__all__ = ["save", "load", "state_dict", "CheckpointError", "IncompatibleKeys"]

LEGACY_BUFFER = "buffer:"  # the prefix older versions put before buffer names

#: what Module.load_state_dict returns, as torch's: the keys it did not find, and the extra ones
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class CheckpointError(ValueError, RuntimeError):
    """A state that does not fit the model (missing, extra or mis-shaped entries).

    A ValueError, and a RuntimeError as PyTorch's load_state_dict raises."""


def state_dict(module):
    """{name: ndarray} of every parameter and buffer (copies): module.state_dict()."""
    return module.state_dict()


def save(module, path):
    """Write the module's parameters and buffers to `path` (.npz), atomically."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **module.state_dict())
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
    legacy = any(name.startswith(LEGACY_BUFFER) for name in stored)
    stored = {name.removeprefix(LEGACY_BUFFER): array for name, array in stored.items()}
    expected = module.state_dict(keep_vars=True)
    # older checkpoints had no num_batches_tracked: keep the model's own count for those
    allowed_missing = {k for k in expected if k.split(".")[-1] == "num_batches_tracked"} if legacy else set()
    missing = [k for k in expected if k not in stored and k not in allowed_missing]
    unexpected = [k for k in stored if k not in expected]
    if missing or unexpected:
        raise CheckpointError(
            f"checkpoint {path} does not fit this model: "
            + "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                      unexpected and f"unexpected {', '.join(unexpected)}"]))
            + ". Build the model with the same layers as the one that was saved.")
    try:
        module.load_state_dict(stored, strict=False)
    except CheckpointError as error:
        raise CheckpointError(f"checkpoint {path}: {error}") from None
    return module


def load_torch_state_dict(module, path):
    """Read a PyTorch state_dict file (.pt) into `module`, safely: see microdl.export.checkpoint."""
    from .export import load_torch_state_dict as load_from_torch   # torch is optional: imported on use
    return load_from_torch(module, path)


__all__ += ["load_torch_state_dict"]
