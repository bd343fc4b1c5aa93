"""The activations as layers, for Sequential: ReLU(), Tanh(), Sigmoid(), LeakyReLU(slope),
Softmax(dim), LogSoftmax(dim), with torch.nn's names and signatures. Each forward is the
Tensor method or functional of the same name: no parameters, nothing to learn.
"""
from . import functional as F
from .module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Softmax", "LogSoftmax"]


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class Sigmoid(Module):
    def forward(self, x):
        return x.sigmoid()


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01):
        self.negative_slope = negative_slope

    def forward(self, x):
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Probabilities along `dim` that sum to 1 (F.softmax), as torch.nn.Softmax."""

    def __init__(self, dim=None):
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-probabilities along `dim` (F.log_softmax, stable), as torch.nn.LogSoftmax."""

    def forward(self, x):
        return F.log_softmax(x, self.dim)
