"""Batches, iterations and epochs, drawn: how a data set is dealt out to the optimizer.

    from microdl.viz import plot_epochs
    plot_epochs(1_000_000, 10_000).savefig("epochs.png")   # 100 iterations per epoch

Each row is one epoch (one pass over all the examples); each block in it is one
batch, and one batch gives one iteration (one gradient step). The numbers come from
microdl.data.iterations_per_epoch, so the picture and the loader agree.
"""
import numpy as np
from matplotlib.patches import Rectangle

from ...data.loader import iterations_per_epoch
from .. import canvas, style

__all__ = ["plot_epochs"]


@style.styled
def plot_epochs(num_examples=1_000_000, batch_size=10_000, epochs=3, ax=None):
    """Draw `epochs` passes over `num_examples` dealt out in batches of `batch_size`.

    Returns the Figure (or `ax`'s Figure when one is given).
    """
    per_epoch = iterations_per_epoch(num_examples, batch_size)
    size = min(batch_size, num_examples)
    last = num_examples - (per_epoch - 1) * size        # a smaller last batch, if n % B != 0
    figure, ax = canvas.axes_or_new(ax, width=14, height=6.5)
    widths = np.array([size] * (per_epoch - 1) + [last]) / num_examples
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    for epoch in range(epochs):
        y = epochs - 1 - epoch
        for i, (left, width) in enumerate(zip(lefts, widths)):
            shade = style.BLUE if i % 2 == 0 else style.SKY_BLUE
            shade = style.VERMILLION if (y, i) == (0, 0) else shade   # the batch the arrow explains
            ax.add_patch(Rectangle((left, y + 0.15), width, 0.6, facecolor=shade,
                                   edgecolor="white", linewidth=0.5 if per_epoch > 50 else 1.5))
        first, final = epoch * per_epoch + 1, (epoch + 1) * per_epoch
        ax.text(-0.01, y + 0.45, f"epoch {epoch + 1}", ha="right", va="center",
                fontsize=style.TITLE_SIZE, fontweight="bold")
        ax.text(1.01, y + 0.45, f"iterations\n{first:,} to {final:,}", ha="left", va="center")
    _explain(ax, epochs, widths[0], size, per_epoch, num_examples, last)
    ax.set_xlim(-0.13, 1.16)
    ax.set_ylim(-1.45, epochs + 1.0)
    ax.axis("off")
    ax.set_title(f"{num_examples:,} examples in batches of {size:,} = {per_epoch:,} iterations "
                 f"per epoch", fontsize=style.TITLE_SIZE + 4)
    return style.projector_text(figure)


def _explain(ax, epochs, first_width, size, per_epoch, num_examples, last):
    """The brace over one epoch, the arrow to one batch, and the totals underneath."""
    top = epochs - 1 + 0.8
    ax.annotate("", xy=(0, top + 0.2), xytext=(1, top + 0.2),
                arrowprops=dict(arrowstyle="<->", color=style.BLACK, lw=1.8))
    ax.text(0.5, top + 0.3, f"one epoch = one pass over all {num_examples:,} examples "
            f"= {per_epoch:,} iterations", ha="center", va="bottom", fontsize=style.TITLE_SIZE)
    ax.annotate(f"one iteration: one batch of {size:,} examples → one gradient step",
                xy=(first_width / 2, 0.15), xytext=(0.04, -0.45),
                ha="left", va="center", fontsize=style.TITLE_SIZE,
                arrowprops=dict(arrowstyle="->", color=style.VERMILLION, lw=2),
                bbox=dict(boxstyle="round", facecolor="white", edgecolor=style.VERMILLION))
    note = f" (the last batch has {last:,})" if last != size else ""
    ax.text(0.5, -1.15, f"{epochs} epochs = {epochs * per_epoch:,} iterations = "
            f"{epochs * per_epoch:,} steps, {epochs * num_examples:,} examples seen{note}",
            ha="center", va="center", fontsize=style.TITLE_SIZE)
