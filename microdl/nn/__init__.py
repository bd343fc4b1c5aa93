"""Networks: the `Module` base and the layers built on it.

Scalar engine: `Neuron`, `Layer`, `MLP` (micrograd-compatible).
"""
from .module import Module
from .scalar import ACTIVATIONS, MLP, Layer, Neuron

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS"]
