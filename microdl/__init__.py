"""microdl: a small deep-learning framework for seeing how neural networks learn.

    from microdl import Value, Tensor, nn, optim

Two engines share one autodiff core (`microdl.autodiff`): `Value` (one number per
node, every neuron visible) and `Tensor` (NumPy arrays, fast enough for a CNN on
MNIST). Plotting lives in `microdl.viz`, which `import microdl` does not load.
"""
__version__ = "0.1.0"

from .allocator import reuse_freed_memory
from .autodiff import backward, detect_anomaly, is_grad_enabled, no_grad, topological_order
from .gradcheck import GradcheckError, gradcheck
from .rng import manual_seed
from .tensor import Tensor, concatenate, stack
from .value import Value
from . import nn

__all__ = [
    "Value", "Tensor", "concatenate", "stack", "nn",
    "backward", "no_grad", "is_grad_enabled", "detect_anomaly", "topological_order",
    "gradcheck", "GradcheckError", "manual_seed", "reuse_freed_memory", "__version__",
]
