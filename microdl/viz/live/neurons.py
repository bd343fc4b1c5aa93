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

__all__ = ["neuron_maps", "draw_neuron_maps", "heading_pad"]


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
    # the inputs' names beside their maps, unless the maps are too small for projector letters
    tiny = style.is_projector() and max(sizes) > 8
    for (x, y), name in zip(columns[0], [] if tiny else names):
        ax.text(x - half - 0.1, y, name, ha="right", va="center", fontsize=style.font_size() + 2)
    _headings(ax, [column[0][0] for column in columns], sizes)
    ax.set_xlim(-1.2 * cell, columns[-1][0][0] + cell)
    ax.set_ylim(-tallest - 0.2, tallest + 0.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


HEADING_LINES = 2      # the headings over the columns take two lines above the Axes


def _headings(ax, xs, sizes):
    """Over each column its size, and over those "input", "hidden ...", "output": placed just
    above the Axes (x in data, y in axes fraction), so their room does not depend on how tall
    the network is; a title over this Axes needs pad >= heading_pad()."""
    from matplotlib.transforms import blended_transform_factory
    above = blended_transform_factory(ax.transData, ax.transAxes)
    font = style.font_size()
    for x, size in zip(xs, sizes):
        ax.annotate(str(size), (x, 1.0), xycoords=above, xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=font)
    hidden = xs[1:-1]
    # "hidden 1", "hidden 2" meet when the columns are close or the font is large: then one
    # "hidden" over all of them
    crowded = style.is_projector() or len(hidden) > 2
    names = [("input", xs[0]), ("output", xs[-1])]
    if crowded and hidden:
        names.append(("hidden", (hidden[0] + hidden[-1]) / 2))
    else:
        names += [(f"hidden {k}", x) for k, x in enumerate(hidden, start=1)]
    for name, x in names:
        ax.annotate(name, (x, 1.0), xycoords=above, xytext=(0, 6 + 1.25 * font), textcoords="offset points",
                    ha="center", va="bottom", fontsize=font)


def heading_pad():
    """Points between the top of the network's Axes and a title over it, above the headings."""
    return 10 + HEADING_LINES * 1.3 * style.font_size()


def _frame(x, y, half):
    from matplotlib.patches import Rectangle
    return Rectangle((x - half, y - half), 2 * half, 2 * half, fill=False, edgecolor=style.GREY,
                     linewidth=1, zorder=3)
