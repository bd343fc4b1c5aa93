"""explore_landscape: gradient descent on a 2-D loss, with sliders for everything that matters.

    explorer = explore_landscape("bowl")           # or "rosenbrock", "saddle", "linear regression",
    explorer.show()                                # or any Loss2D, e.g. network_loss(model, X, y)
    explorer.set(lr=0.25).save("diverged.png")     # driven from code: the same picture

The controls: learning rate (log scale), momentum, optimizer, number of steps and the
start point (one slider per coordinate). Every change reruns a real microdl optimizer
(descent_path) and redraws with the family's own drawing: the contours and path of
plot_landscape on the left (a diverging run ends in the red cross, or where it leaves
the plot), the loss at every step on the right. It is a Scene (viz.canvas): a window
with matplotlib widgets (`.show()`), ipywidgets in Jupyter, `.save(...)` anywhere.
"""
import math
import weakref

from ...data.toy import house_prices
from .. import style
from ..canvas import Control, Scene
from .contours import add_colorbar, landscape_view
from .descent import descent_path
from .losses import Loss2D, linear_regression_loss, quadratic_bowl, rosenbrock, saddle
from .panel import draw_landscape, draw_path, marker_legend_handles
from .plots import _plot_loss_curves, _verdict

__all__ = ["LandscapeExplorer", "explore_landscape", "EXPLORER_OPTIMIZERS", "NAMED_LOSSES"]

#: the optimizer choices; the momentum slider is each one's momentum (Adam: beta1)
EXPLORER_OPTIMIZERS = ("sgd", "nesterov", "adam", "rmsprop", "adagrad")

#: loss names explore_landscape understands -> a function making the Loss2D
NAMED_LOSSES = {"bowl": quadratic_bowl, "rosenbrock": rosenbrock, "saddle": saddle,
                "linear regression": lambda: linear_regression_loss(*house_prices(50, seed=0))}


class LandscapeExplorer(Scene):
    """A Scene of one descent path on `loss`; controls lr, momentum, optimizer, steps,
    start_1, start_2. `.path()` is the DescentPath the current picture shows."""

    window_style = staticmethod(style.context)   # a window's controls in the house style (projector mode)

    def __init__(self, loss, controls, engine="tensor", levels=16, log_levels="auto", size=(12.8, 7.2)):
        super().__init__(self._draw_state, controls, size=size, prefer_widgets=True)
        self.loss, self.engine, self.levels, self.log_levels = loss, engine, levels, log_levels
        self._drawn = weakref.WeakKeyDictionary()    # figure -> its axes, view and moving artists

    def path(self, **overrides):
        """The DescentPath of the current state (with `overrides`), run afresh."""
        state = {**self.state, **overrides}
        options = optimizer_options(state["optimizer"], state["momentum"])
        return descent_path(self.loss, (state["start_1"], state["start_2"]), state["optimizer"],
                            lr=state["lr"], steps=int(state["steps"]), engine=self.engine, **options)

    def _draw_state(self, fig, **state):
        with style.context():
            path = self.path(**state)
            grow = style.font_size() / 12 - 1       # projector mode: room for larger text
            landscape, curves = fig.subplots(1, 2, gridspec_kw=dict(
                width_ratios=[1.15, 1], left=0.07 + 0.04 * grow, right=0.97, bottom=0.13 + 0.06 * grow,
                top=0.8 - 0.14 * grow, wspace=0.45 + 0.5 * grow))
            view = landscape_view(self.loss, [path])
            # the background (contours, minimum, colour bar) is drawn once per view...
            filled, chosen = draw_landscape(landscape, self.loss, [], view, self.levels,
                                            self.log_levels, show_minimum=True)
            add_colorbar(fig, filled, chosen, landscape)
            style.projector_text(landscape)
            self._drawn[fig] = {"view": view, "landscape": landscape, "curves": curves, "moving": [],
                               "moving_before": False}
            self._draw_moving(fig, path)
        return fig

    def update_in_place(self, fig, **state):
        """...and a slider that leaves the view as it was redraws only the path, the loss
        curves and the title (Scene.update_in_place): a redraw at interactive speed."""
        parts = self._drawn.get(fig)
        if parts is None:
            return False
        with style.context():
            path = self.path(**state)
            if landscape_view(self.loss, [path]) != parts["view"]:
                return False                       # the path widened the window: draw afresh
            curves = parts["curves"]
            for artist in [*parts["moving"], *curves.lines, curves.get_legend()]:
                artist.remove()
            curves.relim()                         # keep the Axes (and its projector-size ticks);
            curves.set_autoscale_on(True)          # its limits follow the new curves
            self._draw_moving(fig, path)
        return True

    def _draw_moving(self, fig, path):
        """The path on the contours, the loss at every step beside them, and the title."""
        parts = self._drawn[fig]
        landscape, curves = parts["landscape"], parts["curves"]
        before = set(landscape.get_children())
        draw_path(landscape, path, style.CYCLE[0], parts["view"], show_start=False)
        landscape.plot(*path.points[0], linestyle="none", color=style.BLACK, zorder=6, **style.START_MARKER)
        parts["moving"] = [artist for artist in landscape.get_children() if artist not in before]
        _plot_loss_curves(curves, self.loss, [path], [style.CYCLE[0]])
        curves.set_ylabel(r"$L - L_{min}$")           # the window's picture is short: the title says the rest
        curves.set_title("Loss above the minimum, every step", fontsize=style.TITLE_SIZE)
        curves.lines[0].set_label("loss after each step")    # the title names the run
        handles = curves.get_legend_handles_labels()[0]
        handles += marker_legend_handles([path], self.loss, True, True)
        # a diverging loss rises to the right and leaves the upper left empty
        legend = curves.legend(handles=handles, loc="upper left" if path.diverged else "best", framealpha=0.9)
        color = style.VERMILLION if path.diverged else style.BLACK
        fig.suptitle(f"{self.loss.name}: {path.label.replace(' (diverged)', '')}, "
                     f"{path.steps} steps\n{_verdict(self.loss, path)}", color=color,
                     fontsize=style.TITLE_SIZE + 2)
        if not parts["moving_before"]:
            style.projector_text(curves)           # the first time; then only the new legend's texts
        for text in legend.get_texts():
            text.set_fontsize(max(text.get_fontsize(), style.font_size()))
        parts["moving_before"] = True


def optimizer_options(optimizer, momentum):
    """The settings that the momentum slider means for each optimizer (Adam: its beta1)."""
    momentum = float(momentum)
    if optimizer == "sgd":
        return {"momentum": momentum} if momentum > 0 else {}
    if optimizer == "nesterov":
        return {"momentum": momentum, "nesterov": True} if momentum > 0 else {"momentum": 0.0, "nesterov": False}
    if optimizer == "adam":
        return {"betas": (momentum, 0.999)}
    if optimizer == "rmsprop":
        return {"momentum": momentum}
    return {}


def explore_landscape(loss="bowl", optimizer="sgd", lr=None, momentum=0.0, steps=None, start=None,
                      lr_range=None, max_steps=None, engine=None, levels=16, log_levels="auto",
                      size=(12.8, 7.2)):
    """An explorer of gradient descent on `loss`: sliders for lr, momentum, optimizer, steps, start.

    loss:      "bowl", "rosenbrock", "saddle", "linear regression" (house prices), or a
               Loss2D, e.g. viz.network_loss(model, X, y, weights=(...)) for a real network
    optimizer: one of EXPLORER_OPTIMIZERS; momentum is its momentum (Adam's beta1; Adagrad
               has none). lr: default the loss's teaching rate for plain gradient descent.
    lr_range:  (low, high) of the log-scale slider (default: decades around the loss's rates)
    max_steps: the steps slider's end (default 4 x loss.steps)
    engine:    "tensor" or "value" (default: what the loss needs, e.g. a scalar MLP's Values)
    Returns a LandscapeExplorer (a Scene): .show(), .set(lr=...), .save("x.png"), .path().
    """
    loss = _as_loss(loss)
    if optimizer not in EXPLORER_OPTIMIZERS:
        raise ValueError(f"explore_landscape: optimizer must be one of {EXPLORER_OPTIMIZERS}, got {optimizer!r}")
    teaching = loss.settings.get(optimizer, loss.settings.get("sgd", {"lr": 0.1}))
    lr = float(teaching["lr"] if lr is None else lr)
    lr_range = lr_range or _lr_range(loss, lr)
    max_steps = max_steps or 4 * loss.steps
    steps = loss.steps if steps is None else steps
    start = loss.start if start is None else start
    names = [name.split(" (")[0] for name in loss.parameter_names]
    (x0, x1), (y0, y1) = loss.view
    controls = [
        Control("lr", tuple(lr_range), lr, label="learning rate", log=True),
        Control("momentum", (0.0, 0.99), float(momentum), label="momentum", step=0.01),
        Control("optimizer", list(EXPLORER_OPTIMIZERS), optimizer, label="optimizer"),
        Control("steps", list(range(1, max_steps + 1)), int(steps), label="steps"),
        Control("start_1", (x0, x1), float(start[0]), label=f"start {names[0]}"),
        Control("start_2", (y0, y1), float(start[1]), label=f"start {names[1]}"),
    ]
    return LandscapeExplorer(loss, controls, engine or getattr(loss, "engine", "tensor"), levels,
                             log_levels, size)


def _as_loss(loss):
    if isinstance(loss, Loss2D):
        return loss
    key = str(loss).lower().replace("_", " ")
    if key not in NAMED_LOSSES:
        raise ValueError(f"explore_landscape: unknown loss {loss!r}; name one of {sorted(NAMED_LOSSES)} "
                         f"or pass a Loss2D (e.g. viz.network_loss(model, X, y))")
    return NAMED_LOSSES[key]()


def _lr_range(loss, lr):
    """Whole decades from 1/30 of the smallest teaching rate to 10x the largest (and lr)."""
    rates = [s["lr"] for s in loss.settings.values()] + [lr]
    low, high = min(rates) / 30, max(rates) * 10
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))

