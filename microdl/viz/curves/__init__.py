"""What training leaves behind, drawn: the curves fit() recorded and a classifier's mistakes.

    training.py        plot_history, plot_gradient_norms, plot_dead_relus
    classification.py  plot_confusion_matrix, plot_misclassified, confusion_matrix
"""
from .classification import confusion_matrix, plot_confusion_matrix, plot_misclassified
from .training import plot_dead_relus, plot_gradient_norms, plot_history

__all__ = ["plot_history", "plot_gradient_norms", "plot_dead_relus", "plot_confusion_matrix",
           "plot_misclassified", "confusion_matrix"]
