"""Every neuron's output over the plane, drawn as a small heatmap where the neuron sits in the
network, with the weights as coloured edges between them (as TensorFlow Playground does).

    maps = neuron_maps(model, grid)          # [inputs (2, R, R), layer 1 (n1, R, R), ...]
    draw_neuron_maps(ax, model, low, high)   # the picture, on one Axes

Colours: DIVERGING on each neuron's own scale (blue negative, white 0, red positive);
an edge's colour is its weight's sign and size, its width the size.
"""
import numpy as np
from matplotlib.collections import LineCollection

from ...nn.walk import layer_outputs
from ...tensor import Tensor
from ...inference import is_scalar_model
from .. import style
from .numpy_mlp import numpy_layer_outputs
from ..network.reading import network_layers

__all__ = ["neuron_maps", "draw_neuron_maps"]


def _grid(low, high, resolution):
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()])


def neuron_maps(model, low, high, resolution=20):
    """[(neurons, R, R) per layer, inputs first]: what each neuron outputs over the plane."""
    points = _grid(low, high, resolution)
    n_inputs, layers = network_layers(model)
    wanted = {id(layer.modules[-1]) for layer in layers}
    if is_scalar_model(model):                   # the same numbers, through NumPy: 100x faster
        arrays = numpy_layer_outputs(model, points)
    else:
        dtype = model.parameters()[0].dtype
        outputs = layer_outputs(model, Tensor(points.astype(dtype)))
        arrays = [np.asarray(out.data, dtype=float) for _, module, out in outputs if id(module) in wanted]
    maps = [points.T] + [a.T for a in arrays]
    return [m.reshape(len(m), resolution, resolution) for m in maps], layers


def draw_neuron_maps(ax, model, low, high, resolution=20, names=("$x_1$", "$x_2$"), labels=True):
    """The network as heatmaps joined by weight-coloured edges, on `ax` (labels=False: no
    layer names, for a small panel)."""
    maps, layers = neuron_maps(model, low, high, resolution)
    sizes = [len(m) for m in maps]
    cell = 1.0
    columns = []
    for k, n in enumerate(sizes):               # each layer centred vertically
        ys = (np.arange(n)[::-1] - (n - 1) / 2) * 1.3 * cell
        columns.append([(2.4 * k * cell, y) for y in ys])
    weights = [layer.weight for layer in layers]
    vmax = max(float(np.abs(w).max()) for w in weights) or 1.0
    segments, colors, widths = [], [], []
    for k, w in enumerate(weights):
        for j, (x1, y1) in enumerate(columns[k + 1]):
            for i, (x0, y0) in enumerate(columns[k]):
                segments.append([(x0 + cell / 2, y0), (x1 - cell / 2, y1)])
                colors.append(style.signed_color(w[j, i], vmax))
                widths.append(0.4 + 4.0 * abs(w[j, i]) / vmax)
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, zorder=1))
    half = cell / 2
    for k, (column, layer_maps) in enumerate(zip(columns, maps)):
        for (x, y), image in zip(column, layer_maps):
            ax.imshow(image, origin="lower", cmap=style.DIVERGING, norm=style.signed_norm(image),
                      extent=(x - half, x + half, y - half, y + half), zorder=2, interpolation="bilinear")
            ax.add_patch(_frame(x, y, half))
    tallest = max(sizes) * 1.3 * cell / 2
    if not labels:
        ax.set_xlim(-0.7 * cell, columns[-1][0][0] + 0.7 * cell)
        ax.set_ylim(-tallest, tallest)
        ax.set_aspect("equal")
        ax.set_axis_off()
        return ax
    for (x, y), name in zip(columns[0], names):
        ax.text(x - half - 0.1, y, name, ha="right", va="center", fontsize=style.font_size() + 2)
    for k, column in enumerate(columns):
        title = "input" if k == 0 else "output" if k == len(columns) - 1 else f"hidden {k}"
        ax.text(column[0][0], tallest + 0.1, f"{title}\n{sizes[k]}", ha="center", va="bottom",
                fontsize=style.font_size())
    ax.set_xlim(-1.2 * cell, columns[-1][0][0] + cell)
    ax.set_ylim(-tallest - 0.2, tallest + 1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _frame(x, y, half):
    from matplotlib.patches import Rectangle
    return Rectangle((x - half, y - half), 2 * half, 2 * half, fill=False, edgecolor=style.GREY,
                     linewidth=1, zorder=3)
