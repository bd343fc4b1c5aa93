"""One frame of the playground: the network of neuron heatmaps, the boundary with train and
test points, the loss curves, and a header with the seed, the step and the scores."""
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import style
from ..boundary import MARKERS, class_color, plot_decision_boundary
from .legend_place import legend_clear_of_data
from .neurons import draw_neuron_maps, heading_pad

__all__ = ["draw_playground"]


def _extent(pg):
    X = np.concatenate([pg.X_train, pg.X_test])
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * np.maximum(high - low, 1e-9)
    return low - pad, high + pad


def _boundary(ax, pg):
    """The decision regions (viz.boundary), training points (white edge) and test points (black edge)."""
    resolution = 30 if pg.state["engine"] == "scalar" else 70
    everything = np.concatenate([pg.X_train, pg.X_test])
    labels = np.concatenate([pg.y_train, pg.y_test])
    plot_decision_boundary(pg.model, everything, labels, ax=ax, resolution=resolution,
                           class_names=pg.class_names, legend=False)
    for k in range(len(pg.class_names)):                  # test points get a black edge
        chosen = pg.y_test == k
        ax.scatter(pg.X_test[chosen, 0], pg.X_test[chosen, 1], s=46, c=class_color(k),
                   marker=MARKERS[k % len(MARKERS)], edgecolors=style.BLACK, linewidths=1.2, zorder=3)
    scores = pg.accuracy()
    # the title says which points are which: a label under the axes met the loss title
    ax.set_title(f"accuracy: train {scores['train']:.0%}, test {scores['test']:.0%}\n"
                 "white edge: train, black: test",
                 fontsize=style.font_size())
    ax.set_xlabel("")
    ax.set_ylabel("")


def _curves(ax, pg):
    curves = pg.curves
    ax.plot(curves["step"], curves["train"], color=style.CYCLE[0], linewidth=2.5,
            label=f"train {curves['train'][-1]:.3f}")
    ax.plot(curves["step"], curves["test"], color=style.CYCLE[1], linewidth=2.5, linestyle="--",
            label=f"test {curves['test'][-1]:.3f}")
    ax.set_title("loss")
    ax.set_xlabel("step")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.grid(alpha=0.3)
    legend_clear_of_data(ax, frameon=False)        # where the curves are not


def _header(pg, fig, font):
    """Two lines (the data and network; the step and optimizer), broken again where a line
    would be wider than the figure (a deep network's arrows, projector fonts)."""
    state = pg.state
    network = " → ".join(map(str, [2] + pg.layers + [len(pg.class_names)]))
    first = [state["dataset"], f"{network} {state['activation']}", f"{state['engine']} engine", f"seed {pg.seed}"]
    second = [f"step {pg.step_count:,}", f"{state['optimizer']} lr {state['lr']:.3g}, "
              f"batch {state['batch_size']}, L2 {state['l2']:g}"]
    return "\n".join(_fitted_lines(first, fig, font) + _fitted_lines(second, fig, font))


def _fitted_lines(parts, fig, font, separator="   ·   "):
    from matplotlib.textpath import TextPath
    room = 0.95 * fig.bbox.width * 72 / fig.figure.dpi            # points
    lines = [parts[0]]
    for part in parts[1:]:
        longer = lines[-1] + separator + part
        wide = TextPath((0, 0), longer, size=font, prop={"weight": "bold"}).get_extents().width
        if wide <= room:
            lines[-1] = longer
        else:
            lines.append(part)
    return lines


def _below(fig, points):
    """The figure fraction `points` below the top of `fig`."""
    return 1 - points / (fig.bbox.height * 72 / fig.figure.dpi)


def draw_playground(fig, pg):
    """Draw the playground `pg` on `fig` (a Figure or a SubFigure)."""
    with style.context():
        projector = style.is_projector()
        font, line = style.font_size(), 1.3 * style.font_size()        # a line of text, in points
        header = _header(pg, fig, font + 1)
        header_room = 8 + (header.count("\n") + 1) * 1.3 * (font + 1)
        title = "each neuron's output\n(blue < 0 < red)" if projector else "each neuron's output (blue < 0 < red)"
        # the network's top leaves room for the header, its title and its column headings;
        # the right column's for the header and the boundary's two-line title
        network_top = _below(fig, header_room + (title.count("\n") + 1) * line + heading_pad() + 6)
        # larger fonts: the picture column gets wider
        ratios = [1.1 if projector else 1.35, 1]
        left = fig.add_gridspec(1, 2, width_ratios=ratios, left=0.02, right=0.97, top=network_top,
                                bottom=0.09, wspace=0.12)
        right = fig.add_gridspec(2, 2, width_ratios=ratios, height_ratios=[1.6, 1], left=0.02, right=0.97,
                                 top=_below(fig, header_room + 2 * line + 10), bottom=0.09, wspace=0.12,
                                 hspace=0.5)
        network = fig.add_subplot(left[0, 0])
        low, high = _extent(pg)
        draw_neuron_maps(network, pg.model, low, high, resolution=16 if pg.state["engine"] == "scalar" else 24)
        network.set_title(title, fontsize=font, pad=heading_pad())
        _boundary(fig.add_subplot(right[0, 1]), pg)
        _curves(fig.add_subplot(right[1, 1]), pg)
        fig.suptitle(header, fontsize=font + 1, fontweight="bold", y=_below(fig, 4), va="top")
        if projector:
            style.projector_text(fig)
    return fig
