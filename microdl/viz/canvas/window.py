"""A Scene in a matplotlib window: the picture on top, its controls underneath.

Keys: right / left arrow step one frame, home / end jump, space plays and pauses.
A scene that runs rather than having frames (`endless`, a playground) gets play / pause
and step: space and the timer call its tick(), the right arrow its next(); other keys go
to its on_key(). With `controls_at = "left"` the controls are a column on the left
(side_panel.py) instead of rows under the picture.
The mouse on the picture goes to the scene's on_press / on_drag / on_release, with the
label of the Axes under it and data coordinates; the scene's actions are buttons.
Every control is a matplotlib widget (buttons, sliders, radio buttons), so it works with
any interactive backend (TkAgg, QtAgg) and under the Agg backend in tests, where the
controls and keys are driven from code: `window.press("right")`, `window.tick()`.
Control texts are at least 12 pt (control_text.py); a scene whose family draws in a house
style gives it as `window_style()` (a context manager), and the controls follow it:
larger in projector mode.
"""
import math
from contextlib import nullcontext

from .control_text import SMALLEST_CONTROL_FONT, control_font_size, control_text
from .figure import Figure, show_in_window
from .side_panel import SIDE_MOST_FONT, build_side_panel, side_width, sync_side_panel

__all__ = ["SceneWindow"]

_ROW = 0.45      # inches per row of controls with 12 pt text


class SceneWindow:
    """A house Figure holding `scene` and its controls, redrawn on every change."""

    def __init__(self, scene):
        self.scene = scene
        width, height = scene.size          # the whole window fits the slide: controls included
        self.figure = Figure(figsize=(width, height), dpi=scene.dpi)
        self.widgets = {}
        self._playing = False
        self._timer = None
        self._side = getattr(scene, "controls_at", "bottom") == "left"
        house_style = getattr(scene, "window_style", None)   # the family's style: projector mode
        with house_style() if house_style is not None else nullcontext():
            self.font_size = control_font_size(SIDE_MOST_FONT if self._side else None)
            with control_text(self.font_size):
                self._build(width, height)
        self.figure.canvas.mpl_connect("key_press_event", lambda event: self.press(event.key))
        self._mouse_down = False
        for kind in ("button_press_event", "motion_notify_event", "button_release_event"):
            self.figure.canvas.mpl_connect(kind, self._mouse)
        scene.add_listener(lambda s: self.redraw())
        self.redraw()

    def __repr__(self):
        return f"SceneWindow({self.scene!r})"

    # --- drawing -----------------------------------------------------------------------
    def redraw(self):
        self.scene.redraw(self.picture)          # in place when the scene can (Scene.update_in_place)
        self._sync_widgets()
        self.figure.canvas.draw_idle()

    def show(self, block=True):
        show_in_window(self.figure, block=block)
        return self

    # --- controls driven by people or by code -----------------------------------------
    @property
    def playing(self):
        return self._playing

    def press(self, key):
        """Act on a key as the window would: right, left, home, end, space; other keys and
        every key of a scene without frames go to the scene's on_key."""
        scene = self.scene
        if scene.frame_control is not None:
            action = {"right": scene.next, "left": scene.previous, "home": scene.first,
                      "end": scene.last, " ": self.play_pause}.get(key)
        elif scene.endless:
            action = {"right": scene.next, " ": self.play_pause}.get(key)
        else:
            action = None
        if action is not None:
            action()
        else:
            scene.on_key(key)

    def set_control(self, name, value):
        """A widget moved: tell the scene (unless it already has that value)."""
        if value != self.scene.controls[name].value:
            self.scene.set(**{name: value})

    def _top_buttons(self):
        """The side panel's top row: play / pause and step for a running scene, then actions."""
        buttons = []
        if self.scene.endless:
            buttons += [("play", "\u25b6 play", self.play_pause), ("next", "step \u25b6|", self.scene.next)]
        return buttons + [(label, label, action) for label, action in self.scene.actions.items()]

    def _mouse(self, event):
        """Route a mouse event over the picture to the scene, in the Axes' data coordinates."""
        if event.name == "button_release_event":
            if self._mouse_down:
                self._mouse_down = False
                self.scene.on_release()
            return
        ax = event.inaxes
        if ax is None or ax not in self.picture.axes or event.xdata is None:
            return
        if event.name == "button_press_event":
            self._mouse_down = True
            self.scene.on_press(ax.get_label(), event.xdata, event.ydata)
        elif self._mouse_down:
            self.scene.on_drag(ax.get_label(), event.xdata, event.ydata)

    def play_pause(self):
        self._playing = not self._playing
        scene = self.scene
        if self._playing and scene.frame_control and scene.index == len(scene) - 1:
            scene.first()
        if self._timer is None:        # made on the window's canvas, which exists once shown
            self._timer = self.figure.canvas.new_timer(interval=round(1000 / scene.fps))
            self._timer.add_callback(self.tick)
        (self._timer.start if self._playing else self._timer.stop)()
        if "play" in self.widgets:
            labels = ("\u2016 pause", "\u25b6 play") if self._side else ("\u2016", "\u25b6")
            self.widgets["play"].label.set_text(labels[0] if self._playing else labels[1])
            self.figure.canvas.draw_idle()

    def tick(self):
        """One beat of playing: the next frame (a stop at the last), or a running scene's tick()."""
        if self.scene.endless:
            if self._playing:
                self.scene.tick()
            return
        if self.scene.index >= len(self.scene) - 1:
            if self._playing:
                self.play_pause()
            return
        self.scene.next()

    def _build(self, width, height):
        """The picture's SubFigure and the controls' (a column on the left, or rows below)."""
        if self._side:
            column = side_width()                 # wider with larger fonts (side_panel.py)
            self._panel, self.picture = self.figure.subfigures(1, 2, width_ratios=[column, 1 - column])
            self.widgets = build_side_panel(self, self._panel, self._top_buttons())
            return
        rows = _control_rows(self.scene)
        row_height = _ROW * (self.font_size / SMALLEST_CONTROL_FONT) ** 0.25   # a little taller for larger text
        self.picture, self._panel = self.figure.subfigures(
            2, 1, height_ratios=[height - row_height * rows, row_height * rows or 0.01])
        self._build_controls(rows)

    def _build_controls(self, rows):
        from matplotlib.widgets import Button
        panel, scene, row = self._panel, self.scene, 0
        if scene.frame_control:
            self._frame_row(panel, rows, row)
            row += 1
        elif scene.endless:
            for k, (name, text, action) in enumerate(self._top_buttons()[:2]):
                button = Button(panel.add_axes(_row_box(rows, row, 0.02 + 0.1 * k, 0.09)), text)
                button.on_clicked(lambda _event, action=action: action())
                self.widgets[name] = button
            row += 1
        for name, control in scene.controls.items():
            if name == scene.frame_control:
                continue
            self.widgets[name] = _widget(panel, control, _row_box(rows, row, 0.18, 0.62),
                                         lambda value, name=name: self.set_control(name, value))
            row += 1
        for k, (label, action) in enumerate(scene.actions.items()):
            button = Button(panel.add_axes(_row_box(rows, row, 0.18 + 0.13 * k, 0.11)), label)
            button.on_clicked(lambda _event, action=action: action())
            self.widgets[label] = button

    def _frame_row(self, panel, rows, row):
        from matplotlib.widgets import Button, Slider
        scene = self.scene
        actions = [("|\u25c0", scene.first), ("\u25c0", scene.previous), ("\u25b6", self.play_pause),
                   ("\u25b6\u25b6", scene.next), ("\u25b6|", scene.last)]
        for k, (text, action) in enumerate(actions):
            button = Button(panel.add_axes(_row_box(rows, row, 0.02 + 0.045 * k, 0.04)), text)
            button.on_clicked(lambda _event, action=action: action())
            self.widgets[["first", "previous", "play", "next", "last"][k]] = button
        frames = scene.controls[scene.frame_control]  # the slider moves by frame, shows its value
        slider = Slider(panel.add_axes(_row_box(rows, row, 0.34, 0.55)), frames.label, 0, len(scene) - 1,
                        valinit=scene.index, valstep=1)
        slider.on_changed(lambda value: scene.step(int(value)) if int(value) != scene.index else None)
        slider.on_changed(lambda value: slider.valtext.set_text(str(frames.choices[int(value)])))
        slider.valtext.set_text(str(frames.choices[scene.index]))
        self.widgets["frame"] = slider

    def _sync_widgets(self):
        """Move the widgets to the scene's state (after a change made from code)."""
        if self._side:
            sync_side_panel(self.widgets, self.scene)
            return
        slider = self.widgets.get("frame")
        if slider is not None and int(slider.val) != self.scene.index:
            slider.eventson = False
            slider.set_val(self.scene.index)
            slider.eventson = True
            slider.valtext.set_text(str(self.scene.controls[self.scene.frame_control].choices[self.scene.index]))
        for name, control in self.scene.controls.items():
            widget = self.widgets.get(name)
            if name == self.scene.frame_control or widget is None:
                continue
            if hasattr(widget, "choices"):             # radio buttons
                index = widget.choices.index(control.value)
                if getattr(widget, "index_selected", None) != index:
                    widget.eventson = False
                    widget.set_active(index)
                    widget.eventson = True
                continue
            value = math.log10(control.value) if getattr(widget, "log", False) else control.value
            if widget.val != value:
                widget.eventson = False
                widget.set_val(value)
                widget.eventson = True
                if getattr(widget, "log", False):
                    widget.valtext.set_text(f"{control.value:.3g}")


def _control_rows(scene):
    return ((1 if scene.frame_control or scene.endless else 0) + sum(1 for n in scene.controls if n != scene.frame_control)
            + (1 if scene.actions else 0))


def _row_box(rows, row, left, width):
    """[left, bottom, width, height] of one control in the panel, rows from the top."""
    height = 1 / rows
    return [left, 1 - (row + 1) * height + 0.15 * height, width, 0.7 * height]


def _widget(panel, control, box, on_change):
    """A Slider for a number, a row of radio buttons for a choice."""
    from matplotlib.widgets import RadioButtons, Slider
    if control.is_range and control.log:          # slide along log10, show the value itself
        low, high = (math.log10(v) for v in control.values)
        slider = Slider(panel.add_axes(box), control.label, low, high, valinit=math.log10(control.value))
        slider.log = True
        slider.valtext.set_text(f"{control.value:.3g}")

        def changed(position):
            slider.valtext.set_text(f"{10 ** position:.3g}")
            on_change(float(10 ** position))
        slider.on_changed(changed)
        return slider
    if control.is_range:
        low, high = control.values
        slider = Slider(panel.add_axes(box), control.label, low, high, valinit=control.value,
                        valstep=control.step)
        slider.on_changed(lambda value: on_change(float(value)))
        return slider
    if all(isinstance(v, int) for v in control.choices) and len(control.choices) > 6:
        slider = Slider(panel.add_axes(box), control.label, control.choices[0], control.choices[-1],
                        valinit=control.value, valstep=control.choices)
        slider.on_changed(lambda value: on_change(int(value)))
        return slider
    ax = panel.add_axes(box)
    ax.text(-0.01, 0.5, control.label, ha="right", va="center", transform=ax.transAxes)
    ax.axis("off")
    labels = [str(c) for c in control.choices]
    extra = {"layout": "horizontal"} if _supports_horizontal() else {}
    radio = RadioButtons(ax, labels, active=control.choices.index(control.value), **extra)
    radio.choices = control.choices
    lookup = dict(zip(labels, control.choices))
    radio.on_clicked(lambda label: on_change(lookup[label]))
    return radio


def _supports_horizontal():
    import inspect

    from matplotlib.widgets import RadioButtons
    return "layout" in inspect.signature(RadioButtons).parameters
