"""The drawing pad's picture: the pad, the class probabilities, optionally feature maps.

    pad (the 28x28 grid, ink dark on white)  |  bars: one per class, the most likely orange
                                             |  feature maps of the first layers (features=True)
"""
import numpy as np
from matplotlib.collections import LineCollection

from .. import style

__all__ = ["draw_pad_picture"]


def draw_pad_picture(fig, pad, tool):
    """Draw `pad` (a DrawPad) on fig (a Figure or SubFigure); returns the pad's AxesImage."""
    maps = pad.feature_maps() if pad.features else []
    rows = 1 + len(maps)
    grid = fig.add_gridspec(rows, 2, width_ratios=[1.0, 1.15], left=0.04, right=0.97, top=0.84, bottom=0.1,
                            wspace=0.3, hspace=0.5, height_ratios=[2.2] + [1] * len(maps))
    image = _draw_pad(fig.add_subplot(grid[:, 0], label="pad"), pad, tool)
    probabilities = pad.probabilities()
    _draw_bars(fig.add_subplot(grid[0, 1], label="probabilities"), pad.classes, probabilities)
    for row, (label, channel_maps) in enumerate(maps, start=1):
        _draw_maps(fig, grid[row, 1], label, channel_maps)
    best = int(np.argmax(probabilities))
    said = (f"The model says: {pad.classes[best]} ({probabilities[best]:.0%})" if pad.pixels.any()
            else "Draw something on the pad")
    fig.text(0.04, 0.95, said, ha="left", va="top", fontsize=style.TITLE_SIZE + 6, fontweight="bold")
    fig.text(0.04, 0.02, "Drag the mouse to draw; choose eraser to rub out, clear to start again. "
                         "The model is asked after every stroke.", ha="left", va="bottom",
             fontsize=style.FONT_SIZE, color="#444444")
    return image


def _draw_pad(ax, pad, tool):
    image = ax.imshow(pad.pixels, cmap=style.IMAGE, vmin=0, vmax=1, interpolation="nearest")
    size = pad.side
    edges = np.arange(size + 1) - 0.5      # faint pixel lines: the student sees the 28x28 grid
    lines = [[(x, edges[0]), (x, edges[-1])] for x in edges] + [[(edges[0], y), (edges[-1], y)] for y in edges]
    ax.add_collection(LineCollection(lines, colors="#000000", linewidths=0.4, alpha=0.12))
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(style.ORANGE if tool == "pen" else style.VERMILLION)
        spine.set_linewidth(3)
    centred = ", centred for the model" if pad.centre else ""
    ax.set_title(f"{size}×{size} pad: {'pen' if tool == 'pen' else 'eraser'}{centred}", fontsize=style.FONT_SIZE + 2)
    return image


def _draw_bars(ax, classes, probabilities):
    best = int(np.argmax(probabilities))
    positions = np.arange(len(classes))
    colors = [style.ORANGE if k == best else style.SKY_BLUE for k in positions]
    ax.barh(positions, probabilities, color=colors, height=0.7)
    for k, p in enumerate(probabilities):
        ax.text(min(p, 0.82) + 0.02, k, f"{p:.0%}", va="center", fontsize=style.FONT_SIZE + 1,
                fontweight="bold" if k == best else "normal")
    ax.set_yticks(positions, classes, fontsize=style.FONT_SIZE + 2)
    ax.set_ylim(len(classes) - 0.5, -0.5)               # the first class on top
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["0", "50%", "100%"])
    ax.set_title("class probabilities (softmax of the scores)", fontsize=style.FONT_SIZE + 2)


def _draw_maps(fig, cell, label, maps, max_maps=8):
    shown = maps[:max_maps]
    inner = cell.subgridspec(1, len(shown), wspace=0.08)
    norm = style.signed_norm(shown)          # one scale per layer, white = 0
    for c, channel_map in enumerate(shown):
        ax = fig.add_subplot(inner[0, c], label=f"{label} {c}")
        ax.imshow(channel_map, cmap=style.DIVERGING, norm=norm, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if c == 0:
            ax.set_title(f"{label}: {len(maps)} maps, first {len(shown)}" if len(maps) > max_maps
                         else f"{label}: {len(maps)} maps", loc="left", fontsize=style.FONT_SIZE)
