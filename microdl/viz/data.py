"""Plain 2-D classification data: one colour and marker per class, before any model.

    X, y = microdl.data.moons(200, noise=0.1, seed=0)
    viz.plot_data(X, y)                       # the same look as plot_decision_boundary

The colours and markers are the decision-boundary pictures' (boundary.py), so a class
keeps its look from "here is the data" to "here is what the model learned".
"""
import numpy as np

from ..tensor import Tensor
from . import canvas, style
from .boundary import MARKERS, class_color

__all__ = ["plot_data"]


@style.styled
def plot_data(X, y, ax=None, class_names=None, title="The data"):
    """A scatter of 2-D points X (n, 2), coloured by their class y (n,). Returns the Figure
    (the Axes with ax=)."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    y = np.asarray(y.data if isinstance(y, Tensor) else y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_data: X must have shape (n, 2), one row per point with 2 features; "
                         f"got {X.shape}. For more features, plot two columns: X[:, [0, 1]]")
    if len(y) != len(X):
        raise ValueError(f"plot_data: X has {len(X)} points but y has {len(y)} labels")
    labels = np.unique(y)
    names = list(class_names) if class_names is not None else [str(label) for label in labels]
    if len(names) != len(labels):
        raise ValueError(f"plot_data: {len(labels)} classes {labels.tolist()} but {len(names)} class_names")
    fig, axes = canvas.axes_or_new(ax, width=8.0, height=5.5)
    for k, (label, name) in enumerate(zip(labels, names)):
        chosen = y == label
        axes.scatter(X[chosen, 0], X[chosen, 1], s=46, c=class_color(k), marker=MARKERS[k % len(MARKERS)],
                     edgecolors="white", linewidths=0.8, zorder=3, label=f"class {name}")
    axes.set_xlabel("feature 0  (X[:, 0])")
    axes.set_ylabel("feature 1  (X[:, 1])")
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # off the points
    if title:
        axes.set_title(title)
    return style.projector_text(fig) if ax is None else style.projector_text(axes)
