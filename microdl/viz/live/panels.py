"""The panels of a live view, each a function that draws on one Axes from what is known now.

    draw_loss(ax, record)                  loss per step (thin), its moving average, validation
    draw_accuracy(ax, record)              training-sample and validation accuracy
    draw_boundary(ax, model, X, y)         the decision boundary (viz.boundary) for 2-D data
    draw_examples(axes, model, X, y, ...)  images with the predicted class and its probability
    draw_health(ax, record)                gradient norm per layer (log), dead ReLUs written beside
    draw_weights(ax, model, X=...)         neuron heatmaps joined by weights (2-D data), or histograms
    draw_graph(ax, model, loss, X)         the computational graph of a tiny scalar model

Which panels a model and its data get is decided in layout.py.
"""
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator, PercentFormatter

from ...autodiff import no_grad
from ...nn.module import evaluation_mode
from ...inference import forward, outputs_to_array
from .. import style
from ..boundary import _ends_in_sigmoid, plot_decision_boundary
from ..curves.training import layer_colors
from .legend_place import CORNERS, legend_clear_of_data
from .neurons import draw_neuron_maps
from .numpy_mlp import numpy_forward
from .record import probabilities
from .verdicts import DEAD_FRACTION, health_verdicts

__all__ = ["draw_loss", "draw_accuracy", "draw_boundary", "draw_examples", "draw_health",
           "draw_weights", "draw_graph", "verdict_lines", "TRAIN", "VALIDATION"]

TRAIN, VALIDATION = style.CYCLE[0], style.CYCLE[1]
#: plain tick labels on log axes (0.01, not 10^-2 in mathtext, which is slow to lay out)
PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
#: titles at a fixed height: otherwise matplotlib measures every tick label to place each
#: title, on every frame (a third of a frame's drawing time)
TITLE_Y = 1.0


def _plain_log_axis(axis):
    axis.set_major_locator(LogLocator(numticks=4))
    axis.set_minor_locator(NullLocator())      # minor log ticks cost most of the drawing
    axis.set_major_formatter(PLAIN)


def _smooth(values, window):
    if len(values) < 3 or window <= 1:
        return np.asarray(values, dtype=float)
    values = np.asarray(values, dtype=float)
    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return np.convolve(padded, np.ones(window) / window, mode="valid")


def draw_loss(ax, record):
    """The loss of every step (thin), a moving average (bold), validation loss (squares)."""
    steps, loss = np.asarray(record.steps), np.asarray(record.loss, dtype=float)
    if len(loss):
        ax.plot(steps, loss, color=TRAIN, alpha=0.25, linewidth=1.0)
        ax.plot(steps, _smooth(loss, max(1, len(loss) // 25)), color=TRAIN, linewidth=2.5,
                label=f"training {loss[-1]:.3g}")
    _draw_validation(ax, record.val_steps, record.val_loss, "{:.3g}")
    if len(loss) and np.nanmin(loss) > 0 and np.nanmax(loss) / max(np.nanmin(loss), 1e-12) > 30:
        ax.set_yscale("log")
        _plain_log_axis(ax.yaxis)
    _finish_step_axes(ax, _long("loss", "(lower is better)"), "upper right")


def draw_accuracy(ax, record):
    """Accuracy on a fixed sample of the training data, and on the validation data."""
    if record.accuracy:
        accuracy = np.asarray(record.accuracy, dtype=float)
        smooth = _smooth(accuracy, max(1, len(accuracy) // 25))
        if len(accuracy) > 25:                       # per batch: noisy, so thin under an average
            ax.plot(record.accuracy_steps, accuracy, color=TRAIN, alpha=0.25, linewidth=1.0)
        ax.plot(record.accuracy_steps, smooth, color=TRAIN, linewidth=2.5,
                marker="o" if len(accuracy) <= 25 else None, label=f"training {smooth[-1]:.0%}")
    _draw_validation(ax, record.val_steps, record.val_accuracy, "{:.0%}")
    ax.set_ylim(-0.03, 1.03)
    # no 120 % when the legend needs room above the data
    ax.yaxis.set_major_locator(FixedLocator([0, 0.5, 1] if style.is_projector() else [0, 0.25, 0.5, 0.75, 1]))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _finish_step_axes(ax, _long("accuracy", "(higher is better)"), "lower right")


def _long(title, hint):
    """The title with its hint, or without it in projector mode (large fonts: no room)."""
    return title if style.is_projector() else f"{title} {hint}"


def _draw_validation(ax, steps, values, number_format):
    """Validation values (squares), labelled with the last finite one."""
    values = np.asarray(values, dtype=float)
    if np.isfinite(values).any():
        ax.plot(steps, values, color=VALIDATION, marker="s", linewidth=2.5,
                label="validation " + number_format.format(values[np.isfinite(values)][-1]))


def _finish_step_axes(ax, title, legend_at):
    """Title, a step axis with a few whole-number ticks, a light grid and the legend."""
    ax.set_title(title, y=TITLE_Y)
    ax.set_xlabel("step")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.grid(alpha=0.3)
    if ax.lines:       # the preferred corner first, then any corner the curves leave free
        legend_clear_of_data(ax, (legend_at,) + tuple(c for c in CORNERS if c != legend_at), frameon=False)


def draw_boundary(ax, model, X, y, class_names=None, resolution=None):
    """The decision regions and the points (the still picture's own drawing)."""
    threshold = 0.5 if _ends_in_sigmoid(model) else 0.0
    model = numpy_forward(model) or model    # a scalar MLP through NumPy: the same numbers, 100x faster
    plot_decision_boundary(model, X, y, ax=ax, resolution=resolution, class_names=class_names,
                           legend=False, threshold=threshold)
    title = ax.get_title().replace("Decision boundary (accuracy on these points", "decision boundary (")
    ax.set_title(title.replace("( ", "(accuracy "), y=TITLE_Y)


def draw_examples(axes, model, X, y, class_names=None):
    """One image per Axes: the predicted class and its probability, green if right, red if wrong."""
    X = X[:len(axes)]
    with evaluation_mode(model), no_grad():
        scores = outputs_to_array(forward(model, X))
    chances = probabilities(scores)
    predicted = chances.argmax(axis=1)
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= len(X):
            continue
        image = np.asarray(X[k], dtype=float)
        image = image[0] if image.shape[0] == 1 else np.moveaxis(image, 0, -1)
        ax.imshow(image, cmap=style.IMAGE if image.ndim == 2 else None)
        name, chance = _class_name(predicted[k], class_names), f"{chances[k, predicted[k]]:.0%}"
        right = y is None or int(np.asarray(y)[k]) == predicted[k]
        text = f"{name}\n{chance}" if right else f"{name} {chance}\nis {_class_name(int(np.asarray(y)[k]), class_names)}"
        ax.set_title(text, color=style.GREEN if right else style.VERMILLION, fontweight="bold", y=TITLE_Y)


def _class_name(k, class_names):
    return str(class_names[k]) if class_names is not None and k < len(class_names) else f"class {k}"


def _dead_by_layer(norm_names, dead):
    """Each dead-ReLU fraction beside the layer whose outputs the ReLU takes (the one before it)."""
    placed = {}
    for name, fraction in dead.items():
        if name in norm_names:
            placed[name] = fraction
            continue
        index = _leading_number(name)
        before = [n for n in norm_names if _leading_number(n) is not None and index is not None
                  and _leading_number(n) < index]
        if before:
            placed[before[-1]] = fraction
    return placed


def _leading_number(name):
    head = str(name).split(" ")[0].lstrip("L")
    return int(head) if head.isdigit() else None


def draw_health(ax, record):
    """Per layer: the gradient norm as a bar on a log axis; the share of dead ReLUs written
    beside it. Bars of a layer with a verdict (vanishing, exploding, dead) are red."""
    norms = record.grad_norms
    if not norms:
        ax.text(0.5, 0.5, "no gradients yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    names = list(norms)
    values = np.array([norms[n] for n in names], dtype=float)
    verdicts = health_verdicts(norms, {}, record.first_norms)
    sick = {name for name in names if any(line.startswith(f"{name}:") or line.startswith(f"layer {name}:")
                                          for line in verdicts)}
    dead = _dead_by_layer(names, record.dead)
    colors = [style.VERMILLION if n in sick or dead.get(n, 0) > DEAD_FRACTION else c
              for n, c in zip(names, layer_colors(len(names)))]
    shown = np.where(np.isfinite(values) & (values > 0), values, np.nan)
    rows = np.arange(len(names))[::-1]
    ax.barh(rows, np.nan_to_num(shown, nan=1e-12), color=colors, height=0.45, left=1e-12)
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    finite = shown[np.isfinite(shown)]
    low, high = (finite.min(), finite.max()) if finite.size else (1e-3, 1.0)
    ax.set_xlim(low / 30, high * 30)
    ax.set_ylim(-0.5, len(names) - 0.2)
    ax.set_yticks([])
    for row, name in zip(rows, names):       # the layer's name over its bar: long names stay inside
        ax.text(0.01, row + 0.27, _bar_name(name), transform=ax.get_yaxis_transform(), ha="left",
                va="bottom", fontsize=style.font_size(), clip_on=True)
        if name in dead:
            ax.text(high * 25, row, f"{dead[name]:.0%} dead", ha="right", va="center",
                    color=style.VERMILLION if dead[name] > DEAD_FRACTION else "#555555")
    ax.set_title("gradient per layer", y=TITLE_Y)
    ax.set_xlabel("||dL/dW|| (log scale)")
    ax.grid(alpha=0.3, axis="x")


def _bar_name(name):
    """A bar's name: in projector mode (large fonts, narrow panels) only 'layer 2' or
    'layer 3 (output)', the same numbering as the verdicts."""
    if not style.is_projector() or " (" not in name:
        return name
    return name.split(" (")[0] + (" (output)" if name.endswith("output)") else "")


def verdict_lines(record):
    """The plain-language verdicts on the latest gradients and dead ReLUs."""
    return health_verdicts(record.grad_norms, record.dead, record.first_norms)


def draw_weights(ax, model, small=True, X=None):
    """A small MLP on 2-D points: every neuron's output as a heatmap, joined by its weights
    (the playground's picture); otherwise each layer's parameters as a histogram."""
    if small and X is not None:
        low, high = X.min(axis=0), X.max(axis=0)
        pad = 0.15 * (high - low)
        draw_neuron_maps(ax, model, low - pad, high + pad, resolution=16, labels=False)
        ax.set_title("neurons and weights" if style.is_projector() else "neurons (input → output), weights",
                     y=TITLE_Y)
        return
    from ...diagnostics import layer_labels, parameter_groups
    labels = layer_labels(model)              # 'layer 1 (Conv2d 1→8 3x3)': the bars' names
    groups = {labels.get(key, key): params for key, params in parameter_groups(model).items()}
    for (name, params), color in zip(groups.items(), layer_colors(len(groups))):
        values = np.concatenate([np.asarray(p.data, dtype=float).reshape(-1) for p in params])
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        # np.histogram + one step outline: what ax.hist(histtype="step") draws, at a third of its cost
        density, edges = np.histogram(values, bins=40, density=True)
        ax.stairs(density, edges, linewidth=2, color=color, label=f"{name.split(' (')[0]}: {values.size:,}")
    ax.set_title("weights per layer", y=TITLE_Y)
    ax.set_xlabel("value")
    ax.set_yticks([])
    if not ax.patches:
        ax.text(0.5, 0.5, "no finite weights:\ntraining diverged", ha="center", va="center",
                transform=ax.transAxes, color=style.VERMILLION)
        return
    if style.is_projector():                  # large tick labels: fewer of them
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    legend_clear_of_data(ax, frameon=True, framealpha=0.85, edgecolor="none", fontsize=style.font_size())


def draw_graph(ax, model, loss, X, max_nodes=80):
    """The computational graph (with data and gradients) of the loss, or of the output for the
    first example when the loss's graph is too big to read, drawn as a picture on `ax`."""
    import io

    from PIL import Image

    from ...autodiff import topological_order
    from ...value import Value
    from ..graph import draw_graph as graph_drawing
    params = model.parameters()
    saved = [p.grad for p in params]        # a backward here must not change training
    root = loss if isinstance(loss, Value) and len(topological_order(loss)) <= max_nodes else None
    try:
        if root is None:
            for p in params:
                p.grad = 0.0
            root = model(np.asarray(X[0], dtype=float).tolist())
            root = root[0] if isinstance(root, list) else root
            root.backward()
        collapse = "neuron" if len(topological_order(root)) > 12 else None     # readable on a slide
        png = graph_drawing(root, params=model, renderer="builtin", title="", collapse=collapse).to_png()
    finally:
        for p, grad in zip(params, saved):
            p.grad = grad
    from PIL import ImageOps
    image = Image.open(io.BytesIO(png)).convert("RGB")
    box = ImageOps.invert(image.convert("L")).getbbox()      # trim the white margins
    ax.imshow(image.crop(box) if box else image)
    ax.set_axis_off()
    ax.set_title("computational graph: data and gradients, this step", y=TITLE_Y)
