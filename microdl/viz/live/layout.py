"""Which panels a live view shows, chosen from the model and the data, and where they go.

    2-D points          the decision boundary (big), loss, accuracy, gradient health, and for a
                        small MLP every neuron's output joined by its weights (else histograms)
    images (N, C, H, W) a strip of examples with the predicted class, then the curves below
    a tiny scalar model the computational graph takes the weights' place
    anything else       loss, accuracy, gradient health, weights

Below the panels: the plain-language verdicts (a dying layer, named, in red). Above: the
step, the epoch and whether training is paused. A frame fills a 16:9 slide.
"""
import textwrap

from ...inference import is_scalar_model
from .. import style
from ..network.reading import network_layers
from .panels import (draw_accuracy, draw_boundary, draw_examples, draw_graph, draw_health, draw_loss,
                     draw_weights, verdict_lines)

__all__ = ["choose_panels", "draw_frame", "GRAPH_MAX_PARAMETERS", "NETWORK_MAX_WIDTH"]

GRAPH_MAX_PARAMETERS = 20     # a Neuron, MLP(2, [4, 1]) (17): its graph still reads on a slide
NETWORK_MAX_WIDTH = 16        # widest layer drawn as circles; wider: histograms
NETWORK_MAX_EDGES = 120
EXAMPLES = 8                  # images in the strip (6 in projector mode: their titles need the room)


def _small_network(model):
    try:
        n_inputs, layers = network_layers(model)
    except (TypeError, ValueError):
        return False
    sizes = [n_inputs] + [layer.size for layer in layers]
    return max(sizes) <= NETWORK_MAX_WIDTH and sum(a * b for a, b in zip(sizes, sizes[1:])) <= NETWORK_MAX_EDGES


def choose_panels(model, X, classify=True):
    """The panel names for this model and data, in drawing order."""
    shape = getattr(X, "shape", ())
    panels = []
    if len(shape) == 2 and shape[1] == 2 and classify:
        panels.append("boundary")
    elif len(shape) >= 3 and classify:
        panels.append("examples")
    panels += ["loss"] + (["accuracy"] if classify else []) + ["health"]
    scalar = is_scalar_model(model)
    if scalar and len(model.parameters()) <= GRAPH_MAX_PARAMETERS:
        panels.append("graph")
    else:
        two_d = len(shape) == 2 and shape[1] == 2
        panels.append("network" if two_d and _small_network(model) else "histograms")
    return panels


def _axes_for(fig, panels):
    """{panel: Axes (or a list of Axes for the examples)} on a GridSpec of the frame."""
    fig.subplots_adjust(left=0.06, right=0.98, top=0.88, bottom=0.2)
    left = 0.1 if style.is_projector() else 0.07            # room for large tick labels and x2
    picture = next((p for p in panels if p in ("boundary", "examples")), None)
    rest = [p for p in panels if p != picture]
    if picture == "examples":
        grid = fig.add_gridspec(2, len(rest), height_ratios=[1, 1.35], hspace=0.55, wspace=0.45,
                                left=0.06, right=0.98, top=0.8 if style.is_projector() else 0.86, bottom=0.2)
        count = EXAMPLES - 2 if style.is_projector() else EXAMPLES
        strip = grid[0, :].subgridspec(1, count, wspace=0.15)
        axes = {"examples": [fig.add_subplot(strip[0, k]) for k in range(count)]}
        axes.update({name: fig.add_subplot(grid[1, k]) for k, name in enumerate(rest)})
        return axes
    if "graph" in rest:                     # the graph is wide: the top row, curves below
        rest.remove("graph")
        grid = fig.add_gridspec(2, 1 + len(rest), hspace=0.45, wspace=0.45, left=left, right=0.985,
                                top=0.86, bottom=0.2, width_ratios=[1.4] + [1] * len(rest),
                                height_ratios=[1.7, 1])
        axes = {picture: fig.add_subplot(grid[:, 0]), "graph": fig.add_subplot(grid[0, 1:])}
        axes.update({name: fig.add_subplot(grid[1, 1 + k]) for k, name in enumerate(rest)})
        return axes
    columns = (1 if picture else 0) + (len(rest) + 1) // 2
    grid = fig.add_gridspec(2, columns, hspace=0.5, wspace=0.42, left=left, right=0.985, top=0.86,
                            bottom=0.2, width_ratios=[1.25] + [1] * (columns - 1) if picture else None)
    axes = {picture: fig.add_subplot(grid[:, 0])} if picture else {}
    places = [(r, c) for c in range(1 if picture else 0, columns) for r in range(2)]
    for name, (r, c) in zip(rest, places):
        axes[name] = fig.add_subplot(grid[r, c])
    return axes


def _header(view):
    record = view.record
    parts = [f"step {record.step:,}"]
    if record.epoch is not None:
        parts.append(f"epoch {record.epoch}")
    if record.loss:
        parts.append(f"loss {record.loss[-1]:.4g}")
    if view.paused:
        parts.append("PAUSED (space: play, \u2192: one step)")
    return "   \u00b7   ".join(parts)


def _footer(text, lines):
    """The verdicts, under the panels: red when something is wrong, green when all is well."""
    healthy = len(lines) == 1 and lines[0].startswith("all layers")
    shown = [textwrap.shorten(line, 125, placeholder=" ...") for line in lines[:2]]
    if len(lines) > 2:
        shown[-1] += f"   (+{len(lines) - 2} more)"
    text.set_text("\n".join(shown))
    text.set_color(style.GREEN if healthy else style.VERMILLION)


def _draw_panel(name, ax, view, X, y):
    record, model = view.record, view.model
    if name == "loss":
        draw_loss(ax, record)
    elif name == "accuracy":
        draw_accuracy(ax, record)
    elif name == "health":
        draw_health(ax, record)
    elif name == "boundary":
        draw_boundary(ax, model, X, y, view.class_names, view.resolution)
    elif name == "examples":
        draw_examples(ax, model, X, y, view.class_names)
    elif name == "graph":
        draw_graph(ax, model, view.last_loss, X)
    else:
        draw_weights(ax, model, small=name == "network", X=X)


def _cannot_draw(ax, name, error):
    """A panel that cannot be drawn says why (a diverged model has nan everywhere)."""
    for one in ax if isinstance(ax, list) else [ax]:
        one.clear()
        one.set_axis_off()
    first = ax[0] if isinstance(ax, list) else ax
    first.text(0.0 if isinstance(ax, list) else 0.5, 0.5, f"{name}: cannot draw\n({str(error)[:60]})",
               transform=first.transAxes, ha="left" if isinstance(ax, list) else "center", va="center",
               color=style.VERMILLION)


def draw_frame(fig, view):
    """One frame of `view` (a LiveView) on `fig`, a Figure or SubFigure.

    The first frame builds the panels' Axes, the header and the footer; later frames on
    the same `fig` keep them (their ticks, fonts and layout) and only replace what the
    panels drew: rebuilding the figure was half of a frame's cost."""
    with style.context():
        stage = _stage(fig, view.panels)
        X, y = view.picture_data
        for name, ax in stage.axes.items():
            try:
                _draw_panel(name, ax, view, X, y)
            except (ValueError, FloatingPointError, OverflowError) as error:   # never stop training
                _cannot_draw(ax, name, error)
        stage.header.set_text(_header(view))
        _footer(stage.footer, verdict_lines(view.record))
        if style.is_projector():         # fonts are already >= 12 pt otherwise
            style.projector_text(fig)
    return fig


class _Stage:
    """The Axes of each panel, the header and the footer of one figure, kept between frames."""

    def __init__(self, fig, panels):
        self.panels = list(panels)
        self.axes = _axes_for(fig, self.panels)
        self.header = fig.suptitle("", fontsize=style.TITLE_SIZE + 4, fontweight="bold")
        self.footer = fig.text(0.01, 0.012, "", ha="left", va="bottom", fontsize=style.font_size(),
                               fontweight="bold")


def _stage(fig, panels):
    """The figure's stage for these panels: built on the first frame, wiped on the next ones."""
    stage = getattr(fig, "_live_stage", None)
    if stage is None or stage.panels != list(panels) or any(ax.figure is None for ax in _every_axes(stage)):
        if stage is not None:
            fig.clear()
        stage = fig._live_stage = _Stage(fig, panels)
        return stage
    for ax in _every_axes(stage):
        _wipe(ax)
    return stage


def _every_axes(stage):
    for ax in stage.axes.values():
        yield from ax if isinstance(ax, list) else [ax]


def _wipe(ax):
    """Remove what a panel drew, keep the Axes (its ticks are the costly part to make)."""
    for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches, *ax.texts, *ax.artists]:
        artist.remove()
    ax.containers.clear()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.set_axis_on()          # a panel that had nothing to show ("no gradients yet") turned it off
    ax.relim()
    ax.set_autoscale_on(True)
