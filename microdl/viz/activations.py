"""Activation functions and their derivatives, and softmax with a temperature.

    from microdl.viz import activations
    activations.plot_activations().savefig("activations.png")
    activations.plot_softmax([2.0, 1.0, 0.1, -1.0], temperature=(0.5, 1, 2))

Each derivative is computed by microdl's autodiff, not by a formula: the grid of x
values is one Tensor, f(x).sum().backward() puts f'(x_i) into x.grad[i] (each output
depends on its own input only), so the plot doubles as a check of the engine.

Shaded on every panel: where the gradient almost vanishes (below 1/10 of its largest
value: the function saturates, the gradient is ~0 and learning stalls) and where it is
exactly 0 (ReLU's dead side: a neuron stuck there gets no gradient at all).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np
from matplotlib.patches import Patch

from ..nn import functional as F
from ..tensor import Tensor
from . import canvas, style

__all__ = ["plot_activation", "plot_activations", "plot_softmax", "activation_and_derivative",
           "vanishing_regions", "softmax_probabilities", "Activation", "ACTIVATIONS", "LEAKY_SLOPE"]

LEAKY_SLOPE = 0.1  # larger than the usual 0.01 so that the leak is visible on a plot


@dataclass(frozen=True)
class Activation:
    """An activation function as microdl Tensor ops, with its name and formula."""
    name: str
    formula: str
    function: Callable
    note: str = ""  # one remark for a region, e.g. leaky ReLU's small but non-zero slope


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", r"$\sigma(x) = \frac{1}{1 + e^{-x}}$", lambda x: x.sigmoid()),
    "tanh": Activation("tanh", r"$\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}$", lambda x: x.tanh()),
    "relu": Activation("ReLU", r"$\mathrm{ReLU}(x) = \max(0, x)$", lambda x: x.relu()),
    "leaky_relu": Activation("leaky ReLU", rf"$\max({LEAKY_SLOPE:g}\,x,\ x)$",
                             lambda x: x.leaky_relu(LEAKY_SLOPE),
                             note=f"leaks: gradient\n= {LEAKY_SLOPE:g}, small\nbut never 0"),
    # log(1 + e^x) composed of microdl's exp and log, so autodiff gives its derivative
    # (the sigmoid); fine on a plotted range, e^x overflows only beyond x ~ 700
    "softplus": Activation("softplus", r"$\mathrm{softplus}(x) = \log(1 + e^x)$",
                           lambda x: (x.exp() + 1.0).log()),
}
SATURATION = 0.1  # a gradient below this fraction of its largest value counts as vanishing


def activation_and_derivative(name, x):
    """f(x) and f'(x) for an activation in ACTIVATIONS, the derivative by autodiff.

    x: array (n,). Returns two float64 arrays (n,). The input is not modified.
    """
    activation = _activation(name)
    grid = Tensor(np.array(x, dtype=np.float64), requires_grad=True)
    values = activation.function(grid)
    values.sum().backward()          # d/dx_i sum_j f(x_j) = f'(x_i)
    return values.data.copy(), grid.grad.copy()


def _activation(name):
    key = name.lower().replace(" ", "_").replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]


def vanishing_regions(x, derivative):
    """Intervals of x where the gradient (nearly) vanishes, as (start, end, kind).

    kind is "dead" where the derivative is exactly 0, "saturates" where it is below
    SATURATION times its largest absolute value. x: (n,) sorted, derivative: (n,).
    """
    size = np.abs(derivative)
    regions = []
    for kind, mask in (("dead", size == 0), ("saturates", (size > 0) & (size < SATURATION * size.max()))):
        for first, last in _runs(mask):
            if last > first:
                regions.append((float(x[first]), float(x[last]), kind))
    return sorted(regions)


def _runs(mask):
    """(first, last) indices of each run of True in a boolean array."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


_REGION_STYLE = {
    "saturates": dict(color=style.SKY_BLUE, alpha=0.22, label="saturates: gradient ≈ 0"),
    "dead": dict(color=style.GREY, alpha=0.3, hatch="//", label="dead: gradient = 0"),
}
_TEXT = {"saturates": "saturates:\ngradient ≈ 0", "dead": "dead:\ngradient = 0"}


@style.styled
def plot_activation(name, ax=None, x_range=(-6.0, 6.0), points=1001, legend=True):
    """One activation: f(x), f'(x) from autodiff, and where the gradient vanishes.

    Returns the Figure, or `ax` when one is given.
    """
    activation = _activation(name)
    figure, axes = (ax.figure, ax) if ax is not None else canvas.new_figure(
        width=7.0, height=5.0, layout="constrained")
    x = np.linspace(*x_range, points)
    values, derivative = activation_and_derivative(name, x)
    axes.set_ylim(*_y_limits(values, derivative))  # first: the region labels avoid the curves
    for start, end, kind in vanishing_regions(x, derivative):
        _shade(axes, start, end, kind, x_range, [(x, values), (x, derivative)])
    axes.axhline(0, color=style.GREY, lw=0.8, zorder=1)
    axes.axvline(0, color=style.GREY, lw=0.8, zorder=1)
    axes.plot(x, values, color=style.BLUE, lw=2.8, label="f(x)", zorder=3)
    axes.plot(x, _break_at_jumps(derivative), color=style.VERMILLION, lw=2.4, ls="--",
              label="f'(x), by autodiff",
              zorder=4)
    if activation.note:
        axes.annotate(activation.note, (x_range[0] * 0.55, LEAKY_SLOPE), xytext=(-50, 50),
                      textcoords="offset points", ha="left", fontsize=style.FONT_SIZE,
                      color=style.VERMILLION, arrowprops=dict(arrowstyle="->", color=style.VERMILLION))
    axes.set_xlim(*x_range)
    axes.set_ylim(*_y_limits(values, derivative))
    axes.set_xlabel("x")
    axes.set_title(f"{activation.name}: {activation.formula}")
    axes.grid(True, alpha=0.25)
    if legend:
        axes.legend(handles=_legend_handles(axes), loc="upper left", framealpha=0.95)
    return style.projector_text(axes) if ax is not None else style.projector_text(figure)


def _break_at_jumps(values):
    """A copy with nan where the curve jumps (ReLU' at 0), so no vertical line is drawn."""
    values = values.astype(float)
    jumps = np.flatnonzero(np.abs(np.diff(values)) > 0.25 * (np.ptp(values) or 1))
    values[jumps] = np.nan
    return values


def _shade(axes, start, end, kind, x_range, curves):
    """Shade one region; say what happens there where no curve (x, y) runs (narrow: '≈ 0')."""
    options = _REGION_STYLE[kind]
    axes.axvspan(start, end, color=options["color"], alpha=options["alpha"], lw=0,
                 hatch=options.get("hatch"), zorder=0)
    span = x_range[1] - x_range[0]
    # a region at the plot's edge: text from that edge inwards, so it never covers the ticks
    x, align = ((start + 0.02 * span, "left") if start <= x_range[0] else
                (end - 0.02 * span, "right") if end >= x_range[1] else ((start + end) / 2, "center"))
    axes.text(x, _free_height(axes, start, end, curves), "≈ 0" if end - start < 0.25 * span else _TEXT[kind],
              transform=axes.get_xaxis_transform(), ha=align, va="center", fontsize=style.FONT_SIZE,
              zorder=2, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.6))


def _free_height(axes, start, end, curves):
    """The height (0-1, axes fraction) in [start, end] farthest from every curve."""
    low, high = axes.get_ylim()
    heights = np.linspace(0.2, 0.8, 7)
    clearance = np.full(len(heights), np.inf)
    for x, y in curves:
        inside = (x >= start) & (x <= end) & np.isfinite(y)
        for value in (np.clip((y[inside] - low) / (high - low), -1, 2)):
            clearance = np.minimum(clearance, np.abs(heights - value))
    return float(heights[np.argmax(clearance)])


def _y_limits(values, derivative, top_at_most=3.0):
    """Room for both curves; functions that keep growing (ReLU) run off the top at 3."""
    low = min(values.min(), derivative.min(), 0.0)
    high = min(max(values.max(), derivative.max()), top_at_most)
    pad = 0.12 * (high - low)
    return low - pad, high + pad


def _legend_handles(axes):
    """The two curves, then a patch for each kind of shading the axes shows."""
    handles = axes.get_legend_handles_labels()[0]
    shown = {patch.get_hatch() for patch in axes.patches}
    for kind, options in _REGION_STYLE.items():
        if options.get("hatch") in shown or (kind == "saturates" and _has_plain_span(axes)):
            handles.append(Patch(facecolor=options["color"], alpha=options["alpha"],
                                 hatch=options.get("hatch"), label=options["label"]))
    return handles


def _has_plain_span(axes):
    return any(patch.get_hatch() is None for patch in axes.patches)


@style.styled
def plot_activations(names=("sigmoid", "tanh", "relu", "leaky_relu", "softplus"), x_range=(-6.0, 6.0)):
    """A grid of panels, one activation each (see plot_activation), with one shared legend.

    Returns the Figure.
    """
    names = list(names)
    if not names:
        raise ValueError("plot_activations: give at least one activation name")
    ncols = min(3, len(names))
    nrows = -(-len(names) // ncols)
    figure, grid = canvas.new_figure(nrows, ncols, width=5.6 * ncols, height=4.4 * nrows + 0.8,
                                     layout="constrained", squeeze=False)
    handles = {}
    for axes, name in zip(grid.flat, names):
        plot_activation(name, ax=axes, x_range=x_range, legend=False)
        handles.update({h.get_label(): h for h in _legend_handles(axes)})
    spare = list(grid.flat[len(names):])
    for axes in spare:
        axes.axis("off")
    legend_place = dict(loc="center") if spare else dict(loc="outside lower center", ncol=4)
    (spare[0] if spare else figure).legend(handles=list(handles.values()), frameon=False,
                                           fontsize=style.FONT_SIZE + 1, **legend_place)
    figure.suptitle("Activation functions and their derivatives (derivatives by microdl's autodiff)",
                    fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


# --- softmax -------------------------------------------------------------------------------

def softmax_probabilities(logits, temperature=1.0):
    """softmax(logits / temperature) computed by microdl (float64). logits: (k,)."""
    logits = np.array(logits, dtype=np.float64)
    if logits.ndim != 1 or logits.size < 2:
        raise ValueError(f"softmax: expected a vector of at least 2 logits, got shape {logits.shape}")
    if not temperature > 0:
        raise ValueError(f"softmax: the temperature must be > 0, got {temperature!r}")
    return F.softmax(Tensor(logits / temperature)).data.copy()


@style.styled
def plot_softmax(logits, temperature=1.0, labels=None, ax=None):
    """A vector of logits (left) and its softmax probabilities (right), values written on bars.

    temperature: a number, or several (e.g. (0.5, 1, 2)) shown side by side: a low
    temperature sharpens the distribution toward the largest logit, a high one flattens it.
    ax: optionally a pair of Axes (logits, probabilities). Returns the Figure, or the pair.
    """
    logits = np.array(logits, dtype=np.float64)
    temperatures = list(np.atleast_1d(np.asarray(temperature, dtype=float)))
    probabilities = [softmax_probabilities(logits, t) for t in temperatures]
    labels = list(labels) if labels is not None else [f"class {i}" for i in range(len(logits))]
    if len(labels) != len(logits):
        raise ValueError(f"plot_softmax: {len(labels)} labels for {len(logits)} logits")
    if ax is None:
        figure, (left, right) = canvas.new_figure(1, 2, width=max(12.0, 1.6 * len(logits) * 2 + 3),
                                                 height=5.2, layout="constrained")
    else:
        left, right = ax
        figure = left.figure
    _plot_logits(left, logits, labels)
    _plot_probabilities(right, probabilities, temperatures, labels)
    if ax is None:
        figure.suptitle("Softmax turns scores (logits) into probabilities that sum to 1",
                        fontsize=style.TITLE_SIZE + 2)
    if ax is not None:
        return style.projector_text(left), style.projector_text(right)
    return style.projector_text(figure)


def _plot_logits(axes, logits, labels):
    positive, negative = style.signed_color(0.7, 1), style.signed_color(-0.7, 1)
    colors = [positive if v > 0 else negative if v < 0 else style.GREY for v in logits]
    bars = axes.bar(labels, logits, color=colors, edgecolor=style.BLACK, linewidth=0.8)
    axes.bar_label(bars, labels=[f"{v:.2g}" for v in logits], padding=3, fontsize=style.FONT_SIZE)
    axes.axhline(0, color=style.BLACK, lw=0.8)
    low, high = min(logits.min(), 0), max(logits.max(), 0)
    pad = 0.18 * (high - low or 1)
    axes.set_ylim(low - pad, high + pad)
    axes.set_ylabel("logit (any real number)")
    axes.set_title("Logits: the network's raw scores")
    kinds = [Patch(facecolor=positive, edgecolor=style.BLACK, label="positive"),
             Patch(facecolor=negative, edgecolor=style.BLACK, label="negative")]
    axes.legend(handles=[k for k, present in zip(kinds, (logits.max() > 0, logits.min() < 0)) if present],
                loc="upper right", framealpha=0.95)


def _probability_text(p):
    return f"{p:.2f}" if p >= 0.005 else f"{p:.1g}"


def _plot_probabilities(axes, probabilities, temperatures, labels):
    k, m = len(labels), len(temperatures)
    width = 0.8 / m
    for j, (p, t) in enumerate(zip(probabilities, temperatures)):
        positions = np.arange(k) + (j - (m - 1) / 2) * width
        bars = axes.bar(positions, p, width=width * 0.95, color=style.CYCLE[j % len(style.CYCLE)],
                        edgecolor=style.BLACK, linewidth=0.6, label=f"T = {t:g}")
        axes.bar_label(bars, labels=[_probability_text(v) for v in p], padding=2,
                       fontsize=style.FONT_SIZE if m <= 2 else style.FONT_SIZE - 1,
                       rotation=0 if m <= 2 else 90)
    axes.set_xticks(np.arange(k), labels)
    axes.set_ylim(0, 1.18 if m <= 2 else 1.3)
    axes.set_yticks(np.linspace(0, 1, 6))
    axes.set_ylabel("probability")
    axes.set_title(r"Probabilities: $p_i = e^{z_i / T} \,/\, \Sigma_j\, e^{z_j / T}$")
    axes.legend(loc="upper right", title="temperature", framealpha=0.95)
