"""Convolution and max pooling, one output cell at a time.

    steps.py     the numbers: each step's window, products and value, from microdl's own
                 conv2d / max_pool2d (pure NumPy, no plotting)
    grid.py      drawing one grid of numbers, and one row of a step figure
    figures.py   step figures and animations: plot_convolution_steps, animate_convolution,
                 plot_pooling_steps, animate_pooling
    explore.py   explore_convolution: pick an output cell, edit a kernel cell (a Scene)
"""
from .figures import animate_convolution, animate_pooling, plot_convolution_steps, plot_pooling_steps
from .explore import ConvolutionExplorer, explore_convolution
from .steps import Step, Walkthrough, convolution_steps, pooling_steps

__all__ = ["plot_convolution_steps", "animate_convolution", "plot_pooling_steps", "animate_pooling",
           "convolution_steps", "pooling_steps", "Step", "Walkthrough",
           "explore_convolution", "ConvolutionExplorer"]
