"""Pictures of learning. Import explicitly: `from microdl import viz` (loads matplotlib).

Every function works headless, returns a Figure/Axes (taking `ax=` where a single panel
makes sense) or a graph object with `.save(path)`, and never calls plt.show() itself.

    graph.py          draw_graph: the computational graph with data and gradients
                      (graph_structure, graph_diagram, graph_style, graph_dot, graph_draw
                      and layout.py hold its parts)
    backprop_animation.py  animate_backprop: gradients arriving node by node
    landscape.py      loss contours with descent paths, optimizers and learning rates compared
                      (losses2d: the losses; descent: running optimizers; contours,
                      landscape_panel: drawing; landscape3d, descent_animation)
    trajectories.py   SGD vs mini-batch vs full-batch gradient descent
    activations.py    activation functions, their derivatives, softmax
    conv.py           convolution and max pooling step by step
    features.py       feature maps and learned filters of a CNN
    boundary.py       decision boundaries of 2-D classifiers
    network.py        a small network drawn as neurons and weighted edges
    curves.py         training curves, gradient norms, dead ReLUs, confusion matrix
    style.py          the one colour language and the projector-size text
"""
from .activations import plot_activation, plot_activations, plot_softmax
from .backprop_animation import BackpropAnimation, animate_backprop
from .boundary import plot_boundary_evolution, plot_decision_boundary
from .conv import animate_convolution, animate_pooling, plot_convolution_steps, plot_pooling_steps
from .curves import (plot_confusion_matrix, plot_dead_relus, plot_gradient_norms, plot_history,
                     plot_misclassified)
from .features import plot_feature_maps, plot_filters
from .graph import GraphDrawing, draw_graph
from .landscape import (animate_descent, compare_learning_rates, compare_optimizers, descent_path,
                        linear_regression_loss, plot_landscape, plot_surface, quadratic_bowl, rosenbrock)
from .network import draw_network
from .trajectories import batch_trajectory, compare_batch_sizes

__all__ = [
    "draw_graph", "GraphDrawing", "animate_backprop", "BackpropAnimation",
    "quadratic_bowl", "rosenbrock", "linear_regression_loss", "descent_path", "plot_landscape",
    "compare_optimizers", "compare_learning_rates", "plot_surface", "animate_descent",
    "batch_trajectory", "compare_batch_sizes",
    "plot_activation", "plot_activations", "plot_softmax",
    "plot_convolution_steps", "animate_convolution", "plot_pooling_steps", "animate_pooling",
    "plot_feature_maps", "plot_filters",
    "plot_decision_boundary", "plot_boundary_evolution",
    "draw_network",
    "plot_history", "plot_gradient_norms", "plot_dead_relus", "plot_confusion_matrix",
    "plot_misclassified",
]
