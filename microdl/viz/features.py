"""What a CNN sees: the feature maps of one image, layer by layer, and the learned kernels.

    from microdl.viz.features import plot_feature_maps, plot_filters
    fig = plot_feature_maps(model, X[0])          # input, then conv / ReLU / pool outputs
    fig = plot_filters(model[0])                  # the first Conv2d's kernels

Colours follow microdl's language: feature maps and kernels are signed numbers, drawn
with the DIVERGING map centred on zero (blue negative, white 0, red positive), one
scale per row so that the channels of a layer compare; the input is drawn as pixels.
After a ReLU the blue is gone: that is what the ReLU does.

The model is run layer by layer under no_grad() in eval mode; its modes are restored
afterwards, and no parameter, gradient or running statistic changes.
"""
import matplotlib
import numpy as np
from matplotlib.colors import Normalize

from ..nn.activation_layers import LeakyReLU, ReLU, Sigmoid, Tanh
from ..nn.layers import AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d
from ..nn.walk import layer_outputs
from ..tensor import Tensor
from . import style
from .canvas import Figure
from .graph.measure import text_width

__all__ = ["plot_feature_maps", "plot_filters", "FEATURE_LAYERS"]

#: layers whose outputs plot_feature_maps shows by default
FEATURE_LAYERS = (Conv2d, ReLU, LeakyReLU, Tanh, Sigmoid, MaxPool2d, AvgPool2d, BatchNorm2d)

PANEL_INCHES = 1.45


# --- the numbers -------------------------------------------------------------------------

def _one_image(image, dtype):
    """(1, C, H, W) Tensor from (H, W), (C, H, W) or (1, C, H, W)."""
    array = np.asarray(image.data if isinstance(image, Tensor) else image)
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[0] != 1:
        raise ValueError(f"plot_feature_maps shows ONE image: give (C, H, W) or (1, C, H, W), "
                         f"got shape {array.shape}; for a batch X pass X[i]")
    return Tensor(np.array(array, dtype=dtype))


def _layers_of(model):
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"plot_feature_maps needs a Sequential (layers applied in order), got "
                        f"{type(model).__name__}")
    return list(layers)


def _outputs_on_one_image(model, image):
    """[(index, layer, output)] for every layer of a Sequential, on one image (nn.layer_outputs).

    output is the NumPy array the layer returned, without the batch axis: (C, H, W)
    after convolutions and pooling, (features,) after Flatten and Linear.
    """
    _layers_of(model)
    params = model.parameters()
    x = _one_image(image, params[0].dtype if params else np.float32)
    return [(index, layer, np.array(output.data[0]))
            for index, (_, layer, output) in enumerate(layer_outputs(model, x))]


def _choose(outputs, layers):
    """The (index, layer, output) triples to draw: `layers` (indices, names, modules) or the default."""
    if layers is None:
        chosen = [o for o in outputs if isinstance(o[1], FEATURE_LAYERS) and o[2].ndim == 3]
        if not chosen:
            raise ValueError("the model has no convolution, activation or pooling layer with "
                             "(C, H, W) outputs; pass layers=[...] to choose some")
        return chosen
    by_position = {str(i): o for i, o in enumerate(outputs)}
    chosen = []
    for wanted in layers:
        if isinstance(wanted, (int, np.integer)):
            found = outputs[int(wanted)] if -len(outputs) <= wanted < len(outputs) else None
        elif isinstance(wanted, str):
            found = by_position.get(wanted)
        else:
            found = next((o for o in outputs if o[1] is wanted), None)
        if found is None:
            raise ValueError(f"layer {wanted!r} is not in the model; give indices 0..{len(outputs) - 1}, "
                             f"their names as strings, or the layer objects")
        if found[2].ndim != 3:
            raise ValueError(f"layer {found[0]} ({type(found[1]).__name__}) outputs shape {found[2].shape}, "
                             f"not (C, H, W) maps; choose a convolution, activation or pooling layer")
        chosen.append(found)
    return chosen


# --- drawing ----------------------------------------------------------------------------

def _map_colors(maps, signed):
    if signed or maps.min() < 0:
        return style.DIVERGING, style.signed_norm(maps)
    return style.IMAGE, Normalize(0.0, float(maps.max()) or 1.0)


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#B0B0B0")


def _draw_row(fig, grid, row, maps, label, colorbar_label, signed, max_channels, panel_title):
    """One row: a label, up to max_channels maps on one colour scale, a colour bar."""
    shown = maps[:max_channels]
    cmap, norm = _map_colors(shown, signed)
    label_ax = fig.add_subplot(grid[row, 0])
    label_ax.set_axis_off()
    label_ax.text(1.0, 0.5, label, ha="right", va="center", fontsize=style.FONT_SIZE,
                  transform=label_ax.transAxes)
    for c, channel_map in enumerate(shown):
        ax = fig.add_subplot(grid[row, 1 + c])
        image = ax.imshow(channel_map, cmap=cmap, norm=norm, interpolation="nearest")
        _bare(ax)
        ax.set_title(panel_title(c), fontsize=style.FONT_SIZE, pad=4)
    cax = fig.add_subplot(grid[row, -1])
    # maps that are never negative (after a ReLU) keep the shared white-at-0 colours, but
    # their bar shows only the values they hold, not an unused negative half
    never_negative = signed and shown.size and shown.min() >= 0
    bar = fig.colorbar(image, cax=cax, boundaries=np.linspace(0, norm.vmax, 129) if never_negative else None)
    bar.set_label(colorbar_label, fontsize=style.FONT_SIZE)
    bar.ax.tick_params(labelsize=style.FONT_SIZE)
    bar.locator = matplotlib.ticker.MaxNLocator(4)
    bar.update_ticks()
    _shrink(cax, 0.8)


def _shrink(ax, fraction):
    """Make a colour bar a little shorter than its row, centred."""
    box = ax.get_position()
    cut = box.height * (1 - fraction) / 2
    ax.set_position([box.x0, box.y0 + cut, box.width, box.height - 2 * cut])


def _layer_label(index, layer, output, max_channels):
    channels = output.shape[0]
    more = f"\n(first {max_channels} of {channels})" if channels > max_channels else ""
    return f"layers[{index}]: {type(layer).__name__}\n{' × '.join(map(str, output.shape))}{more}"


@style.styled
def plot_feature_maps(model, image, layers=None, max_channels=8, title=None):
    """The input and the feature maps of `layers` for ONE image, a row per layer.

    model: a Sequential; image: (C, H, W) or (1, C, H, W) (a NumPy array or a Tensor).
    layers: indices, names ("0") or layer objects; default every Conv2d, activation and
    pooling layer. Shows at most `max_channels` channels per layer. Returns the Figure.
    """
    chosen = _choose(_outputs_on_one_image(model, image), layers)
    x = _one_image(image, np.float64).data[0]
    columns = min(max_channels, max(len(x), *(o[2].shape[0] for o in chosen)))
    rows = 1 + len(chosen)
    labels = [f"input\n{' × '.join(map(str, x.shape))}"] + [
        _layer_label(index, layer, output, max_channels) for index, layer, output in chosen]
    label_inches = 0.25 + max(text_width(line, style.FONT_SIZE)     # as wide as they need
                              for label in labels for line in label.split("\n"))
    fig = Figure(figsize=(label_inches + columns * PANEL_INCHES + 1.3, 0.9 + rows * (PANEL_INCHES + 0.45)))
    grid = fig.add_gridspec(rows, columns + 2, width_ratios=[label_inches / PANEL_INCHES] + [1] * columns + [0.12],
                            left=0.02, right=0.91, top=1 - 0.9 / fig.get_figheight(), bottom=0.02,
                            wspace=0.12, hspace=0.45)
    _draw_row(fig, grid, 0, x, labels[0], "pixel value", False,
              max_channels, lambda c: f"channel {c}" if len(x) > 1 else "")
    for row, ((index, layer, output), label) in enumerate(zip(chosen, labels[1:]), start=1):
        _draw_row(fig, grid, row, output, label, "activation", True, max_channels, lambda c: f"channel {c}")
    fig.suptitle(title or "Feature maps: what each layer computes from this image (white = 0)",
                 x=0.02, ha="left", y=1 - 0.2 / fig.get_figheight(), va="top", fontsize=style.TITLE_SIZE + 2)
    return fig


# --- kernels ---------------------------------------------------------------------------------

def _weights_of(conv_layer_or_weight):
    source = getattr(conv_layer_or_weight, "weight", conv_layer_or_weight)
    weight = np.array(source.data if isinstance(source, Tensor) else source, dtype=float)
    if weight.ndim == 3:
        weight = weight[:, None]
    if weight.ndim != 4:
        raise ValueError(f"plot_filters needs a Conv2d or a weight of shape "
                         f"(out_channels, in_channels, KH, KW), "
                         f"got shape {weight.shape}")
    return weight


def _filter_grid(weight, max_filters, max_in_channels):
    """[(row, col, kernel, title)] and (rows, cols): filters wrapped 8 to a row when there is one
    input channel, else a row per filter and a column per input channel."""
    filters, channels = min(len(weight), max_filters), min(weight.shape[1], max_in_channels)
    if weight.shape[1] == 1:  # a grid about as wide as a 16:9 slide: 8 -> 4x2, 16 -> 6x3
        cols = min(filters, int(np.ceil(np.sqrt(filters * 16 / 9))))
        cells = [(f // cols, f % cols, weight[f, 0], f"filter {f}") for f in range(filters)]
        return cells, (-(-filters // cols), cols)
    cells = [(f, c, weight[f, c], f"in channel {c}" if f == 0 else "") for f in range(filters)
             for c in range(channels)]
    return cells, (filters, channels)


@style.styled
def plot_filters(conv_layer_or_weight, max_filters=16, max_in_channels=8, show_values=None, title=None,
                 per_filter=False):
    """The kernels of a convolution, on a colour scale centred on zero (white = 0).

    conv_layer_or_weight: a Conv2d, its weight Tensor, or an array (F, C, KH, KW).
    One input channel: a panel per filter. Several: a row per filter, a column per
    input channel. show_values writes each weight in its cell (default: for at most 8
    kernels of at most 3x3). per_filter=True scales each kernel to its own largest |weight|,
    so the pattern of a small kernel shows as well as a large one's (the colour bar is then
    relative). Returns the Figure.
    """
    weight = _weights_of(conv_layer_or_weight)
    cells, (rows, cols) = _filter_grid(weight, max_filters, max_in_channels)
    if per_filter:  # w / max|w| of its own kernel
        cells = [(r, c, k / (np.abs(k).max() or 1.0), t) for r, c, k, t in cells]
    kh, kw = weight.shape[2:]
    if show_values is None:
        show_values = len(cells) <= 8 and kh * kw <= 9
    panel = max(PANEL_INCHES, 0.6 * kw) if show_values else 1.3
    fig = Figure(figsize=(0.4 + cols * (panel + 0.25) + 1.6, 0.9 + rows * (panel + 0.45)))
    grid = fig.add_gridspec(rows, cols + 1, width_ratios=[1] * cols + [0.08], left=0.03, right=0.86,
                            top=1 - 0.9 / fig.get_figheight(), bottom=0.03, wspace=0.18, hspace=0.4)
    norm = style.signed_norm(np.array([kernel for *_, kernel, _ in cells]))
    for row, col, kernel, panel_title in cells:
        ax = fig.add_subplot(grid[row, col])
        image = ax.imshow(kernel, cmap=style.DIVERGING, norm=norm, interpolation="nearest")
        _bare(ax)
        if panel_title:
            ax.set_title(panel_title, fontsize=style.FONT_SIZE, pad=4)
        if weight.shape[1] > 1 and col == 0:
            ax.set_ylabel(f"filter {row}", fontsize=style.FONT_SIZE)
        if show_values:
            _write_values(ax, kernel, norm)
    bar = fig.colorbar(image, cax=fig.add_subplot(grid[:, -1]))
    bar.set_label("weight / the filter's largest |weight|" if per_filter else "weight (white = 0)",
                  fontsize=style.FONT_SIZE)
    bar.ax.tick_params(labelsize=style.FONT_SIZE)
    shown = f"{min(len(weight), max_filters)} of {len(weight)} filters" if len(weight) > max_filters \
        else f"{len(weight)} filters"
    fig.suptitle(title or f"Learned kernels: {shown}, {weight.shape[1]} input channel"
                          f"{'s' if weight.shape[1] > 1 else ''}, {kh}×{kw}",
                 x=0.03, ha="left", y=1 - 0.2 / fig.get_figheight(), va="top", fontsize=style.TITLE_SIZE + 1)
    return fig


def _write_values(ax, kernel, norm):
    cmap = matplotlib.colormaps[style.DIVERGING]
    for (row, col), value in np.ndenumerate(kernel):
        ax.text(col, row, style.short_number(value, 1), ha="center", va="center", fontsize=style.FONT_SIZE,
                color=style.text_color_on(cmap(norm(value))))
