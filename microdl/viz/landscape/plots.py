"""The public landscape pictures: contours with descent paths, optimizers and learning rates compared.

    bowl = quadratic_bowl()                              # elongated: plain GD zig-zags
    path = descent_path(bowl, optimizer="sgd", lr=0.17, steps=30)
    plot_landscape(bowl, [path]).savefig("bowl.png")

  * `plot_landscape`: contours + paths on one Axes (or a 3-D surface, `surface3d=True`).
  * `compare_optimizers`: several optimizers from one start, and their losses per step.
  * `compare_learning_rates`: one optimizer at several learning rates, a panel each.
"""
import numpy as np

from .. import style
from .contours import add_colorbar, landscape_view
from .descent import descent_path, optimizer_name
from .panel import draw_landscape, figure_size, marker_legend_handles, marker_size, path_colors, shares_start
from .path import as_paths
from .surface import plot_surface

__all__ = ["plot_landscape", "compare_optimizers", "compare_learning_rates"]


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
    figure, axes = (ax.figure, ax) if ax is not None else style.new_figure(
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
    run leaves through the top, where its cross is drawn) and `decades_down` below.
    """
    gaps = []
    for path in paths:
        gap = np.asarray(path.losses) - loss.minimum_loss
        gaps.append(np.where(np.isfinite(gap) & (gap > 0), gap, np.nan))  # 0 is off a log scale
    start = np.nanmax([gap[0] for gap in gaps])
    top, bottom = start * 10.0 ** decades_up, start * 10.0 ** -decades_down
    for path, gap, color in zip(paths, gaps, colors):
        steps = np.arange(len(gap))
        ax.plot(steps, gap, "-o", color=color, lw=2, markersize=marker_size(len(gap)) - 1.5,
                label=path.label)
        if path.diverged:
            end = gap[-1] if np.isfinite(gap[-1]) and gap[-1] <= top else top
            ax.plot(steps[-1], end, linestyle="none", zorder=5, clip_on=False, **style.DIVERGED_MARKER)
    ax.set_yscale("log")
    everything = np.concatenate(gaps)
    if np.any(everything > top) or any(p.diverged and not np.isfinite(g[-1]) for p, g in zip(paths, gaps)):
        ax.set_ylim(top=top)
    if np.nanmin(everything) < bottom:  # a run that reached the float's resolution
        ax.set_ylim(bottom=bottom)
    ax.set_xlabel("step")
    ax.set_ylabel(r"loss above the minimum, $L - L_{min}$")
    ax.set_title("Loss at every step (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)


@style.styled
def compare_optimizers(loss, start=None, configs=None, steps=None, levels=16, log_levels="auto"):
    """Several optimizers from one start on one landscape, with their losses per step.

    configs: a list of dicts of descent_path arguments, e.g.
             [{"optimizer": "sgd", "lr": 0.17}, {"optimizer": "adam", "lr": 0.5}];
             default: plain gradient descent, momentum, Adam and RMSprop with the
             loss's teaching settings (loss.settings).
    Returns the Figure (left: the landscape, right: loss above the minimum per step).
    """
    configs = configs or [{"optimizer": name} for name in ("sgd", "momentum", "adam", "rmsprop")]
    steps = loss.steps if steps is None else steps
    paths = [descent_path(loss, start, steps=steps, **config) for config in configs]
    colors = path_colors(len(paths))
    figure, axes = style.new_mosaic([["landscape", "curves"]], width=15, height=7.2,
                                    layout="constrained", width_ratios=[1.25, 1])
    view = landscape_view(loss, paths)
    filled, chosen = draw_landscape(axes["landscape"], loss, paths, view, levels, log_levels,
                                    True, colors)
    add_colorbar(figure, filled, chosen, axes["landscape"])
    axes["landscape"].set_title(f"{loss.name}\n{loss.formula}")
    _plot_loss_curves(axes["curves"], loss, paths, colors)
    handles = axes["landscape"].get_legend_handles_labels()[0]
    handles += marker_legend_handles(paths, loss, True, shares_start(paths))
    figure.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    figure.suptitle(f"{len(paths)} optimizers, {steps} steps each, from the same start",
                    fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


def _verdict(loss, path):
    """How a run went, in a few words, from its losses alone."""
    if path.diverged:
        return f"diverged at step {path.steps}"
    first, last = path.losses[0] - loss.minimum_loss, path.losses[-1] - loss.minimum_loss
    change = f"loss {path.losses[0]:.3g} → {path.losses[-1]:.2g}"
    if last > first:
        return f"the loss grew ({change})"
    lowest_so_far = np.minimum.accumulate(path.losses - loss.minimum_loss)
    if np.any(path.losses[1:] - loss.minimum_loss > 10 * lowest_so_far[:-1]):
        return f"unstable: the loss jumps ({change})"
    return f"{'converged' if last < 1e-3 * first else 'slow'} ({change})"


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
    ncols = 2 if len(paths) <= 3 else 3
    names = [f"lr{i}" for i in range(len(paths))] + ["curves"]
    names += ["."] * (-len(names) % ncols)
    layout = [names[r:r + ncols] for r in range(0, len(names), ncols)]
    figure, axes = style.new_mosaic(layout, width=6.5 * ncols, height=5.6 * len(layout),
                                    layout="constrained")
    view = landscape_view(loss, paths)
    for i, (path, color) in enumerate(zip(paths, colors)):
        panel = axes[f"lr{i}"]
        filled, chosen = draw_landscape(panel, loss, [path], view, levels, log_levels, True, [color])
        panel.set_title(f"lr = {path.lr:.3g}: {_verdict(loss, path)}", color=color)
    add_colorbar(figure, filled, chosen, [axes[f"lr{i}"] for i in range(len(paths))])
    _plot_loss_curves(axes["curves"], loss, paths, colors)
    axes["curves"].legend(loc="best", frameon=True, framealpha=0.9)
    handles = marker_legend_handles(paths, loss, True, True)
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    name = optimizer_name(key if isinstance(key, str) else getattr(key, "__name__", "optimizer"),
                           optimizer_options)
    figure.suptitle(f"{name[0].upper() + name[1:]}, {steps} steps at {len(paths)} learning rates\n"
                    f"{loss.name}", fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)
