"""One frame of the playground: the network of neuron heatmaps, the boundary with train and
test points, the loss curves, and a header with the seed, the step and the scores."""
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import style
from ..boundary import MARKERS, class_color, plot_decision_boundary
from .neurons import draw_neuron_maps

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
    ax.set_title(f"accuracy: train {scores['train']:.0%}, test {scores['test']:.0%}")
    ax.set_xlabel("white edge: train, black: test", fontsize=style.font_size())
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
    ax.legend(frameon=False, loc="upper right")


def _header(pg):
    state = pg.state
    network = " → ".join(map(str, [2] + pg.layers + [len(pg.class_names)]))
    return (f"{state['dataset']}   ·   {network} {state['activation']}   ·   {state['engine']} engine   ·   "
            f"seed {pg.seed}\nstep {pg.step_count:,}   ·   {state['optimizer']} lr {state['lr']:.3g}, "
            f"batch {state['batch_size']}, L2 {state['l2']:g}")


def draw_playground(fig, pg):
    """Draw the playground `pg` on `fig` (a Figure or a SubFigure)."""
    with style.context():
        grid = fig.add_gridspec(2, 2, width_ratios=[1.35, 1], height_ratios=[1.6, 1], left=0.02, right=0.97,
                                top=0.84, bottom=0.09, wspace=0.12, hspace=0.45)
        network = fig.add_subplot(grid[:, 0])
        low, high = _extent(pg)
        draw_neuron_maps(network, pg.model, low, high, resolution=16 if pg.state["engine"] == "scalar" else 24)
        network.set_title("each neuron's output (blue < 0 < red)", fontsize=style.font_size())
        _boundary(fig.add_subplot(grid[0, 1]), pg)
        _curves(fig.add_subplot(grid[1, 1]), pg)
        fig.suptitle(_header(pg), fontsize=style.font_size() + 1, fontweight="bold")
        if style.is_projector():
            style.projector_text(fig)
    return fig
