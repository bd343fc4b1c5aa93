"""Read a PyTorch checkpoint (a state_dict saved with torch.save) into a microdl model, safely.

    torch.save(torch_model.state_dict(), "model.pt")      # in PyTorch
    io.load_torch_state_dict(model, "model.pt")           # in microdl, same architecture

torch.load(weights_only=True) unpickles only tensors and plain containers, so a file
cannot run code. The keys are PyTorch's and microdl's alike (`0.weight`,
`1.running_mean`); a scalar MLP reads the keys of its torch twin (`export.to_torch`):
`0.weight`, `0.bias`, `2.weight`, ... for its Linear layers.
"""
import pickle
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..io import CheckpointError
from .layers import require
from .scalar import as_tensor_model, copy_into_scalar_model, is_scalar_model

__all__ = ["load_torch_state_dict"]


def load_torch_state_dict(model, path):
    """Load the state_dict in the PyTorch file `path` (.pt/.pth) into `model`; returns the model.

    Every key must match and every shape fit, or nothing is loaded (io.CheckpointError)."""
    torch = require("torch", "torch")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no PyTorch checkpoint at {path}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(f"{path} holds more than tensors (a whole pickled model?), and loading with "
                              f"weights_only=True never runs code from a file. Save only the weights: "
                              f"torch.save(model.state_dict(), path)") from None
    arrays = _state_arrays(state, path)
    if is_scalar_model(model):
        twin = as_tensor_model(model, np.float64)
        twin.load_state_dict(arrays)
        return copy_into_scalar_model(model, twin)
    model.load_state_dict(arrays)
    return model


def _state_arrays(state, path):
    """{key: ndarray} from a loaded state_dict, or a CheckpointError saying what the file holds."""
    if not isinstance(state, Mapping):
        raise CheckpointError(f"{path} holds a {type(state).__name__}, not a state_dict; save one with "
                              f"torch.save(model.state_dict(), path)")
    nested = [key for key in ("state_dict", "model_state_dict", "model")
              if isinstance(state.get(key), Mapping)]
    not_tensors = [key for key, value in state.items() if not hasattr(value, "detach")]
    if not_tensors:
        hint = (f"; its weights may be under {nested[0]!r}: save those alone, "
                f"torch.save(checkpoint[{nested[0]!r}], path)") if nested else ""
        raise CheckpointError(f"{path} is not a plain state_dict: {', '.join(map(str, not_tensors[:5]))} "
                              f"are not tensors{hint}")
    return {key: value.detach().cpu().numpy() for key, value in state.items()}
