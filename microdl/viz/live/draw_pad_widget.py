"""The drawing pad in Jupyter with ipywidgets only (no ipympl): a grid of buttons to paint on.

    pad = viz.draw_pad(model, classes)
    pad.widget()          # 14 x 14 buttons, each paints a 2 x 2 block of the 28 x 28 pad

A click on a cell paints a dot with the pad's own soft brush at the centre of its block
(the pen), a click on a painted cell rubs it out (the eraser): every click is a stroke, so
the picture beside the grid (the pad as the model sees it, the class probabilities and,
with features=True, the feature maps) is redrawn after every click. A cell shows as painted
when its block holds at least half ink, so strokes drawn from code (`pad.stroke(...)`)
show on the grid too. With ipympl (`%matplotlib widget`), `pad.show()` draws with the
mouse instead (draw_pad.py).

The box's `.cells[row][col]` are the ToggleButtons, `.image` the picture and `.clear` the
button, so code (and tests) can paint: `box.cells[3][4].value = True`.
"""
import numpy as np

from ..canvas.figure import png_bytes

__all__ = ["pad_widget", "CELL_PIXELS"]

CELL_PIXELS = 2          # a button paints a CELL_PIXELS x CELL_PIXELS block of the pad
_BUTTON = "22px"


def pad_widget(pad):
    """An ipywidgets VBox: the button grid and the picture side by side, a clear button under."""
    import ipywidgets as widgets
    cells_a_side = pad.side // CELL_PIXELS
    look = widgets.Layout(width=_BUTTON, height=_BUTTON, padding="0", margin="0", border="1px solid #DDDDDD")
    cells = [[widgets.ToggleButton(value=False, layout=look, tooltip=f"pixels {r * CELL_PIXELS}, {c * CELL_PIXELS}")
              for c in range(cells_a_side)] for r in range(cells_a_side)]
    grid = widgets.GridBox([button for row in cells for button in row], layout=widgets.Layout(
        grid_template_columns=f"repeat({cells_a_side}, {_BUTTON})", grid_gap="0px", width="fit-content"))
    shown = pad.figure()                  # one Figure, redrawn for every stroke
    image = widgets.Image(format="png", value=png_bytes(shown, tight=False),
                          layout=widgets.Layout(max_width=f"{int(pad.size[0] * pad.dpi * 0.7)}px"))
    clear = widgets.Button(description="clear", tooltip="wipe the pad")
    hint = widgets.HTML("Click a cell to paint it, click a painted cell to rub it out "
                        "(each cell is a 2 x 2 block of the 28 x 28 pad).")
    box = widgets.VBox([hint, widgets.HBox([grid, image]), clear])
    box.cells, box.image, box.clear, box.pad = cells, image, clear, pad
    syncing = []                          # non-empty while the grid follows the pad (no strokes)

    def clicked(change, row, col):
        if syncing:
            return
        x, y = (col + 0.5) * CELL_PIXELS - 0.5, (row + 0.5) * CELL_PIXELS - 0.5   # the block's centre
        pad.stroke([(x, y)], tool="pen" if change["new"] else "eraser")

    def redraw(changed_pad):
        syncing.append(True)
        try:
            painted = painted_cells(changed_pad.pixels)
            for (row, col), button in np.ndenumerate(np.array(cells, dtype=object)):
                if button.value != painted[row, col]:
                    button.value = bool(painted[row, col])
        finally:
            syncing.clear()
        image.value = png_bytes(changed_pad.redraw(shown), tight=False)

    for (row, col), button in np.ndenumerate(np.array(cells, dtype=object)):
        button.observe(lambda change, row=row, col=col: clicked(change, row, col), names="value")
    clear.on_click(lambda _: pad.clear())
    pad.add_listener(redraw)
    redraw(pad)
    return box


def painted_cells(pixels):
    """(cells, cells) bool: which blocks of CELL_PIXELS x CELL_PIXELS hold at least half ink."""
    side = pixels.shape[0] // CELL_PIXELS * CELL_PIXELS
    blocks = pixels[:side, :side].reshape(side // CELL_PIXELS, CELL_PIXELS, side // CELL_PIXELS, CELL_PIXELS)
    return blocks.mean(axis=(1, 3)) >= 0.5
