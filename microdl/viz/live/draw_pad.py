"""A drawing pad: draw on a 28x28 grid with the mouse, and the model names what you drew.

    from microdl import viz
    pad = viz.draw_pad(model, classes=("circle", "square", "triangle", "cross", "line"))
    pad.show()                                   # a window: draw, erase, clear
    pad.stroke([(8, 8), (20, 8), (20, 20)])      # or draw from code, in pixel coordinates
    pad.probabilities()                          # softmax(model(pad.model_input()))
    pad.save("pad.png")

After every stroke the bar chart of class probabilities is redrawn (and, with
features=True, the feature maps of the model's first convolution layers). While the
mouse moves only the ink is redrawn, so drawing stays smooth.

The brush is soft like the pen strokes of MNIST: full ink within `brush` pixels of the
stroke, fading to none one pixel further out (anti-aliased, grey edges). MNIST digits are
centred by their centre of mass; with centre=True the model sees the drawing shifted
the same way (use it for MNIST / Fashion-MNIST models; the shapes images are not
centred, so the default is False). It is a Scene (microdl.viz.canvas): its control is
the tool (pen or eraser), its action "clear"; the mouse goes to on_press / on_drag /
on_release. In Jupyter: with ipympl (`%matplotlib widget`) the pad is a window in the
notebook that draws with the mouse; with ipywidgets alone, a 14 x 14 grid of buttons
that paint 2 x 2 blocks (draw_pad_widget.py); the probabilities follow every stroke.
"""
import json
from pathlib import Path

import numpy as np

from ...nn import functional as F
from ...nn.walk import layer_outputs
from ...tensor import Tensor
from .. import style
from ..canvas import Control, Scene, in_notebook
from ..canvas.notebook import has_ipywidgets
from ..features import FEATURE_LAYERS

__all__ = ["DrawPad", "draw_pad", "stroke_ink", "centred", "load_strokes", "uses_ipympl"]

SOFT_EDGE = 1.0      # pixels over which the ink fades out at a stroke's edge


def stroke_ink(points, size=28, brush=1.0):
    """(size, size) ink in [0, 1] of a stroke through `points` [(x, y), ...] (x = column).

    ink = clip((brush + SOFT_EDGE - d) / SOFT_EDGE, 0, 1), d the distance from a pixel's
    centre to the nearest segment of the stroke: 1 within `brush`, 0 a pixel further out.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) == 0:
        return np.zeros((size, size))
    rows, cols = np.mgrid[0:size, 0:size].astype(float)
    pixels = np.stack([cols.ravel(), rows.ravel()], axis=1)            # (P, 2) as (x, y)
    starts, ends = points[:max(len(points) - 1, 1)], points[1:] if len(points) > 1 else points
    direction = ends - starts                                          # (S, 2)
    length2 = np.maximum((direction ** 2).sum(axis=1), 1e-12)
    # the nearest point of each segment: start + t * direction, t clipped to [0, 1]
    t = np.clip(((pixels[:, None, :] - starts) * direction).sum(axis=2) / length2, 0, 1)   # (P, S)
    nearest = starts + t[..., None] * direction
    distance = np.sqrt(((pixels[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)
    return np.clip((brush + SOFT_EDGE - distance) / SOFT_EDGE, 0, 1).reshape(size, size)


def centred(image):
    """The image shifted (whole pixels, zeros coming in) so its centre of mass is the centre,
    as MNIST digits are."""
    total = image.sum()
    if total <= 0:
        return image.copy()
    rows, cols = np.indices(image.shape)
    shift_row = int(round((image.shape[0] - 1) / 2 - (rows * image).sum() / total))
    shift_col = int(round((image.shape[1] - 1) / 2 - (cols * image).sum() / total))
    shifted = np.zeros_like(image)
    h, w = image.shape
    source = image[max(0, -shift_row):h - max(0, shift_row), max(0, -shift_col):w - max(0, shift_col)]
    shifted[max(0, shift_row):max(0, shift_row) + source.shape[0],
            max(0, shift_col):max(0, shift_col) + source.shape[1]] = source
    return shifted


def load_strokes(path):
    """Strokes from a JSON file: [[[x, y], ...], ...], a stroke may be {"points": [...], "tool": "eraser"}."""
    strokes = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(strokes, dict):
        strokes = strokes.get("strokes", [])
    if not isinstance(strokes, list):
        raise ValueError(f"{path}: expected a list of strokes, each a list of [x, y] points")
    return strokes


class DrawPad(Scene):
    """A 28x28 pad (`side` pixels a side), a model, its class probabilities; tool: pen or eraser."""

    def __init__(self, model, classes=None, size=28, brush=1.0, centre=False, features=False):
        self.model, self.side, self.brush, self.centre = model, size, brush, centre
        self.features = features
        self.pixels = np.zeros((size, size))
        self.strokes = []
        self._current = None
        self._pad_image = None
        count = self._logits().shape[-1]
        self.classes = [str(c) for c in (classes if classes is not None else range(count))]
        if len(self.classes) != count:
            raise ValueError(f"the model gives {count} class scores but {len(self.classes)} class names "
                             f"were given: {self.classes}")
        super().__init__(self._draw_state, [Control("tool", ["pen", "eraser"])], prefer_widgets=True,
                         actions={"clear": self.clear})

    def __repr__(self):
        best = int(np.argmax(self.probabilities()))
        return f"DrawPad({len(self.strokes)} strokes, model says {self.classes[best]!r})"

    # --- drawing with the brush ---------------------------------------------------------
    def stroke(self, points, tool=None):
        """Draw one stroke through `points` [(x, y), ...] in pixel coordinates; redraws."""
        tool = self.controls["tool"].check(tool or self.state["tool"])
        self._ink(points, tool)
        self.strokes.append({"points": [list(map(float, p)) for p in points], "tool": tool})
        return self.refresh()

    def replay(self, strokes):
        """Draw a list of strokes (as in load_strokes); redraws once at the end."""
        for stroke in strokes:
            points, tool = (stroke.get("points", []), stroke.get("tool")) if isinstance(stroke, dict) else (stroke, None)
            tool = self.controls["tool"].check(tool or "pen")
            self._ink(points, tool)
            self.strokes.append({"points": [list(map(float, p)) for p in points], "tool": tool})
        return self.refresh()

    def clear(self):
        """Wipe the pad."""
        self.pixels[:] = 0
        self.strokes = []
        return self.refresh()

    def _ink(self, points, tool):
        ink = stroke_ink(points, self.side, self.brush)
        self.pixels = np.maximum(self.pixels, ink) if tool == "pen" else np.minimum(self.pixels, 1 - ink)

    # --- the mouse ---------------------------------------------------------------------------
    def on_press(self, name, x, y):
        if name == "pad":
            self._current = [(x, y)]
            self._ink(self._current, self.state["tool"])
            self._show_ink()

    def on_drag(self, name, x, y):
        if self._current is not None and name == "pad":
            self._ink([self._current[-1], (x, y)], self.state["tool"])
            self._current.append((x, y))
            self._show_ink()

    def on_release(self):
        if self._current is not None:
            self.strokes.append({"points": [list(map(float, p)) for p in self._current], "tool": self.state["tool"]})
            self._current = None
            self.refresh()                         # the stroke is done: ask the model

    def _show_ink(self):
        """Only the ink, while the mouse moves (the model is asked when the stroke ends)."""
        if self._pad_image is not None:
            self._pad_image.set_data(self.pixels)
            self._pad_image.figure.canvas.draw_idle()

    # --- the model -----------------------------------------------------------------------------
    def model_input(self):
        """(1, 1, size, size) float32: what the model sees (centred if centre=True)."""
        image = centred(self.pixels) if self.centre else self.pixels
        return image[None, None].astype(np.float32)

    def _outputs(self):
        params = self.model.parameters()
        x = Tensor(self.model_input().astype(params[0].dtype if params else np.float32))
        return layer_outputs(self.model, x)

    def _logits(self):
        return np.asarray(self._outputs()[-1][2].data).reshape(-1)

    def probabilities(self):
        """softmax of the model's scores for model_input(), one per class."""
        return F.softmax(Tensor(self._logits()[None].astype(np.float64)), dim=1).data[0]

    # --- where it is shown ------------------------------------------------------------------------
    def widget(self):
        """The pad as ipywidgets: a 14 x 14 grid of buttons to paint on and the picture
        beside it (draw_pad_widget.py); needs only ipywidgets, no ipympl."""
        from .draw_pad_widget import pad_widget
        return pad_widget(self)

    def show(self, block=True):
        """A window to draw in with the mouse; in Jupyter the same window in the notebook
        with ipympl (`%matplotlib widget`), else the button pad (ipywidgets)."""
        if in_notebook() and not uses_ipympl():
            from IPython.display import display
            display(self)
            return self
        from ..canvas import SceneWindow
        return SceneWindow(self).show(block=block and not in_notebook())

    def _ipython_display_(self):
        if uses_ipympl():
            self.show()
        elif has_ipywidgets():
            from IPython.display import display
            display(self.widget())
        else:
            super()._ipython_display_()        # the picture, and how to get the controls

    # --- the picture ------------------------------------------------------------------------------
    def _draw_state(self, fig, tool):
        from .draw_pad_view import draw_pad_picture
        with style.context():
            self._pad_image = draw_pad_picture(fig, self, tool)

    def feature_maps(self):
        """[(label, maps (C, H, W))] of the first convolution and its activation (features=True)."""
        chosen = [(name, layer, out.data[0]) for name, layer, out in self._outputs()
                  if isinstance(layer, FEATURE_LAYERS) and out.data.ndim == 4]
        return [(f"layers[{name}]: {type(layer).__name__}", np.asarray(maps)) for name, layer, maps in chosen[:2]]


def uses_ipympl():
    """True when matplotlib draws with ipympl (`%matplotlib widget`): mouse events in Jupyter."""
    import sys
    if "matplotlib" not in sys.modules:
        return False
    import matplotlib
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend == "widget"


def draw_pad(model=None, classes=None, strokes=None, size=28, brush=1.0, centre=False, features=False,
             seed=0):
    """A DrawPad for `model` (a CNN taking (1, 1, size, size) images in [0, 1]).

    classes: the names of the model's outputs. No model at hand? `microdl.zoo.shapes_cnn()`
    trains one on the shapes images in seconds (circle, square, triangle, cross, line).
    strokes: a list of strokes (or a JSON file, see load_strokes) drawn at the start.
    """
    if model is None:
        raise TypeError("draw_pad needs a trained model to name what you draw; for one in seconds: "
                        "model, classes = microdl.zoo.shapes_cnn(); viz.draw_pad(model, classes)")
    pad = DrawPad(model, classes, size=size, brush=brush, centre=centre, features=features)
    if strokes is not None:
        pad.replay(load_strokes(strokes) if isinstance(strokes, (str, Path)) else strokes)
    return pad
