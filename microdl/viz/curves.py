"""Training curves and classification results: what fit() recorded, and where the model errs.

    history = microdl.train.fit(model, loss_fn, optimizer, (X, y), epochs=5,
                                validation=(X_val, y_val), track_gradients=True)
    plot_history(history)               # loss and accuracy, training vs validation
    plot_gradient_norms(history)        # vanishing / exploding gradients, layer by layer
    plot_dead_relus(history)            # ReLU units that never fire
    plot_confusion_matrix(y_true, y_pred, class_names)
    plot_misclassified(images, y_true, y_pred, class_names)

A History is read by duck typing: `history.iteration` {'loss', 'accuracy', ...} one entry
per iteration, `history.epoch` {'loss', 'accuracy', 'val_loss', 'val_accuracy'} one per
epoch (any may be missing or empty), `history.iterations_per_epoch`, `history.grad_norms`
{layer: [norm per iteration]} and `history.dead_relu` {layer: [fraction per epoch]}.

The x axis is always in epochs: iteration i (counted from 1) sits at i / iterations_per_epoch,
so the per-batch curve (thin, light) and the per-epoch means (bold, with markers) line up.
Layers are coloured in order from input (dark) to output (light), the same in every plot.
"""
import matplotlib
import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..tensor import Tensor
from . import style

__all__ = ["plot_history", "plot_gradient_norms", "plot_dead_relus", "plot_confusion_matrix",
           "plot_misclassified", "confusion_matrix", "layer_colors"]

TRAIN, VALIDATION = style.CYCLE[0], style.CYCLE[1]


# --- reading a History -----------------------------------------------------------------------

def _series(table, name):
    """A list from history.iteration / history.epoch, or None when missing, empty or all None."""
    values = (table or {}).get(name)
    if values is None or len(values) == 0 or all(v is None for v in values):
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _iterations_per_epoch(history):
    per_epoch = getattr(history, "iterations_per_epoch", 0) or 0
    if per_epoch:
        return per_epoch
    iterations, epochs = _series(history.iteration, "loss"), _series(history.epoch, "loss")
    if iterations is not None and epochs is not None:
        return len(iterations) / len(epochs)
    return 0


def _iteration_x(count, per_epoch):
    """x positions (in epochs when known, else in iterations) of `count` iterations."""
    steps = np.arange(1, count + 1, dtype=float)
    return steps / per_epoch if per_epoch else steps


def _x_label(per_epoch):
    return "epoch" if per_epoch else "iteration"


def layer_colors(count):
    """`count` colours in order from input (dark purple) to output (light green)."""
    cmap = matplotlib.colormaps[style.SEQUENTIAL]
    return [cmap(v) for v in np.linspace(0.0, 0.8, count)] if count > 1 else [cmap(0.0)]


# --- loss and accuracy ------------------------------------------------------------------------

def _draw_metric(ax, history, name, per_epoch):
    """Per-iteration (thin) and per-epoch (bold) training curves and validation; True if drawn."""
    drawn = False
    per_iteration = _series(history.iteration, name)
    if per_iteration is not None:
        ax.plot(_iteration_x(len(per_iteration), per_epoch), per_iteration, color=TRAIN, alpha=0.3,
                linewidth=1.0, label="training, each batch")
        drawn = True
    for key, color, marker, label in ((name, TRAIN, "o", "training, epoch mean"),
                                      ("val_" + name, VALIDATION, "s", "validation")):
        values = _series(history.epoch, key)
        if values is None:
            continue
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, color=color, marker=marker, markersize=7, linewidth=2.5, label=label)
        drawn = True
    return drawn


def _mark_best_validation(ax, history, name):
    values = _series(history.epoch, "val_" + name)
    if values is None or np.all(np.isnan(values)):
        return
    best = int(np.nanargmin(values) if name == "loss" else np.nanargmax(values))
    ax.plot(best + 1, values[best], linestyle="", zorder=5, label=f"best validation (epoch {best + 1})",
            **style.MINIMUM_MARKER)


@style.styled
def plot_history(history, log_loss=False, title="Training curves"):
    """Loss (and accuracy, when recorded) over training: training vs validation, per batch
    (thin) and per epoch (bold), on a shared x axis in epochs. Returns the Figure."""
    per_epoch = _iterations_per_epoch(history)
    has_accuracy = _series(history.iteration, "accuracy") is not None or any(
        _series(history.epoch, k) is not None for k in ("accuracy", "val_accuracy"))
    panels = ["loss", "accuracy"] if has_accuracy else ["loss"]
    fig, axes = style.new_figure(1, len(panels), width=6.5 * len(panels), height=5.0, squeeze=False,
                                 sharex=True)
    for ax, name in zip(axes[0], panels):
        if not _draw_metric(ax, history, name, per_epoch):
            raise ValueError(f"the history holds no {name}: history.iteration['{name}'] and "
                             f"history.epoch['{name}'] are both empty; train with fit() first")
        _mark_best_validation(ax, history, name)
        ax.set_title(name)
        ax.set_xlabel(_x_label(per_epoch))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=style.FONT_SIZE)
        ax.legend(fontsize=style.FONT_SIZE, framealpha=0.9)
    loss_ax = axes[0][0]
    loss_ax.set_ylabel("loss (lower is better)")
    if log_loss:
        loss_ax.set_yscale("log")
    if has_accuracy:
        accuracy_ax = axes[0][1]
        accuracy_ax.set_ylabel("accuracy (higher is better)")
        if np.nanmax(np.concatenate([line.get_ydata() for line in accuracy_ax.lines])) <= 1.0:
            accuracy_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    fig.suptitle(title, fontsize=style.TITLE_SIZE + 2)
    fig.tight_layout()
    return fig


# --- inside the network ------------------------------------------------------------------------------

def _moving_average(values, window):
    if window <= 1 or len(values) < window:
        return values
    kernel = np.ones(window) / window
    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return np.convolve(padded, kernel, mode="valid")


@style.styled
def plot_gradient_norms(history, log=True, ax=None, smooth=None):
    """Each layer's gradient norm over training (thin: every iteration, bold: a moving average).

    On a log axis, vanishing gradients (early layers far below later ones) and exploding
    ones (norms climbing by orders of magnitude) stand out. smooth: the moving-average
    window in iterations (default about a fiftieth of training). Returns the Figure,
    or the Axes when ax= is given.
    """
    norms = getattr(history, "grad_norms", None) or {}
    if not norms:
        raise ValueError("the history holds no gradient norms; train with "
                         "fit(..., track_gradients=True) to record them")
    per_epoch = _iterations_per_epoch(history)
    fig, axes = style.axes_or_new(ax, width=9.0, height=5.0)
    colors = layer_colors(len(norms))
    for (name, values), color in zip(norms.items(), colors):
        values = np.asarray(values, dtype=float)
        if log:
            values = np.where(values > 0, values, np.nan)  # a zero has no place on a log axis
        window = smooth or max(1, len(values) // 50)
        x = _iteration_x(len(values), per_epoch)
        axes.plot(x, values, color=color, alpha=0.25, linewidth=0.8)
        axes.plot(x, _moving_average(values, window), color=color, linewidth=2.5, label=name)
    if log:
        axes.set_yscale("log")
    axes.set_xlabel(_x_label(per_epoch))
    axes.set_ylabel("gradient norm ||dL/dW||" + (" (log scale)" if log else ""))
    axes.set_title("Gradient size per layer: tiny = vanishing, huge = exploding")
    axes.grid(alpha=0.3, which="major")
    return _finish_layer_plot(fig, axes, ax)


def _finish_layer_plot(fig, axes, ax):
    """The per-layer legend beside the plot; the Figure, or the Axes when one was given."""
    axes.tick_params(labelsize=style.FONT_SIZE)
    axes.legend(title="layer (input → output)", loc="upper left", bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0, frameon=False, fontsize=style.FONT_SIZE)
    if ax is None:
        fig.tight_layout()
    return fig if ax is None else axes


@style.styled
def plot_dead_relus(history, ax=None):
    """The fraction of each layer's ReLU units that output 0 for every probe example, per epoch.

    A dead unit passes no gradient back, so it stops learning. Returns the Figure, or the
    Axes when ax= is given.
    """
    dead = getattr(history, "dead_relu", None) or {}
    if not dead:
        raise ValueError("the history holds no dead-ReLU counts; train a model with ReLU layers "
                         "with fit(..., track_gradients=True) to record them")
    fig, axes = style.axes_or_new(ax, width=9.0, height=5.0)
    for (name, values), color in zip(dead.items(), layer_colors(len(dead))):
        epochs = np.arange(1, len(values) + 1)
        axes.plot(epochs, values, color=color, marker="o", markersize=7, linewidth=2.5, label=name)
    axes.set_ylim(-0.03, 1.03)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    axes.set_xlabel("epoch")
    axes.set_ylabel("dead units (never > 0)")
    axes.set_title("Dead ReLUs: units that output 0 for every example")
    axes.grid(alpha=0.3)
    return _finish_layer_plot(fig, axes, ax)


# --- classification results ----------------------------------------------------------------------------

def _labels(values, name):
    array = np.asarray(values.data if isinstance(values, Tensor) else values).reshape(-1)
    if array.size and (array.dtype.kind == "f" and not np.all(array == np.round(array)) or array.min() < 0):
        raise ValueError(f"{name} must hold class indices 0, 1, 2, ...; got values like {array[:5].tolist()} "
                         f"(for scores, take their argmax first)")
    return array.astype(int)


def confusion_matrix(y_true, y_pred, classes=None):
    """counts[i, j] = how many examples of true class i were predicted as class j."""
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}; give one prediction "
                         f"per example")
    classes = classes or int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _class_names(class_names, count):
    names = [str(k) for k in range(count)] if class_names is None else [str(n) for n in class_names]
    if len(names) < count:
        raise ValueError(f"got {len(names)} class names for labels up to {count - 1}; "
                         f"give one name per class")
    return names


@style.styled
def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, title=None):
    """Counts of (true class, predicted class), coloured by the share of each true class.

    Row i is the true class i; a perfect model fills only the diagonal. Each cell shows
    its count and its share of the row (empty = 0). Returns the Figure (the Axes with ax=).
    """
    counts = confusion_matrix(y_true, y_pred, len(class_names) if class_names is not None else None)
    names = _class_names(class_names, len(counts))
    rows = counts.sum(axis=1, keepdims=True)
    share = counts / np.maximum(rows, 1)
    k = len(counts)
    size = min(max(5.0, 0.75 * k + 2.5), 12.0)
    fig, axes = style.axes_or_new(ax, width=size + 1.6, height=size)
    # a square-root scale: the few-percent confusions, the ones worth a look, get visible colour
    image = axes.imshow(share, cmap=style.SEQUENTIAL, norm=PowerNorm(0.5, vmin=0.0, vmax=1.0))
    _write_counts(axes, counts, share, with_share=k <= 12)
    axes.set_xticks(range(k), names, rotation=45 if max(map(len, names)) > 3 else 0,
                    ha="right" if max(map(len, names)) > 3 else "center")
    axes.set_yticks(range(k), names)
    axes.tick_params(labelsize=style.FONT_SIZE)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    for spine in axes.spines.values():
        spine.set_visible(False)
    bar = axes.figure.colorbar(image, ax=axes, fraction=0.046, pad=0.03)
    bar.set_label("share of the true class (row), square-root scale")
    bar.set_ticks([0, 0.05, 0.2, 0.5, 1.0])
    bar.ax.tick_params(labelsize=style.FONT_SIZE)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    axes.set_title(title or f"Confusion matrix: {accuracy:.1%} correct of {counts.sum():,}")
    if ax is None:
        fig.tight_layout()
    return fig if ax is None else axes


def _write_counts(ax, counts, share, with_share):
    cmap = matplotlib.colormaps[style.SEQUENTIAL]
    size = style.FONT_SIZE if len(counts) <= 10 else style.FONT_SIZE - 1
    for (i, j), count in np.ndenumerate(counts):
        if count == 0:
            continue
        text = f"{count}\n{share[i, j]:.0%}" if with_share else f"{count}"
        ax.text(j, i, text, ha="center", va="center", fontsize=size, linespacing=1.1,
                color=style.text_color_on(cmap(np.sqrt(share[i, j]))),
                fontweight="bold" if i == j else "normal")


def _as_images(images):
    """(N, H, W) or (N, H, W, 3) from (N, 1, H, W), (N, H, W), (N, 3, H, W) or (N, H, W, 3)."""
    array = np.asarray(images.data if isinstance(images, Tensor) else images, dtype=float)
    if array.ndim == 4 and array.shape[1] in (1, 3):
        array = array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)
    if array.ndim not in (3, 4):
        raise ValueError(f"images must be (N, 1, H, W) or (N, H, W), got shape {array.shape}")
    return array


def _caption(true_name, predicted_name):
    text = f"{true_name} → {predicted_name}"
    return text if len(text) <= 12 else f"{true_name}\n→ {predicted_name}"


@style.styled
def plot_misclassified(images, y_true, y_pred, class_names=None, max_images=16, ncols=8, title=None):
    """A grid of the first `max_images` misclassified images, titled "true → predicted".

    images (N, 1, H, W) or (N, H, W); y_true, y_pred (N,) class indices. Returns the Figure.
    """
    images = _as_images(images)
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if not len(images) == len(y_true) == len(y_pred):
        raise ValueError(f"got {len(images)} images, {len(y_true)} true labels and "
                         f"{len(y_pred)} predictions; "
                         f"give one of each per example")
    names = _class_names(class_names, int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1))
    wrong = np.flatnonzero(y_true != y_pred)
    shown = wrong[:max_images]
    if len(shown) == 0:
        fig, ax = style.new_figure(width=7.0, height=2.0)
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No misclassified images: all {len(y_true):,} predictions are right.",
                ha="center", va="center", fontsize=style.TITLE_SIZE, transform=ax.transAxes)
        return fig
    ncols = min(ncols, len(shown))
    nrows = -(-len(shown) // ncols)
    fig, axes = style.new_figure(nrows, ncols, width=1.75 * ncols + 1.0, height=2.05 * nrows + 0.9,
                                 squeeze=False)
    colored = images.ndim == 4
    vmax = 1.0 if images.max() <= 1.0 else float(images.max())
    for ax, index in zip(axes.ravel(), shown):
        picture = ax.imshow(images[index], cmap=None if colored else style.IMAGE, vmin=0.0, vmax=vmax)
        ax.set_title(_caption(names[y_true[index]], names[y_pred[index]]), fontsize=style.FONT_SIZE)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.ravel()[len(shown):]:
        ax.set_visible(False)
    fig.suptitle(title or f"Misclassified: {len(shown)} of {len(wrong):,} mistakes "
                          f"({len(wrong) / len(y_true):.1%} of {len(y_true):,}), titled true → predicted",
                 fontsize=style.TITLE_SIZE)
    fig.tight_layout(rect=(0, 0, 1 - 0.9 / fig.get_figwidth(), 1))
    if not colored:
        cax = fig.add_axes([1 - 0.7 / fig.get_figwidth(), 0.15, 0.12 / fig.get_figwidth(), 0.6])
        bar = fig.colorbar(picture, cax=cax)
        bar.set_label("pixel value")
        bar.ax.tick_params(labelsize=style.FONT_SIZE)
    return fig
