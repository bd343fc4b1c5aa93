"""Classification results: where a trained classifier goes wrong.

    plot_confusion_matrix(y_true, y_pred, class_names)   # which class is taken for which
    plot_misclassified(images, y_true, y_pred, class_names)

Labels are class indices 0, 1, 2, ... (a list, an array or a Tensor); for scores, take
their argmax first. The matrix is coloured by the share of each true class.
"""
import matplotlib
import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.ticker import PercentFormatter

from ...tensor import Tensor
from .. import canvas, style

__all__ = ["plot_confusion_matrix", "plot_misclassified", "confusion_matrix"]


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
    size = min(max(5.0, 0.5 * k + 2.4), 7.4)  # 10 classes fit a 7.5 in (16:9) slide
    fig, axes = canvas.axes_or_new(ax, width=size + 1.6, height=size)
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

    images (N, 1, H, W) or (N, H, W); y_true, y_pred (N,) class indices: give ALL the
    predictions (e.g. the whole test set), so the title's error rate is over them. Returns the Figure.
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
        fig, ax = canvas.new_figure(width=7.0, height=2.0)
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No misclassified images: all {len(y_true):,} predictions are right.",
                ha="center", va="center", fontsize=style.TITLE_SIZE, transform=ax.transAxes)
        return fig
    ncols = min(ncols, len(shown))
    nrows = -(-len(shown) // ncols)
    fig, axes = canvas.new_figure(nrows, ncols, width=1.75 * ncols + 1.0, height=2.05 * nrows + 0.9,
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
    # the error rate is over every prediction given (pass them all, not only the wrong ones)
    fig.suptitle(title or f"{len(shown)} of the {len(wrong):,} mistakes on {len(y_true):,} images "
                          f"({len(wrong) / len(y_true):.1%} wrong), titled true → predicted",
                 fontsize=style.TITLE_SIZE)
    fig.tight_layout(rect=(0, 0, 1 - 0.9 / fig.get_figwidth(), 1))
    if not colored:
        cax = fig.add_axes([1 - 0.7 / fig.get_figwidth(), 0.15, 0.12 / fig.get_figwidth(), 0.6])
        bar = fig.colorbar(picture, cax=cax)
        bar.set_label("pixel value")
        bar.ax.tick_params(labelsize=style.FONT_SIZE)
    return fig
