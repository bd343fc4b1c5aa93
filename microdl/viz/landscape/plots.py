"""The public landscape pictures: contours with descent paths, optimizers and learning rates compared.

    bowl = quadratic_bowl()                              # elongated: plain GD zig-zags
    path = descent_path(bowl, optimizer="sgd", lr=0.17, steps=30)
    plot_landscape(bowl, [path]).savefig("bowl.png")

  * `plot_landscape`: contours + paths on one Axes (or a 3-D surface, `surface3d=True`).
  * `compare_optimizers`: several optimizers from one start, and their losses per step.
  * `compare_learning_rates`: one optimizer at several learning rates, a panel each.
"""
import numpy as np
from matplotlib.lines import Line2D

from .. import canvas, style
from .contours import add_colorbar, landscape_view
from .descent import descent_path, optimizer_name
from .panel import draw_landscape, figure_size, marker_legend_handles, marker_size, path_colors, shares_start
from .path import as_paths
from .surface import plot_surface

__all__ = ["plot_landscape", "compare_optimizers", "compare_learning_rates", "best_learning_rate",
           "LEARNING_RATE_GRID"]


@style.styled
def plot_landscape(loss, paths=None, ax=None, levels=16, log_levels="auto", show_minimum=True,
                   surface3d=False, view=None, colorbar=True, legend=True, title=None):
    """Contours of `loss` with descent paths on top.

    paths:      a DescentPath, a list of them (or anything with .points, .label, .diverged)
    levels:     how many contour levels, or the levels themselves
    log_levels: True, False or "auto" (log-spaced when the loss spans orders of magnitude)
    view:       ((p1_low, p1_high), (p2_low, p2_high)); default loss.view widened to
                show the paths (see landscape_view)
    surface3d:  draw a 3-D surface instead (see plot_surface)
    Returns the Figure, or `ax` when one is given.
    """
    paths = as_paths(paths)
    if surface3d:
        return plot_surface(loss, paths, ax=ax, view=view, log_levels=log_levels)
    view = view or landscape_view(loss, paths)
    figure, axes = (ax.figure, ax) if ax is not None else canvas.new_figure(
        1, 1, *figure_size(view), layout="constrained")
    filled, chosen = draw_landscape(axes, loss, paths, view, levels, log_levels, show_minimum)
    if colorbar:
        add_colorbar(figure, filled, chosen, axes)
    if legend:
        handles = axes.get_legend_handles_labels()[0]
        handles += marker_legend_handles(paths, loss, show_minimum, shares_start(paths))
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                    ncol=1 if len(handles) > 4 else 2, frameon=False)
    axes.set_title(title if title is not None else f"{loss.name}\n{loss.formula}")
    return style.projector_text(axes) if ax is not None else style.projector_text(figure)


def _plot_loss_curves(ax, loss, paths, colors, decades_up=5, decades_down=12):
    """Loss above the minimum against the step, log scale: straight lines = steady rates.

    The axis shows at most `decades_up` decades above the highest start (a diverged
    run leaves through the top, where its cross is drawn) and `decades_down` below; a
    run that goes further down (or reaches the minimum exactly, L - L_min = 0, which a
    log axis cannot show) stops at the bottom edge with a triangle. Returns True if one did.
    """
    gaps = [np.asarray(path.losses) - loss.minimum_loss for path in paths]
    start = max(gap[0] for gap in gaps)
    top, bottom = start * 10.0 ** decades_up, start * 10.0 ** -decades_down
    reached = False
    for path, gap, color in zip(paths, gaps, colors):
        steps = np.arange(len(gap))
        below = np.flatnonzero(np.isfinite(gap) & (gap < bottom))
        end = below[0] if len(below) else len(gap)
        shown = np.where(np.isfinite(gap[:end]) & (gap[:end] > 0), gap[:end], np.nan)
        ax.plot(steps[:end], shown, "-o", color=color, lw=2, markersize=marker_size(len(gap)) - 1.5,
                label=path.label)
        if len(below):
            reached = True
            if end > 0:
                ax.plot([steps[end - 1], steps[end]], [gap[end - 1], bottom], "-", color=color, lw=2)
            ax.plot(steps[end], bottom, linestyle="none", color=color, clip_on=False, zorder=5,
                    **_FLOOR_MARKER)
        if path.diverged:
            last = gap[-1] if np.isfinite(gap[-1]) and gap[-1] <= top else top
            ax.plot(steps[-1], last, linestyle="none", zorder=5, clip_on=False, **style.DIVERGED_MARKER)
    ax.set_yscale("log")
    everything = np.concatenate(gaps)
    if np.any(everything > top) or any(p.diverged and not np.isfinite(g[-1]) for p, g in zip(paths, gaps)):
        ax.set_ylim(top=top)
    if reached:
        ax.set_ylim(bottom=bottom)
    ax.set_xlabel("step")
    ax.set_ylabel(r"loss above the minimum, $L - L_{min}$")
    ax.set_title("Loss at every step (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return reached


_FLOOR_MARKER = dict(marker="v", markersize=11, markeredgecolor=style.BLACK, markeredgewidth=1)
_FLOOR_TEXT = "left through the bottom of the axis\n(at the minimum, to float precision)"
#: the learning rates tried for each optimizer in compare_optimizers: 1, 2, 5 x 10^k
LEARNING_RATE_GRID = tuple(m * 10.0 ** k for k in range(-4, 1) for m in (1, 2, 5))
#: a colour per optimizer, told apart at a glance (momentum and RMSprop not both orange)
_OPTIMIZER_COLORS = {"sgd": style.BLUE, "gd": style.BLUE, "momentum": style.VERMILLION,
                     "nesterov": style.VERMILLION, "adam": style.GREEN, "rmsprop": style.PURPLE,
                     "adagrad": style.ORANGE}


def best_learning_rate(loss, optimizer, start=None, steps=None, grid=LEARNING_RATE_GRID, **options):
    """The lr from `grid` with the lowest loss after `steps` steps among the steady runs
    (never above the starting loss, no jump: see _is_unstable); a diverged run loses.
    The optimizer's other settings (e.g. its momentum) come from loss.settings."""
    settings = {k: v for k, v in loss.settings.get(optimizer, {}).items() if k != "lr"}
    settings.update(options)

    def score(lr):  # (unsteady?, final loss): steady runs first, then the lowest loss
        path = descent_path(loss, start, optimizer, lr=lr, steps=steps, **settings)
        if path.diverged or not np.isfinite(path.losses[-1]):
            return (True, np.inf)
        return (_is_unstable(loss, path) or bool(np.max(path.losses) > path.losses[0]), path.losses[-1])
    return min(grid, key=score)


@style.styled
def compare_optimizers(loss, start=None, configs=None, steps=None, levels=16, log_levels="auto"):
    """Several optimizers from one start on one landscape: a panel each, and their losses.

    configs: a list of dicts of descent_path arguments, e.g.
             [{"optimizer": "sgd", "lr": 0.17}, {"optimizer": "adam", "lr": 0.5}];
             default: plain gradient descent, momentum, Adam and RMSprop, each at its
             best learning rate from the same grid (best_learning_rate), since the same
             lr means different steps for different optimizers.
    Returns the Figure (left: a landscape panel per optimizer, right: L - L_min per step).
    """
    steps = loss.steps if steps is None else steps
    tuned = configs is None
    if tuned:
        configs = [{"optimizer": name, "lr": best_learning_rate(loss, name, start, steps),
                    **{k: v for k, v in loss.settings.get(name, {}).items() if k != "lr"}}
                   for name in ("sgd", "momentum", "adam", "rmsprop")]
    paths = [descent_path(loss, start, steps=steps, **config) for config in configs]
    fallback = iter(path_colors(len(paths)))
    colors = [_OPTIMIZER_COLORS.get(str(config.get("optimizer", "sgd")).lower()) or next(fallback)
              for config in configs]
    columns = 2 if len(paths) > 1 else 1
    rows = -(-len(paths) // columns)
    names = [f"p{i}" for i in range(rows * columns)]
    layout = [names[r * columns:(r + 1) * columns] + ["curves"] for r in range(rows)]
    figure, axes = canvas.new_mosaic(layout, width=16, height=9, layout="constrained",
                                    width_ratios=[1] * columns + [1.3])
    view = landscape_view(loss, paths)
    for i, (path, color) in enumerate(zip(paths, colors)):
        filled, chosen = draw_landscape(axes[f"p{i}"], loss, [path], view, levels, log_levels, True, [color])
        axes[f"p{i}"].set_title(f"{path.label}\n{_verdict(loss, path)}", color=color)
    for i in range(len(paths), rows * columns):
        axes[f"p{i}"].set_axis_off()
    add_colorbar(figure, filled, chosen, [axes[f"p{i}"] for i in range(len(paths))])
    reached = _plot_loss_curves(axes["curves"], loss, paths, colors)
    axes["curves"].legend(loc="upper right", framealpha=0.9)
    handles = marker_legend_handles(paths, loss, True, shares_start(paths))
    if reached:
        handles.append(Line2D([], [], linestyle="none", color=style.GREY, label=_FLOOR_TEXT, **_FLOOR_MARKER))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    why = ("each at its best steady learning rate from the same grid (0.0001 to 1), since the same lr "
           "means different steps:\ngradient descent moves lr × gradient, Adam and RMSprop about "
           "lr in each coordinate" if tuned else "each at the learning rate its label gives")
    figure.suptitle(f"{loss.name}: {len(paths)} optimizers, {steps} steps each, from the same start\n{why}",
                    fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


def _verdict(loss, path):
    """How a run went, in a few words, from its losses alone."""
    if path.diverged:
        return f"diverged at step {path.steps}"
    change = f"{path.losses[0]:.3g} → {path.losses[-1]:.2g}"
    first, last = path.losses[0] - loss.minimum_loss, path.losses[-1] - loss.minimum_loss
    if last > first:
        return f"the loss grew: {change}"
    if _is_unstable(loss, path):
        return f"unstable, the loss jumps: {change}"
    return f"{'converged' if last < 1e-3 * first else 'slow'}: loss {change}"


def _is_unstable(loss, path):
    """True when the loss jumps to 10 times the lowest it had reached before."""
    lowest_so_far = np.minimum.accumulate(path.losses - loss.minimum_loss)
    return bool(np.any(path.losses[1:] - loss.minimum_loss > 10 * lowest_so_far[:-1]))


@style.styled
def compare_learning_rates(loss, start=None, lrs=None, optimizer="sgd", steps=None, levels=16,
                           log_levels="auto", **optimizer_options):
    """One optimizer at several learning rates: a landscape panel each, and their losses.

    lrs: default loss.learning_rate_examples (too small, about right, too large) for
    plain gradient descent; for another optimizer its teaching lr x (0.1, 1, 10).
    The panels share one window and one colour scale, so they compare at a glance;
    each title says how the run went.
    """
    key = optimizer.lower() if isinstance(optimizer, str) else optimizer
    steps = loss.steps if steps is None else steps
    if lrs is None:
        if key in ("sgd", "gd") and loss.learning_rate_examples:
            lrs = loss.learning_rate_examples
        elif key in loss.settings:
            lrs = [loss.settings[key]["lr"] * factor for factor in (0.1, 1, 10)]
        else:
            raise ValueError(f"compare_learning_rates: no default learning rates for {optimizer!r}; "
                             f"pass lrs=[...]")
    paths = [descent_path(loss, start, optimizer, lr=lr, steps=steps, **optimizer_options) for lr in lrs]
    colors = path_colors(len(paths))
    if len(paths) <= 3:   # a slide's shape: the landscapes side by side, their losses on the right
        layout = [[f"lr{i}" for i in range(len(paths))] + ["curves"]]
        figure, axes = canvas.new_mosaic(layout, width=16, height=7.3, layout="constrained",
                                        width_ratios=[1] * len(paths) + [1.4])
    else:                 # more: a grid of wider panels, so that each title fits its panel
        ncols = 3
        names = [f"lr{i}" for i in range(len(paths))] + ["curves"]
        names += ["."] * (-len(names) % ncols)
        layout = [names[r:r + ncols] for r in range(0, len(names), ncols)]
        figure, axes = canvas.new_mosaic(layout, width=6.5 * ncols, height=5.6 * len(layout),
                                        layout="constrained")
    view = landscape_view(loss, paths)
    for i, (path, color) in enumerate(zip(paths, colors)):
        panel = axes[f"lr{i}"]
        filled, chosen = draw_landscape(panel, loss, [path], view, levels, log_levels, True, [color])
        # two lines: a title no wider than its panel, clear of the next panel's y label
        panel.set_title(f"lr = {path.lr:.3g}\n{_verdict(loss, path)}", color=color)
    add_colorbar(figure, filled, chosen, [axes[f"lr{i}"] for i in range(len(paths))])
    _plot_loss_curves(axes["curves"], loss, paths, colors)
    curves = [line for line in axes["curves"].get_lines() if line.get_label() in {p.label for p in paths}]
    # the optimizer is in the title: the legend names only the learning rates, and fits in a corner
    axes["curves"].legend(curves, [f"lr = {p.lr:.3g}" + (" (diverged)" if p.diverged else "") for p in paths],
                          loc="best", frameon=True, framealpha=0.9)   # where the lines are not
    handles = marker_legend_handles(paths, loss, True, True)
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    name = optimizer_name(key if isinstance(key, str) else getattr(key, "__name__", "optimizer"),
                           optimizer_options)
    figure.suptitle(f"{name[0].upper() + name[1:]}, {steps} steps at {len(paths)} learning rates\n"
                    f"{loss.name}", fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)
