"""Save and load a model's state as a .npz file: names -> arrays, never pickles.

    microdl.io.save(model, "model.npz")
    microdl.io.load(model, "model.npz")     # into a model built the same way

The file holds `model.state_dict()`: each parameter's dotted name (`0.weight`,
`L1.N3.w0`) and each buffer's (`1.running_mean`, `1.num_batches_tracked`), PyTorch's
key names, mapped to its numbers. Loading reads each entry's header before its data
(checkpoint_file.py) and never unpickles, so a file cannot run code; a missing, extra,
mis-shaped or non-numeric entry is an error that names it, and nothing is loaded unless
everything fits. Saving writes a temporary file and renames it (atomic_file.py), so an
interrupted save never leaves half a checkpoint, and keeps the file's permissions. Checkpoints from
older microdl versions (buffers saved as `buffer:1.running_mean`) still load.
"""
from collections import namedtuple
from pathlib import Path

import numpy as np

from .atomic_file import replacing
from .checkpoint_file import UnreadableCheckpoint, entry_headers, open_archive, read_entry
from .state_entries import header_problem

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
    """Write the module's parameters and buffers to `path` (.npz), atomically. A new file
    gets the permissions the umask gives; an existing one keeps its own."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as file:
        np.savez(file, **module.state_dict())
    return path


def load(module, path):
    """Read parameters and buffers saved by `save` into `module` (built the same way).

    Every entry's name, shape and dtype is checked from the file's headers before any
    data is read, and every value before anything is assigned: a checkpoint that does
    not fit raises CheckpointError, and the module is unchanged."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with open_archive(path) as archive:
            stored = _read_fitting_entries(archive, module, path)
    except UnreadableCheckpoint as error:
        raise CheckpointError(str(error)) from None
    try:
        module.load_state_dict(stored, strict=False)
    except CheckpointError as error:
        raise CheckpointError(f"checkpoint {path}: {error}") from None
    return module


def _read_fitting_entries(archive, module, path):
    """{name: array} for the module's entries, read only after all their headers fit."""
    headers = entry_headers(archive, path)
    legacy = any(name.startswith(LEGACY_BUFFER) for name in headers)
    stored_as = {name.removeprefix(LEGACY_BUFFER): name for name in headers}
    expected = module.state_dict(keep_vars=True)
    # older checkpoints had no num_batches_tracked: keep the model's own count for those
    allowed_missing = {k for k in expected if k.split(".")[-1] == "num_batches_tracked"} if legacy else set()
    missing = [k for k in expected if k not in stored_as and k not in allowed_missing]
    unexpected = [k for k in stored_as if k not in expected]
    if missing or unexpected:
        raise CheckpointError(
            f"checkpoint {path} does not fit this model: "
            + "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                      unexpected and f"unexpected {', '.join(unexpected)}"]))
            + ". Build the model with the same layers as the one that was saved.")
    problems = [f"{key} {problem}" for key, name in stored_as.items()
                if (problem := header_problem(*headers[name], expected[key]))]
    if problems:
        raise CheckpointError(f"checkpoint {path} does not fit this model: {'; '.join(problems)}. "
                              f"Nothing was loaded: the model is unchanged.")
    return {key: read_entry(archive, name, path) for key, name in stored_as.items()}


def load_torch_state_dict(module, path):
    """Read a PyTorch state_dict file (.pt) into `module`, safely: see microdl.export.checkpoint."""
    from .export import load_torch_state_dict as load_from_torch   # torch is optional: imported on use
    return load_from_torch(module, path)


__all__ += ["load_torch_state_dict"]
