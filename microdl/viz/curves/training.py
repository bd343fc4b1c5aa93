"""Training curves: what fit() recorded, epoch by epoch and layer by layer.

    history = microdl.train.fit(model, loss_fn, optimizer, (X, y), epochs=5,
                                validation=(X_val, y_val), track_gradients=True)
    plot_history(history)               # loss and accuracy, training vs validation
    plot_gradient_norms(history)        # vanishing / exploding gradients, layer by layer
    plot_gradient_profile({"sigmoid": h1, "ReLU": h2})   # norm per layer at one step, per network
    plot_dead_relus(history)            # ReLU units that never fire

A History is read by duck typing: `history.iteration` {'loss', 'accuracy', ...} one entry
per iteration, `history.epoch` {'loss', 'accuracy', 'val_loss', 'val_accuracy'} one per
epoch (any may be missing or empty), `history.iterations_per_epoch`, `history.grad_norms`
{layer: [norm per iteration]} and `history.dead_relu` {layer: [fraction per epoch]}.

The x axis is always in epochs: iteration i (counted from 1) sits at i / iterations_per_epoch,
so the per-batch curve (thin, light) and the per-epoch means (bold, with markers) line up.
Layers are coloured in order from input (dark) to output (light), the same in every plot,
and named the way a student counts them (`layer_names`): "layer 1" is the first layer with
weights after the input, the last is "layer N (output)"; "hidden layer k" is the activation
(ReLU) after layer k.
"""
import re

import matplotlib
import numpy as np
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .. import canvas, style

__all__ = ["plot_history", "plot_gradient_norms", "plot_gradient_profile", "plot_dead_relus", "layer_colors",
           "layer_names"]

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


#: how fit() keys a layer: its index in the model and its kind, "2 (Linear)"
_HISTORY_KEY = re.compile(r"^\d+ \((\w+)\)$")


def layer_names(keys, hidden=False):
    """{history key: the name a student reads}, counting from the input.

    Keys of layers with weights ('0 (Linear)', '2 (Linear)', '4 (Linear)') become 'layer 1',
    'layer 2', 'layer 3 (output)'; with hidden=True, keys of activations ('1 (ReLU)',
    '3 (ReLU)') become 'hidden layer 1', 'hidden layer 2' (the units after layer k).
    Keys in any other form are kept as they are.
    """
    keys = list(keys)
    if not keys or not all(_HISTORY_KEY.match(str(k)) for k in keys):
        return {k: k for k in keys}
    if hidden:
        return {k: f"hidden layer {i}" for i, k in enumerate(keys, 1)}
    names = {k: f"layer {i}" for i, k in enumerate(keys, 1)}
    if len(keys) > 1:
        names[keys[-1]] += " (output)"
    return names


# --- loss and accuracy ------------------------------------------------------------------------

def _draw_metric(ax, history, name, per_epoch, held_out="validation"):
    """Per-iteration (thin) and per-epoch (bold) training curves and the held-out split's; True if drawn."""
    drawn = False
    per_iteration = _series(history.iteration, name)
    if per_iteration is not None:
        ax.plot(_iteration_x(len(per_iteration), per_epoch), per_iteration, color=TRAIN, alpha=0.3,
                linewidth=1.0, label="training, each batch")
        drawn = True
    for key, color, marker, label in ((name, TRAIN, "o", "training, epoch mean"),
                                      ("val_" + name, VALIDATION, "s", held_out)):
        values = _series(history.epoch, key)
        if values is None:
            continue
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, color=color, marker=marker, markersize=7, linewidth=2.5, label=label)
        drawn = True
    return drawn


def _mark_best_validation(ax, history, name, held_out="validation"):
    values = _series(history.epoch, "val_" + name)
    if values is None or np.all(np.isnan(values)):
        return
    best = int(np.nanargmin(values) if name == "loss" else np.nanargmax(values))
    ax.plot(best + 1, values[best], linestyle="", zorder=5, label=f"best {held_out} (epoch {best + 1})",
            **style.MINIMUM_MARKER)


@style.styled
def plot_history(history, log_loss=False, title="Training curves", held_out="validation"):
    """Loss (and accuracy, when recorded) over training: training vs validation, per batch
    (thin) and per epoch (bold), on a shared x axis in epochs. Returns the Figure.

    held_out: what to call the split passed as fit(validation=...): "test" when it is the
    test set, as in the lessons."""
    per_epoch = _iterations_per_epoch(history)
    has_accuracy = _series(history.iteration, "accuracy") is not None or any(
        _series(history.epoch, k) is not None for k in ("accuracy", "val_accuracy"))
    panels = ["loss", "accuracy"] if has_accuracy else ["loss"]
    fig, axes = canvas.new_figure(1, len(panels), width=6.0 * len(panels), height=5.4, squeeze=False,
                                 sharex=True)
    for ax, name in zip(axes[0], panels):
        if not _draw_metric(ax, history, name, per_epoch, held_out):
            raise ValueError(f"the history holds no {name}: history.iteration['{name}'] and "
                             f"history.epoch['{name}'] are both empty; train with fit() first")
        _mark_best_validation(ax, history, name, held_out)
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
    fig, axes = canvas.axes_or_new(ax, width=9.0, height=5.0)
    colors, names = layer_colors(len(norms)), layer_names(norms)
    for (key, values), color in zip(norms.items(), colors):
        name, values = names[key], np.asarray(values, dtype=float)
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


def _profile(history, step):
    """{history key: gradient norm} at iteration `step` (0 = the first; negative counts from the end)."""
    norms = getattr(history, "grad_norms", None) or {}
    if not norms:
        raise ValueError("the history holds no gradient norms; train with "
                         "fit(..., track_gradients=True) to record them")
    length = min(len(v) for v in norms.values())
    if not -length <= step < length:
        raise ValueError(f"step {step} is outside the {length} recorded iterations (0 .. {length - 1})")
    return {key: float(values[step]) for key, values in norms.items()}


@style.styled
def plot_gradient_profile(histories, step=0, ax=None, title=None):
    """Each network's gradient norm per layer at one iteration, input (left) to output (right).

    histories: {network name: History from fit(..., track_gradients=True)}. On the log axis a
    line that falls toward the input is a vanishing gradient, one that rises toward the input
    is an exploding one, a flat line is healthy. step: the iteration (0 = the first update,
    -1 = the last). Returns the Figure, or the Axes when ax= is given.
    """
    fig, axes = canvas.axes_or_new(ax, width=8.0, height=5.5)
    longest = []
    for (network, history), color in zip(histories.items(), style.CYCLE):
        values = np.array(list(_profile(history, step).values()))
        values = np.where(np.isfinite(values) & (values > 0), values, np.nan)  # nan: diverged
        layers = np.arange(1, len(values) + 1)
        axes.plot(layers, values, color=color, marker="o", markersize=8, linewidth=2.5, label=network)
        longest = max(longest, list(layer_names(history.grad_norms).values()), key=len)
    axes.set_yscale("log")
    axes.set_xticks(np.arange(1, len(longest) + 1),
                    [name.removeprefix("layer ").replace(" (output)", "\noutput") for name in longest])
    axes.set_xlabel("layer (1 = next to the input)")
    axes.set_ylabel("gradient norm ||dL/dW|| (log scale)")
    axes.set_title(title or ("at the first update" if step == 0 else f"at iteration {step}"))
    axes.grid(alpha=0.3, which="major")
    axes.tick_params(labelsize=style.FONT_SIZE)
    axes.legend(fontsize=style.FONT_SIZE, framealpha=0.9)
    if ax is None:
        fig.tight_layout()
    return fig if ax is None else axes


@style.styled
def plot_dead_relus(history, ax=None, start=None, title=None):
    """The fraction of each layer's ReLU units that output 0 for every probe example, per epoch.

    A dead unit passes no gradient back, so it stops learning. start: {layer: fraction}
    measured before training (train.dead_relu_fractions), drawn at epoch 0 so the change
    shows. Returns the Figure, or the Axes when ax= is given.
    """
    dead = getattr(history, "dead_relu", None) or {}
    if not dead:
        raise ValueError("the history holds no dead-ReLU counts; train a model with ReLU layers "
                         "with fit(..., track_gradients=True) to record them")
    fig, axes = canvas.axes_or_new(ax, width=9.0, height=5.0)
    names = layer_names(dead, hidden=True)
    for (key, values), color in zip(dead.items(), layer_colors(len(dead))):
        epochs = np.arange(1, len(values) + 1)
        if start is not None and key in start:
            epochs, values = np.concatenate([[0], epochs]), [start[key], *values]
        axes.plot(epochs, values, color=color, marker="o", markersize=7, linewidth=2.5, label=names[key])
    axes.set_ylim(-0.03, 1.03)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    axes.set_xlabel("epoch (0 = before training)" if start is not None else "epoch")
    axes.set_ylabel("dead units (never > 0)")
    axes.set_title(title or "Dead ReLUs: units that output 0 for every example")
    axes.grid(alpha=0.3)
    return _finish_layer_plot(fig, axes, ax)
