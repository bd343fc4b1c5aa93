"""Networks: the `Module` base and the layers built on it.

Scalar engine: `Neuron`, `Layer`, `MLP` (micrograd-compatible).
Tensor engine: `Linear`, `Conv2d`, pooling, activations, `Sequential` (PyTorch-like);
functions in `microdl.nn.functional` (import as F); losses for both engines in
`microdl.nn.losses`, and their modules here as torch.nn has them (nn.CrossEntropyLoss()).
"""
from . import functional, init, losses
from .activation_layers import LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .layers import AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Sequential
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, KLDivLoss, MSELoss, NLLLoss
from .module import Module
from .scalar import ACTIVATIONS, MLP, Layer, Neuron
from .walk import layer_outputs

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS",
           "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "ReLU", "Tanh", "Sigmoid",
           "LeakyReLU", "Softmax", "LogSoftmax", "Dropout", "BatchNorm1d", "BatchNorm2d", "Sequential", "functional", "init",
           "layer_outputs", "losses", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "KLDivLoss"]
