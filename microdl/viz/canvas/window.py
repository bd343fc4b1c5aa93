"""A Scene in a matplotlib window: the picture on top, its controls underneath.

Keys: right / left arrow step one frame, home / end jump, space plays and pauses.
The mouse on the picture goes to the scene's on_press / on_drag / on_release, with the
label of the Axes under it and data coordinates; the scene's actions are buttons.
Every control is a matplotlib widget (buttons, sliders, radio buttons), so it works with
any interactive backend (TkAgg, QtAgg) and under the Agg backend in tests, where the
controls and keys are driven from code: `window.press("right")`, `window.tick()`.
"""
import math

from .figure import Figure, show_in_window

__all__ = ["SceneWindow"]

_ROW = 0.45      # inches per row of controls


class SceneWindow:
    """A house Figure holding `scene` and its controls, redrawn on every change."""

    def __init__(self, scene):
        self.scene = scene
        rows = _control_rows(scene)
        width, height = scene.size          # the whole window fits the slide: controls included
        self.figure = Figure(figsize=(width, height), dpi=scene.dpi)
        top, self._panel = self.figure.subfigures(
            2, 1, height_ratios=[height - _ROW * rows, _ROW * rows or 0.01])
        self.picture = top
        self.widgets = {}
        self._playing = False
        self._timer = None
        self._build_controls(rows)
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
    def press(self, key):
        """Act on a key as the window would: right, left, home, end, space."""
        scene = self.scene
        if scene.frame_control is None:
            return
        action = {"right": scene.next, "left": scene.previous, "home": scene.first,
                  "end": scene.last, " ": self.play_pause}.get(key)
        if action is not None:
            action()

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
        if self._playing and self.scene.index == len(self.scene) - 1:
            self.scene.first()
        if self._timer is None:
            self._timer = self.figure.canvas.new_timer(interval=round(1000 / self.scene.fps))
            self._timer.add_callback(self.tick)
        (self._timer.start if self._playing else self._timer.stop)()
        if "play" in self.widgets:
            self.widgets["play"].label.set_text("\u2016" if self._playing else "\u25b6")

    def tick(self):
        """One frame of playing: the next frame, and a stop at the last."""
        if self.scene.index >= len(self.scene) - 1:
            if self._playing:
                self.play_pause()
            return
        self.scene.next()

    def _build_controls(self, rows):
        from matplotlib.widgets import Button
        panel, scene, row = self._panel, self.scene, 0
        if scene.frame_control:
            self._frame_row(panel, rows, row)
            row += 1
        for name, control in scene.controls.items():
            if name == scene.frame_control:
                continue
            self.widgets[name] = _widget(panel, control, _row_box(rows, row, 0.18, 0.62),
                                         lambda value, name=name: self._set(name, value))
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
        slider = Slider(panel.add_axes(_row_box(rows, row, 0.34, 0.55)), "frame", 0, len(scene) - 1,
                        valinit=scene.index, valstep=1)
        slider.on_changed(lambda value: scene.step(int(value)) if int(value) != scene.index else None)
        self.widgets["frame"] = slider

    def _set(self, name, value):
        if value != self.scene.controls[name].value:
            self.scene.set(**{name: value})

    def _sync_widgets(self):
        """Move the widgets to the scene's state (after a change made from code)."""
        slider = self.widgets.get("frame")
        if slider is not None and int(slider.val) != self.scene.index:
            slider.eventson = False
            slider.set_val(self.scene.index)
            slider.eventson = True
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
    return ((1 if scene.frame_control else 0) + sum(1 for n in scene.controls if n != scene.frame_control)
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
