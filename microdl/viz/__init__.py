"""Pictures of learning. Import explicitly: `from microdl import viz` (loads matplotlib).

Every function works headless, returns a Figure/Axes (`ax=` where one panel makes sense)
or an object with `.save(path)`, and never calls plt.show(). Import rule: every viz module
imports matplotlib at its top (graphviz, optional, where it is used); `import microdl` never loads viz.

    graph/          draw_graph, animate_backprop: the computational graph and backprop
    landscape/      loss contours, descent paths, optimizers, learning rates, batch sizes
    convolution/    convolution and max pooling step by step
    network/        a small network drawn as neurons and weighted edges
    curves/         training curves, gradient norms, dead ReLUs; confusion matrix, mistakes
    activations.py  activation functions, their derivatives, softmax
    features.py     feature maps and learned filters of a CNN
    boundary.py     decision boundaries of 2-D classifiers
    canvas/         the house Figure (shows once, no pyplot) and Scene: frames + controls (ground floor)
    style.py        the one colour language, projector-size text, projector() (ground floor)
"""
from .activations import plot_activation, plot_activations, plot_softmax
from .canvas import Control, Figure, Scene
from .boundary import plot_boundary_evolution, plot_decision_boundary
from .convolution import animate_convolution, animate_pooling, plot_convolution_steps, plot_pooling_steps
from .curves import (plot_confusion_matrix, plot_dead_relus, plot_gradient_norms, plot_gradient_profile,
                     plot_history, plot_misclassified)
from .features import plot_feature_maps, plot_filters
from .graph import BackpropAnimation, GraphDrawing, animate_backprop, draw_graph
from .landscape import (animate_descent, batch_trajectory, compare_batch_sizes, compare_learning_rates,
                        compare_optimizers, descent_path, linear_regression_loss, plot_landscape,
                        plot_epochs, plot_surface, quadratic_bowl, rosenbrock)
from .network import draw_network
from .style import projector

__all__ = ["draw_graph", "GraphDrawing", "animate_backprop", "BackpropAnimation", "quadratic_bowl", "rosenbrock",
           "linear_regression_loss", "descent_path", "plot_landscape", "compare_optimizers", "compare_learning_rates",
           "plot_surface", "animate_descent", "batch_trajectory", "compare_batch_sizes", "plot_epochs", "plot_activation",
           "plot_activations", "plot_softmax", "plot_convolution_steps", "animate_convolution", "plot_pooling_steps",
           "animate_pooling", "plot_feature_maps", "plot_filters", "plot_decision_boundary", "plot_boundary_evolution",
           "draw_network", "plot_history", "plot_gradient_norms", "plot_gradient_profile", "plot_dead_relus", "plot_confusion_matrix",
           "plot_misclassified", "Figure", "Scene", "Control", "projector"]
