"""Gradient clipping: scale every gradient together so their overall norm is at most
max_norm (PyTorch's torch.nn.utils.clip_grad_norm_).
"""
import math

import numpy as np

from .optimizer import _check_iterable, _is_parameter, _refuse_torch_only

__all__ = ["clip_grad_norm_"]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their overall norm is at most max_norm.

    norm = || (||g_1||, ||g_2||, ...) ||  (norm_type: 2, 1, inf, ...), over parameters with
    a gradient; each g is multiplied by min(1, max_norm / (norm + 1e-6)), as in PyTorch.
    Returns the norm before clipping: a 0-d Tensor if any parameter is a Tensor (PyTorch
    returns a tensor), else a float (for Value parameters).
    """
    _refuse_torch_only("clip_grad_norm_", foreach=foreach)
    parameters = ([parameters] if _is_parameter(parameters)
                  else list(_check_iterable(parameters, "clip_grad_norm_")))
    with_grad = [p for p in parameters if p.has_grad]
    norms = [_norm(p.grad, norm_type) for p in with_grad]
    total = _norm(np.array(norms, dtype=float), norm_type) if norms else 0.0
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients "
                           f"is {total}, so they cannot be clipped. Set error_if_nonfinite=False "
                           f"to clip anyway (nan stays nan).")
    scale = min(max_norm / (total + 1e-6), 1.0)
    for p in with_grad:
        p.grad = p.grad * scale
    tensors = [p for p in parameters if isinstance(p.data, np.ndarray)]
    if not tensors:
        return total
    from ..tensor import Tensor  # here, not at the top: optim imports no engine otherwise
    return Tensor(np.asarray(total, dtype=tensors[0].data.dtype))


def _norm(x, order):
    """The order-norm of a float or array, as a float (order 0 counts the nonzeros)."""
    return float(np.linalg.norm(np.ravel(x).astype(float), ord=order))
