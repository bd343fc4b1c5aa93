"""A small network drawn as neurons and weighted edges, like the perceptron on the blackboard.

    from microdl.nn import Neuron, MLP
    from microdl.viz import draw_network
    draw_network(Neuron(3, activation="sigmoid", weights=[.3, .5, .2], bias=-0.1), inputs=[1, 0, 1])
    draw_network(MLP(2, [4, 1], seed=0))
    draw_network([3, 4, 1])                       # just the shape, no weights

Neurons are circles in layers, left to right: the inputs x1..xn, the hidden layers, the
output y. An edge's colour is its weight's sign and size (DIVERGING: blue negative,
red positive, white zero, with a colour bar) and its width the weight's size. Small
networks (at most 12 edges) have the weight written on each edge; small layers show
the activation and the bias inside each neuron. With `inputs=`, every neuron shows the
value it outputs for that input.

Accepts a scalar Neuron, Layer or MLP, a tensor Linear or a Sequential of Linear layers
and activations, or a list of layer sizes (reading.py reads them).
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.patches import Circle, FancyArrowPatch
from matplotlib.ticker import MaxNLocator

from ...nn.scalar import Neuron
from .. import canvas, style
from .reading import network_layers, neuron_outputs

__all__ = ["draw_network", "ACTIVATION_SYMBOLS"]

ACTIVATION_SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky", "linear": "Σ"}
MAX_EDGES_WITH_NUMBERS = 12
MAX_NEURONS_WITH_TEXT = 8


# --- geometry: in inches, so that text fits in the circles at any network size ----------------

@dataclass(frozen=True)
class _Geometry:
    spacing: float      # between neuron centres in a layer
    radius: float
    gap: float          # between layers
    with_text: bool     # room for the activation and bias inside each neuron

    def columns(self, sizes):
        """[(x, ys)] per layer: neurons centred on y = 0, the first one on top."""
        return [(self.gap * k, self.spacing * (np.arange(n)[::-1] - (n - 1) / 2))
                for k, n in enumerate(sizes)]


def _geometry(sizes):
    biggest = max(sizes)
    if biggest <= MAX_NEURONS_WITH_TEXT:
        return _Geometry(spacing=1.25, radius=0.47, gap=2.9, with_text=True)
    spacing = min(1.25, 8.0 / (biggest - 1))
    return _Geometry(spacing=spacing, radius=min(0.3, 0.36 * spacing), gap=2.4, with_text=False)


def _edge_points(start, end, radius):
    """The segment between two circles' edges (not their centres)."""
    (x0, y0), (x1, y1) = start, end
    length = np.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return (x0 + ux * radius, y0 + uy * radius), (x1 - ux * radius, y1 - uy * radius)


# --- drawing --------------------------------------------------------------------------------------

def _edge_label_position(i, n_in):
    """Where along an edge its weight is written: staggered by source neuron, so that the
    labels of edges that fan out of one neuron, or into one, do not pile up."""
    return 0.22 + 0.56 * (i + 0.5) / n_in


def _draw_edges(ax, layers, columns, radius, vmax, show_weights):
    for k, layer in enumerate(layers):
        (x0, ys0), (x1, ys1) = columns[k], columns[k + 1]
        for j, y1 in enumerate(ys1):
            for i, y0 in enumerate(ys0):
                (a, b), (c, d) = _edge_points((x0, y0), (x1, y1), radius)
                if layer.weight is None:
                    ax.plot([a, c], [b, d], color=style.GREY, linewidth=1.2, zorder=1)
                    continue
                w, color = layer.weight[j, i], style.signed_color(layer.weight[j, i], vmax)
                ax.plot([a, c], [b, d], color=color, linewidth=0.6 + 5.0 * abs(w) / vmax, zorder=1,
                        solid_capstyle="round")
                if show_weights:
                    t = _edge_label_position(i, len(ys0))
                    ax.text(a + t * (c - a), b + t * (d - b), style.short_number(w), ha="center", va="center",
                            fontsize=style.FONT_SIZE, zorder=4,
                            bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor=color,
                                      linewidth=1.5))


def _draw_neurons(ax, x, ys, radius, role, texts, fills=None):
    for k, (y, text) in enumerate(zip(ys, texts)):
        face = style.ROLE_COLORS[role] if fills is None else fills[k]
        ax.add_patch(Circle((x, y), radius, facecolor=face, edgecolor=style.ROLE_EDGES[role], linewidth=2,
                            zorder=3))
        if text:
            ax.text(x, y, text, ha="center", va="center", fontsize=style.FONT_SIZE, zorder=5,
                    linespacing=1.25)


def _inner_texts(layer, geometry):
    """The activation's symbol and the bias, written inside each neuron when there is room."""
    if not geometry.with_text or layer.bias is None:
        return [""] * layer.size
    symbol = ACTIVATION_SYMBOLS.get(layer.activation, layer.activation)
    return [f"{symbol}\nb={style.short_number(b)}" for b in layer.bias]


def _bias_fills(layer, geometry, vmax):
    """Big layers have no room for text: the neuron's fill colour shows its bias instead."""
    if geometry.with_text or layer.bias is None:
        return None
    return [style.signed_color(b, vmax) for b in layer.bias]


def _write_values(ax, x, ys, radius, values, side):
    """The value each neuron outputs, in a yellow box beside it (left of inputs, above others)."""
    for y, value in zip(ys, values):
        if side == "left":
            position, align = (x - radius - 0.1, y), dict(ha="right", va="center")
        else:
            position, align = (x + 0.55 * radius, y + 0.85 * radius), dict(ha="left", va="bottom")
        ax.text(*position, style.short_number(value), fontsize=style.FONT_SIZE, fontweight="bold", zorder=6,
                color=style.BLACK, **align,
                bbox=dict(boxstyle="round,pad=0.2", facecolor=style.YELLOW, edgecolor="none", alpha=0.95))


def _names(names, count, stem):
    if names is not None:
        if len(names) != count:
            raise ValueError(f"got {len(names)} names for {count} {'input' if stem == 'x' else 'output'} "
                             f"neurons; give one name per neuron")
        return list(names)
    return [f"${stem}$"] if count == 1 and stem == "y" else [f"${stem}_{{{i + 1}}}$" for i in range(count)]


def _title_of(model_or_sizes, sizes, layers):
    if isinstance(model_or_sizes, Neuron):
        activation = layers[0].activation
        if activation == "linear":
            return "One neuron: y = w·x + b"
        return f"One neuron: y = {ACTIVATION_SYMBOLS.get(activation, activation)}(w·x + b)"
    name = "Network" if isinstance(model_or_sizes, (list, tuple)) else type(model_or_sizes).__name__
    return f"{name}: " + " → ".join(map(str, sizes))


def _draw_outputs(ax, last, radius, names):
    x, ys = last
    for y, name in zip(ys, names):
        ax.add_patch(FancyArrowPatch((x + radius, y), (x + radius + 0.8, y), arrowstyle="-|>",
                                     mutation_scale=18, color=style.BLACK, linewidth=1.5, zorder=2))
        ax.text(x + radius + 0.95, y, name, ha="left", va="center", fontsize=style.FONT_SIZE + 3)


def _label_columns(ax, columns, sizes, geometry):
    bottom = -geometry.spacing * (max(sizes) - 1) / 2 - geometry.radius - 0.25
    for k, (x, _) in enumerate(columns):
        name = "input" if k == 0 else "output" if k == len(columns) - 1 else f"hidden {k}"
        ax.text(x, bottom, f"{name} ({sizes[k]})", ha="center", va="top", fontsize=style.FONT_SIZE,
                color="#666666")


def _extent(columns, sizes, geometry, has_inputs):
    """(left, right, bottom, top) of the drawing, in inches."""
    half = geometry.spacing * (max(sizes) - 1) / 2 + geometry.radius
    return (columns[0][0] - geometry.radius - (0.8 if has_inputs else 0.2),
            columns[-1][0] + geometry.radius + 1.4,
            -half - 0.65, half + (0.45 if has_inputs else 0.15))


def _axes_in_inches(ax, extent, with_colorbar):
    """A new figure whose axes show 1 data unit as 1 inch (ax None), or the given axes."""
    left, right, bottom, top = extent
    width, height = right - left, top - bottom
    if ax is not None:
        return ax.figure, ax, None
    margin_top, margin_side, bar = 0.9, 0.3, (1.5 if with_colorbar else 0.0)
    fig_width, fig_height = width + 2 * margin_side + bar, height + margin_top + 0.3
    fig, axes = canvas.new_figure(width=fig_width, height=fig_height)
    axes.set_position([margin_side / fig_width, 0.3 / fig_height, width / fig_width, height / fig_height])
    cax = None
    if with_colorbar:
        bar_height = min(height * 0.8, 3.5)
        cax = fig.add_axes([(margin_side + width + 0.35) / fig_width,
                            (0.3 + (height - bar_height) / 2) / fig_height,
                            0.18 / fig_width, bar_height / fig_height])
    return fig, axes, cax


@style.styled
def draw_network(model_or_sizes, inputs=None, ax=None, show_weights=None, input_names=None,
                 output_names=None, title=None):
    """Neurons as circles, weights as coloured edges; returns the Figure (the Axes with ax=).

    model_or_sizes: Neuron, Layer, MLP, Linear, Sequential of Linear (+ activations), or
    sizes like [3, 4, 1]. inputs: one input vector; each neuron then shows its output
    (run under no_grad in eval mode). show_weights: write the weights on the edges
    (default: when there are at most 12 edges).
    """
    n_inputs, layers = network_layers(model_or_sizes)
    sizes = [n_inputs] + [layer.size for layer in layers]
    geometry = _geometry(sizes)
    columns = geometry.columns(sizes)
    has_weights = layers[0].weight is not None
    if inputs is not None and not has_weights:
        raise ValueError("inputs= needs a model with weights, not just layer sizes")
    edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    show_weights = has_weights and (edges <= MAX_EDGES_WITH_NUMBERS if show_weights is None else show_weights)
    vmax = _largest_parameter(layers, geometry) if has_weights else 1.0
    extent = _extent(columns, sizes, geometry, inputs is not None)
    fig, axes, cax = _axes_in_inches(ax, extent, has_weights)

    _draw_edges(axes, layers, columns, geometry.radius, vmax, show_weights)
    names_fit = n_inputs <= 2 * MAX_NEURONS_WITH_TEXT
    input_text = _names(input_names, n_inputs, "x") if names_fit else [""] * n_inputs
    _draw_neurons(axes, *columns[0], geometry.radius, "input", input_text)
    for k, layer in enumerate(layers, start=1):
        role = "output" if k == len(layers) else "intermediate"
        _draw_neurons(axes, *columns[k], geometry.radius, role, _inner_texts(layer, geometry),
                      _bias_fills(layer, geometry, vmax))
    _draw_outputs(axes, columns[-1], geometry.radius, _names(output_names, sizes[-1], "y"))
    subtitle = ""
    if inputs is not None:
        values = neuron_outputs(model_or_sizes, layers, inputs)
        _write_values(axes, *columns[0], geometry.radius, values[0], "left")
        for column, layer_values in zip(columns[1:], values[1:]):
            _write_values(axes, *column, geometry.radius, layer_values, "right")
        subtitle = "\nyellow: what each neuron outputs for this input"
    _label_columns(axes, columns, sizes, geometry)
    axes.set_xlim(extent[0], extent[1])
    axes.set_ylim(extent[2], extent[3])
    axes.set_aspect("equal")
    axes.set_axis_off()
    if has_weights:
        _add_colorbar(axes, cax, vmax, geometry)
    axes.set_title((title or _title_of(model_or_sizes, sizes, layers)) + subtitle,
                   fontsize=style.TITLE_SIZE + 1)
    return fig if ax is None else axes


def _largest_parameter(layers, geometry):
    """The colour scale's end: the largest |weight| (and |bias| when biases are colours too)."""
    values = [np.abs(l.weight).max() for l in layers]
    if not geometry.with_text:
        values += [np.abs(l.bias).max() for l in layers if l.bias is not None]
    return float(max(values)) or 1.0


def _add_colorbar(axes, cax, vmax, geometry):
    mappable = ScalarMappable(norm=style.signed_norm([], vmax), cmap=style.DIVERGING)
    if cax is None:
        bar = axes.figure.colorbar(mappable, ax=axes, shrink=0.7, pad=0.02)
    else:
        bar = axes.figure.colorbar(mappable, cax=cax)
    bar.set_label("weight (white = 0)" if geometry.with_text else "weight (edges), bias (neurons)")
    bar.ax.tick_params(labelsize=style.FONT_SIZE)
    bar.locator = MaxNLocator(5)
    bar.update_ticks()
