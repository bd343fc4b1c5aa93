"""A Scene: a picture drawn from a few controls. Every moving picture in microdl is one.

An animation is a Scene with one control, the frame number. Step-through backprop is
the same, with next / previous. A landscape explorer is a Scene whose controls are a
learning rate and an optimizer. A live training view is a Scene that is redrawn when
new data arrives. One model, drawn by the same functions as the still pictures, with
thin adapters for where it is shown:

    Jupyter   ipywidgets controls over one image updated in place (notebook.py), or an
              offline HTML player when ipywidgets is missing (player.py)
    a window  matplotlib widgets and keys: arrows step, space plays (window.py)
    files     .png of the current state, .gif / .mp4 / .html of every frame (files.py)

Controls can be driven from code, which is how the tests drive them:

    >>> scene = Scene(lambda fig, frame: fig.suptitle(f"frame {frame}"),
    ...               [Control("frame", range(3))])
    >>> scene.next().state
    {'frame': 1}
    >>> scene.set(frame=2).figure().texts[0].get_text()
    'frame 2'
"""
import math
from dataclasses import dataclass, field

from .figure import Figure, in_notebook

__all__ = ["Control", "Scene"]


@dataclass
class Control:
    """One knob: a name, the values it takes, and where it starts.

    values: a sequence of choices (`range(n)` for frames, `["sgd", "adam"]`) or a
    (low, high) pair for a number in between; `step` the slider's step for a pair,
    `log=True` for a slider on a log scale (learning rates).
    """
    name: str
    values: object
    value: object = None
    label: str = None
    step: float = None
    log: bool = False
    choices: list = field(init=False, default=None)

    def __post_init__(self):
        if isinstance(self.values, tuple) and len(self.values) == 2 and not isinstance(self.values[0], str):
            low, high = (float(v) for v in self.values)
            if not low < high or (self.log and low <= 0):
                raise ValueError(f"Control {self.name!r}: need low < high (and low > 0 on a "
                                 f"log scale), got {self.values}")
            self.values = (low, high)
        else:
            self.choices = list(self.values)
            if not self.choices:
                raise ValueError(f"Control {self.name!r} has no values to choose from")
        self.label = self.label or self.name.replace("_", " ")
        self.value = self.check(self.choices[0] if self.value is None and self.choices
                                else self.values[0] if self.value is None else self.value)

    @property
    def is_range(self):
        return self.choices is None

    def check(self, value):
        """`value` if this control can take it, else a ValueError that lists what it can."""
        if self.is_range:
            low, high = self.values
            if not (isinstance(value, (int, float)) and low <= value <= high):
                raise ValueError(f"{self.name} must be a number in [{low:g}, {high:g}], got {value!r}")
            return float(value)
        if value not in self.choices:
            shown = (f"{self.choices[0]} .. {self.choices[-1]}" if isinstance(self.values, range)
                     else ", ".join(map(repr, self.choices)))
            raise ValueError(f"{self.name} must be one of {shown}; got {value!r}")
        return value

    def shifted(self, steps):
        """The value `steps` choices away from the current one, kept in range."""
        if self.is_range:
            raise ValueError(f"{self.name} is a continuous control; set it with .set({self.name}=...)")
        i = self.choices.index(self.value) + steps
        return self.choices[max(0, min(len(self.choices) - 1, i))]

    def slider_position(self, value=None):
        """value -> [0, 1] along the slider (log scale if asked)."""
        low, high = self.values
        value = self.value if value is None else value
        if self.log:
            return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
        return (value - low) / (high - low)


class Scene:
    """A picture drawn by `draw(fig, **state)` from the current values of `controls`.

    draw: a function that draws on a fresh Figure (or SubFigure) for one state.
    controls: Controls, or nothing for a picture that only changes on `refresh()`.
    frame_control: the control that plays as time (default: one named "frame").
    size: inches (12.8 x 7.2 at dpi 100 is a 1280x720 slide); fps: playing speed.
    prefer_widgets: in Jupyter, show ipywidgets controls (when installed) rather than
    the offline player of every frame (explorers want this; animations do not).
    actions: {label: function()} shown as buttons ("clear"); code calls the function.

    A Scene that runs instead of having frames (a playground that trains) sets
    `endless = True` and overrides `next()` (one step) and `tick()` (one beat of playing):
    a window and Jupyter then give it play / pause and step.

    Clicks on the picture: a window calls `on_press(name, x, y)`, `on_drag(name, x, y)`
    (moved with the button held) and `on_release()`, where `name` is the label of the
    Axes under the mouse (`ax.set_label("pad")` when drawing) and x, y are data
    coordinates. They do nothing here; a Scene that wants clicks overrides them.
    """

    endless = False              # True: no frames, but it runs (tick / next): a playground
    controls_at = "bottom"       # "left": a window puts the controls in a column on the left

    def __init__(self, draw, controls=(), *, size=(12.8, 7.2), dpi=100, fps=2, title=None,
                 frame_control=None, prefer_widgets=False, actions=None):
        self._draw = draw
        self.actions = dict(actions or {})
        self.prefer_widgets = prefer_widgets     # in Jupyter: ipywidgets controls, not a player
        self.controls = {c.name: c for c in controls}
        names = list(self.controls)
        if frame_control is None and "frame" in self.controls:
            frame_control = "frame"
        if frame_control is not None and frame_control not in self.controls:
            raise ValueError(f"frame_control {frame_control!r} is not one of the controls {names}")
        self.frame_control = frame_control
        self.size, self.dpi, self.fps, self.title = tuple(size), dpi, fps, title
        self._listeners = []

    def __repr__(self):
        state = ", ".join(f"{k}={v!r}" for k, v in self.state.items())
        frames = f", {len(self)} frames" if self.frame_control else ""
        return f"{type(self).__name__}({state}{frames})"

    # --- state, driven from code (and by every adapter) ----------------------------
    @property
    def state(self):
        """The current value of every control, as a dict."""
        return {name: c.value for name, c in self.controls.items()}

    def set(self, **values):
        """Change controls by name (`scene.set(lr=0.1)`); redraws every open view."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no control {sorted(unknown)}; "
                             f"its controls are {list(self.controls)}")
        for name, value in values.items():
            self.controls[name].value = self.controls[name].check(value)
        self.refresh()
        return self

    def refresh(self):
        """Tell every open view (notebook, window) to redraw the current state."""
        for listener in list(self._listeners):
            listener(self)
        return self

    def add_listener(self, callback):
        """`callback(scene)` runs after each change; adapters use this to redraw."""
        self._listeners.append(callback)

    def __len__(self):
        if self.frame_control is None:
            return 1
        return len(self.controls[self.frame_control].choices)

    @property
    def index(self):
        """The current frame number (0 for a scene without frames)."""
        if self.frame_control is None:
            return 0
        control = self.controls[self.frame_control]
        return control.choices.index(control.value)

    def step(self, i=None):
        """Go to frame i (negative counts from the end), or to the next frame."""
        if self.frame_control is None:
            raise ValueError(f"{type(self).__name__} has no frames to step through")
        if i is None:
            return self.next()
        if not -len(self) <= i < len(self):
            raise IndexError(f"frame {i} does not exist: this scene has {len(self)} frames (0 .. {len(self) - 1})")
        return self.set(**{self.frame_control: self.controls[self.frame_control].choices[i]})

    def next(self):
        return self.step(min(self.index + 1, len(self) - 1))

    def previous(self):
        return self.step(max(self.index - 1, 0))

    def tick(self):
        """One beat of playing: the next frame here; a running (endless) scene overrides it."""
        return self.next()

    def on_key(self, key):
        """A key the window does not use itself ("r", ...). Override."""

    def first(self):
        return self.step(0)

    def last(self):
        return self.step(len(self) - 1)

    # --- the mouse on the picture (a window routes its events here) ----------------------
    def on_press(self, name, x, y):
        """A press on the Axes labelled `name` at data coordinates (x, y). Override."""

    def on_drag(self, name, x, y):
        """The mouse moved over Axes `name` with the button held. Override."""

    def on_release(self):
        """The mouse button was released. Override."""

    # --- drawing --------------------------------------------------------------------
    def draw(self, fig, **overrides):
        """Draw the current state (with `overrides`) on `fig`, a Figure or SubFigure."""
        state = self.state
        state.update(overrides)
        self._draw(fig, **state)
        if self.title:
            fig.suptitle(self.title)
        return fig

    def update_in_place(self, fig, **state):
        """Bring `fig`, which this scene drew for an earlier state, to `state` in place (move
        artists, change texts) and return True; or return False to have it cleared and drawn
        afresh. The default always returns False; an explorer overrides it so that a slider
        redraws only what moved (its background, such as contours, stays)."""
        return False

    def redraw(self, fig):
        """Show the current state on `fig` (a Figure or SubFigure): in place when `update_in_place`
        can, else cleared and drawn afresh. Windows and notebooks call it on every change."""
        if not self.update_in_place(fig, **self.state):
            fig.clear()
            self.draw(fig)
        return fig

    def figure(self, i=None, **overrides):
        """A new house Figure of frame i (or of the current state)."""
        if i is not None:
            if self.frame_control is None:
                raise ValueError(f"{type(self).__name__} has no frames; call .figure() without a number")
            overrides[self.frame_control] = self.controls[self.frame_control].choices[i]
        return self.draw(Figure(figsize=self.size, dpi=self.dpi), **overrides)

    def frames(self):
        """A Figure for every frame, in order (one Figure for a scene without frames)."""
        if self.frame_control is None:
            yield self.figure()
            return
        for i in range(len(self)):
            yield self.figure(i)

    # --- where it is shown ------------------------------------------------------------
    def save(self, path, fps=None, dpi=None):
        """.png: the current state; .gif / .mp4 / .html: every frame; a folder: PNGs."""
        from .files import save_scene
        return save_scene(self, path, fps=fps or self.fps, dpi=dpi)

    def to_html(self, fps=None, width=None):
        """An offline HTML player of every frame (no CDN, no internet needed)."""
        from .player import html_player
        return html_player(self, fps=fps or self.fps, width=width)

    def widget(self):
        """The Jupyter controls and image (needs ipywidgets: pip install -e '.[jupyter]')."""
        from .notebook import scene_widget
        return scene_widget(self)

    def show(self, block=True):
        """A window with the controls (arrows step, space plays); in Jupyter, the widget."""
        if in_notebook():
            from IPython.display import display
            display(self)
            return self
        from .window import SceneWindow
        return SceneWindow(self).show(block=block)

    def _ipython_display_(self):
        from .notebook import display_scene
        display_scene(self)
