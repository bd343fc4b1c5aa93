"""Optimizers and learning-rate schedulers, called and computing exactly as in PyTorch.

A parameter is anything with `.data`, `.grad`, `.has_grad` and `.requires_grad`: a
`Value` (a float) or a `Tensor` (an ndarray). Every update below is plain arithmetic on
`p.data` and `p.grad` (`Optimizer.step` is the one place that writes `p.data`), so the
same line moves a scalar weight of a micrograd-style MLP and a convolution kernel.

The rule every optimizer refines is gradient descent:

    p <- p - lr * dL/dp

As in PyTorch: options live in `param_groups` (a list of dicts, one lr per group), the
running buffers in `state[p]` (with each parameter's own `step` count), and a parameter
is skipped when it got no gradient since the last `zero_grad()` (PyTorch: its grad is
None; here `p.has_grad` is False) or is frozen (`requires_grad=False`).

>>> from microdl import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> (w * w).backward()       # dL/dw = 2w = 6
>>> opt.step()
>>> round(w.data, 6)         # 3 - 0.1 * 6
2.4
"""

from .algorithms import SGD, Adagrad, Adam, AdamW, RMSprop
from .clip import clip_grad_norm_
from .optimizer import Optimizer
from .schedulers import CosineAnnealingLR, ExponentialLR, LambdaLR, LRScheduler, MultiStepLR, StepLR

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
           "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "clip_grad_norm_"]


def __dir__():
    """dir(optim) and Tab completion show the public names only, not the imports."""
    return __all__
