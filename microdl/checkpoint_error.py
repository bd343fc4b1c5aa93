"""What loading a state answers: CheckpointError when it does not fit, IncompatibleKeys
(as torch's load_state_dict returns) when it does. Here, below io.py, nn/module.py and
export/, so each can name them without importing the others."""
from collections import namedtuple

__all__ = ["CheckpointError", "IncompatibleKeys"]

#: what Module.load_state_dict returns, as torch's: the keys it did not find, and the extra ones
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class CheckpointError(ValueError, RuntimeError):
    """A state that does not fit the model (missing, extra or mis-shaped entries).

    A ValueError, and a RuntimeError as PyTorch's load_state_dict raises."""
