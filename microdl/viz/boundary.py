"""Decision boundaries of 2-D classifiers: which class the model picks at every point.

    from microdl.viz.boundary import plot_decision_boundary, plot_boundary_evolution
    X, y = microdl.data.moons(100, seed=0)
    fig = plot_decision_boundary(model, X, y)

Works for both engines and for plain functions:

* a scalar model (microdl.nn.MLP of Values), called point by point under no_grad();
  one output: the sign decides (> 0 is the larger label, so 0/1 and -1/+1 both work),
  several outputs: the largest wins;
* a tensor model (Sequential) called on an (n, 2) Tensor: logits (n, K) -> argmax,
  one column (n, 1) -> > 0;
* a function points (n, 2) ndarray -> scores (n,) or (n, K), e.g. a model frozen at
  some moment of training.

A model that ends in a sigmoid outputs probabilities: its threshold is 0.5 (found
automatically for nn.Sigmoid and output_activation="sigmoid", or pass threshold=).

What the picture shows: each region is tinted with the colour of the class the model
predicts there, strong where the model is sure and pale near the boundary (confidence:
|2 sigmoid(score) - 1| for one output, the softmax probability for several); the
boundary is a black line; the points keep their class colour AND shape; misclassified
points are ringed.
"""
import copy

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..autodiff import no_grad
from ..nn.module import Module
from ..tensor import Tensor
from ..inference import forward, is_scalar_model, outputs_to_array
from . import canvas, style
from ..nn.module import evaluation_mode

__all__ = ["plot_decision_boundary", "plot_boundary_evolution", "snapshot", "scores_at",
           "class_color"]

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def class_color(k):
    return style.CYCLE[k % len(style.CYCLE)]


# --- asking the model ----------------------------------------------------------------------

def scores_at(model, points):
    """The model's raw outputs at points (n, 2): an array (n,) for one output, (n, K) for several.

    model: a Module (scalar or tensor engine) or a function of an (n, 2) ndarray.
    The model runs under no_grad() in eval mode; its modes are restored.
    """
    points = np.asarray(points, dtype=float)
    if isinstance(model, Module):
        with evaluation_mode(model), no_grad():
            if not is_scalar_model(model):
                params = model.parameters()
                points = points.astype(params[0].dtype if params else np.float32)
            scores = outputs_to_array(forward(model, points))
    elif callable(model):
        with no_grad():
            scores = model(points)
        scores = scores.data if isinstance(scores, Tensor) else outputs_to_array(scores) \
            if isinstance(scores, list) else np.asarray(scores, dtype=float)
    else:
        raise TypeError(f"expected a model (a microdl Module) or a function of (n, 2) points, "
                        f"got {type(model).__name__}")
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.shape[0] != len(points) or scores.ndim > 2:
        raise ValueError(f"the model gave outputs of shape {scores.shape} for {len(points)} points; "
                         f"expected ({len(points)},) or ({len(points)}, classes)")
    return scores


def _ends_in_sigmoid(model):
    last = model
    while getattr(last, "layers", None):
        last = last.layers[-1]
    if type(last).__name__ == "Sigmoid":
        return True
    if getattr(last, "neurons", None):
        last = last.neurons[-1]
    return getattr(last, "activation", None) == "sigmoid"


def _decide(scores, threshold):
    """(predicted class index, confidence in [0, 1], margin of each class boundary)."""
    if scores.ndim == 1:
        predicted = (scores > threshold).astype(int)
        if threshold == 0.5 and scores.min() >= 0 and scores.max() <= 1:   # probabilities
            confidence = np.abs(2 * scores - 1)
        else:                                                              # scores, logits
            confidence = np.abs(np.tanh((scores - threshold) / 2))         # |2 sigmoid - 1|
        return predicted, confidence, [scores - threshold]
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    probability = shifted / shifted.sum(axis=1, keepdims=True)
    k = scores.shape[1]
    confidence = (probability.max(axis=1) - 1 / k) / (1 - 1 / k)
    margins = []
    for c in range(k):   # class c wins where its score beats every other score
        others = np.delete(scores, c, axis=1).max(axis=1)
        margins.append(scores[:, c] - others)
    return scores.argmax(axis=1), confidence, margins


def _class_indices(y, scores):
    """Each label as the index of the model output that stands for it."""
    y = np.asarray(y.data if isinstance(y, Tensor) else y).reshape(-1)
    labels = np.unique(y)
    if scores.ndim == 1:
        if len(labels) > 2:
            raise ValueError(f"the model has one output (a yes/no score) but y has {len(labels)} classes "
                             f"{labels.tolist()}; give it one output per class")
        return np.searchsorted(labels, y), labels  # the smaller label is the negative side
    k = scores.shape[1]
    if not np.all((y == np.round(y)) & (y >= 0) & (y < k)):
        raise ValueError(f"the model has {k} outputs, so y must hold class indices 0..{k - 1}; "
                         f"got labels {labels.tolist()}")
    return y.astype(int), np.arange(k)


# --- drawing -------------------------------------------------------------------------------------

def _grid(X, resolution, padding):
    low, high = X.min(axis=0), X.max(axis=0)
    pad = padding * np.maximum(high - low, 1e-9)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    return np.meshgrid(xs, ys)


def _tinted_regions(predicted, confidence):
    """An RGB image: the predicted class's colour, strong where sure, nearly white where not."""
    colors = np.array([to_rgb(class_color(k)) for k in range(predicted.max() + 1)])
    strength = (0.08 + 0.37 * confidence)[..., None]
    return 1.0 - strength * (1.0 - colors[predicted])


def _draw_points(ax, X, index, names, wrong):
    for k, name in enumerate(names):
        chosen = index == k
        if chosen.any():
            ax.scatter(X[chosen, 0], X[chosen, 1], s=46, c=class_color(k), marker=MARKERS[k % len(MARKERS)],
                       edgecolors="white", linewidths=0.8, zorder=3, label=name)
    if wrong.any():
        ax.scatter(X[wrong, 0], X[wrong, 1], s=170, facecolors="none", edgecolors=style.BLACK,
                   linewidths=1.6, zorder=4)


def _legend_handles(names, present, wrong_label):
    handles = [Line2D([], [], marker=MARKERS[k % len(MARKERS)], linestyle="", markersize=9,
                      markerfacecolor=class_color(k), markeredgecolor="white", label=f"class {name}")
               for k, name in enumerate(names) if present[k]]
    handles += [Patch(facecolor=_tinted_regions(np.array([k]), np.array([0.7]))[0], edgecolor="none",
                      label=f"predicted {name} (pale: unsure)" if k == 0 else f"predicted {name}")
                for k, name in enumerate(names)]
    handles.append(Line2D([], [], color=style.BLACK, linewidth=2, label="decision boundary"))
    if wrong_label:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=12, markerfacecolor="none",
                              markeredgecolor=style.BLACK, markeredgewidth=1.6, label=wrong_label))
    return handles


def _draw_boundary(ax, model, X, y, resolution, padding, threshold, class_names):
    """Draw into ax; return (class names, which classes have points, misclassified count, accuracy)."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be (n, 2) points, got shape {X.shape}; a decision boundary is drawn in 2-D")
    if threshold is None:
        threshold = 0.5 if isinstance(model, Module) and _ends_in_sigmoid(model) else 0.0
    if resolution is None:
        resolution = 50 if isinstance(model, Module) and is_scalar_model(model) else 150
    xx, yy = _grid(X, resolution, padding)
    grid_scores = scores_at(model, np.column_stack([xx.ravel(), yy.ravel()]))
    predicted, confidence, margins = _decide(grid_scores, threshold)
    index, labels = _class_indices(y, grid_scores)
    names = list(class_names) if class_names is not None else [style.short_number(v) for v in labels]
    ax.imshow(_tinted_regions(predicted, confidence).reshape(xx.shape + (3,)), origin="lower",
              extent=(xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]), aspect="auto", interpolation="bilinear")
    for margin in margins:
        if margin.min() < 0 < margin.max():
            ax.contour(xx, yy, margin.reshape(xx.shape), levels=[0.0], colors=style.BLACK, linewidths=2)
    point_predictions, _, _ = _decide(scores_at(model, X), threshold)
    wrong = point_predictions != index
    _draw_points(ax, X, index, names, wrong)
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$", rotation=0, labelpad=12)
    ax.locator_params(nbins=5)
    ax.tick_params(labelsize=style.FONT_SIZE)
    present = [bool((index == k).any()) for k in range(len(names))]
    return names, present, int(wrong.sum()), 1.0 - wrong.mean()


@style.styled
def plot_decision_boundary(model, X, y, ax=None, resolution=None, padding=0.15, threshold=None,
                           class_names=None, title=None, legend=True):
    """Decision regions of a 2-D classifier with the data on top.

    model: scalar or tensor Module, or a function (n, 2) -> scores (see the module doc).
    X (n, 2), y (n,) labels. resolution: grid points per side (default 50 for a scalar
    model, called once per point, 150 otherwise). padding: margin around the data, as a
    fraction of its range. Returns the Figure, or the Axes when ax= is given.
    """
    fig, axes = canvas.axes_or_new(ax, width=9.0, height=5.5)
    names, present, wrong, accuracy = _draw_boundary(axes, model, X, y, resolution, padding, threshold,
                                                     class_names)
    axes.set_title(title or f"Decision boundary (accuracy on these points {accuracy:.0%})")
    if legend:
        handles = _legend_handles(names, present, wrong and f"misclassified ({wrong})")
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0,
                    frameon=False, fontsize=style.FONT_SIZE)
    if ax is None:
        fig.tight_layout()
    return fig if ax is None else axes


def snapshot(model):
    """A frozen copy of `model` for plot_boundary_evolution: later training does not change it."""
    return copy.deepcopy(model)


@style.styled
def plot_boundary_evolution(snapshots, X, y, ncols=4, resolution=None, padding=0.15, threshold=None,
                            class_names=None, title="How the decision boundary moves during training"):
    """Small multiples: the decision boundary at several moments of training.

    snapshots: [(title, model or function)], e.g. [("epoch 1", snapshot(model)), ...];
    take `snapshot(model)` (a deep copy) at each moment, since a model keeps training.
    Returns the Figure.
    """
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("snapshots is empty; give [(title, model), ...], e.g. "
                         "[('epoch 1', snapshot(model)), ...]")
    ncols = min(ncols, len(snapshots))
    nrows = -(-len(snapshots) // ncols)
    fig, axes = canvas.new_figure(nrows, ncols, width=3.8 * ncols, height=3.6 * nrows + 1.3,
                                 squeeze=False, sharex=True, sharey=True)
    any_wrong = False
    for ax, (name, model) in zip(axes.ravel(), snapshots):
        names, present, wrong, accuracy = _draw_boundary(ax, model, X, y, resolution, padding, threshold,
                                                         class_names)
        ax.set_title(f"{name}\naccuracy {accuracy:.0%}")
        any_wrong = any_wrong or wrong
    for ax in axes.ravel()[len(snapshots):]:
        ax.set_visible(False)
    for ax in axes[:-1].ravel():
        ax.set_xlabel("")
    for ax in axes[:, 1:].ravel():
        ax.set_ylabel("")
    fig.suptitle(title, fontsize=style.TITLE_SIZE + 2)
    fig.tight_layout(rect=(0, 0.12 if nrows == 1 else 0.07, 1, 1))
    handles = _legend_handles(names, present, any_wrong and "misclassified")
    fig.legend(handles=handles, loc="lower center", ncol=min(4, len(handles)), frameon=False,
               fontsize=style.FONT_SIZE)
    return fig
