"""A small network drawn as neurons and weighted edges, like the perceptron on the blackboard.

    reading.py   the model's fully connected layers, and what each neuron outputs
    drawing.py   draw_network: circles in layers, edges coloured and sized by weight
"""
from .drawing import draw_network
from .reading import network_layers

__all__ = ["draw_network", "network_layers"]
