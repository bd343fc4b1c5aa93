"""What training leaves behind, drawn: the curves fit() recorded and a classifier's mistakes.

    training.py        plot_history, plot_gradient_norms, plot_gradient_profile, plot_dead_relus
    classification.py  plot_confusion_matrix, plot_misclassified, confusion_matrix
"""
from .classification import confusion_matrix, plot_confusion_matrix, plot_misclassified
from .training import (layer_names, plot_dead_relus, plot_gradient_norms, plot_gradient_profile,
                       plot_history)

__all__ = ["plot_history", "plot_gradient_norms", "plot_gradient_profile", "layer_names", "plot_dead_relus",
           "plot_confusion_matrix", "plot_misclassified", "confusion_matrix"]
