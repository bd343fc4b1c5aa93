"""The playground's window: its controls down the left side, the picture on the right.

Buttons: play / pause, step, reset. Keys: space plays and pauses, the right arrow runs
one step, r resets. Choices are radio buttons, numbers are sliders; every widget calls
`playground.set(...)`, so code and people drive the same thing. While playing, a timer
trains `steps_per_frame` steps and redraws. Under the Agg backend (tests) nothing opens:
`window.press(" ")`, `window.tick()` and the widgets are driven from code.
"""
import math

from matplotlib.widgets import Button, RadioButtons, Slider

from .. import style
from ..canvas import Figure
from ..canvas.figure import show_in_window

__all__ = ["PlaygroundWindow"]

PANEL = 0.27          # share of the width the controls take
_RADIOS = {"dataset": 0.24, "activation": 0.075, "optimizer": 0.06, "engine": 0.045}


class PlaygroundWindow:
    """A house Figure with the playground's controls and picture, redrawn on every change."""

    def __init__(self, playground, interval_ms=100):
        self.playground = pg = playground
        with style.context():
            self.figure = Figure(figsize=pg.size, dpi=pg.dpi)
            self.panel, self.picture = self.figure.subfigures(1, 2, width_ratios=[PANEL, 1 - PANEL])
            self.widgets, self.playing = {}, False
            self._build()
        self._timer, self._interval_ms = None, interval_ms
        self.figure.canvas.mpl_connect("key_press_event", lambda event: self.press(event.key))
        pg.add_listener(lambda _: self.redraw())
        self.redraw()

    def __repr__(self):
        return f"PlaygroundWindow({self.playground!r}, {'playing' if self.playing else 'paused'})"

    def redraw(self):
        self.picture.clear()
        self.playground.draw(self.picture)
        self._sync()
        self.figure.canvas.draw_idle()

    def show(self, block=True):
        show_in_window(self.figure, block=block)
        return self

    # --- play, pause, step, reset ----------------------------------------------------------------
    def play_pause(self):
        self.playing = not self.playing
        if self._timer is None:       # made on the window's canvas, which exists once shown
            self._timer = self.figure.canvas.new_timer(interval=self._interval_ms)
            self._timer.add_callback(self.tick)
        (self._timer.start if self.playing else self._timer.stop)()
        self.widgets["play"].label.set_text("\u2016 pause" if self.playing else "\u25b6 play")
        self.figure.canvas.draw_idle()

    def tick(self):
        """One frame of playing: `steps_per_frame` training steps, then a redraw."""
        if self.playing:
            self.playground.train(self.playground.steps_per_frame)

    def step(self):
        self.playground.train(1)

    def reset(self):
        self.playground.reset()

    def press(self, key):
        """A key as the window sends it: space play / pause, right one step, r reset."""
        action = {" ": self.play_pause, "right": self.step, "r": self.reset}.get(key)
        if action is not None:
            action()

    # --- the widgets -------------------------------------------------------------------------------
    def _build(self):
        panel = self.panel
        for k, (text, action, name) in enumerate([("\u25b6 play", self.play_pause, "play"),
                                                  ("step \u25b6|", self.step, "step"),
                                                  ("reset", self.reset, "reset")]):
            button = Button(panel.add_axes([0.04 + 0.32 * k, 0.935, 0.29, 0.05]), text)
            button.label.set_fontsize(style.font_size())
            button.on_clicked(lambda _event, action=action: action())
            self.widgets[name] = button
        top = 0.9
        for name, control in self.playground.controls.items():
            if name in _RADIOS:
                top = self._radio(name, control, top)
        for name, control in self.playground.controls.items():
            if name not in _RADIOS:
                top = self._slider(name, control, top)
        panel.text(0.04, 0.01, "space: play / pause   \u2192: step   r: reset", fontsize=style.font_size() - 1,
                   color="#555555")

    def _radio(self, name, control, top):
        height = _RADIOS[name]
        horizontal = len(control.choices) <= 3
        ax = self.panel.add_axes([0.29, top - height, 0.71, height])
        ax.set_axis_off()
        self.panel.text(0.275, top - height / 2, control.label, ha="right", va="center", fontsize=style.font_size())
        extra = {"layout": "horizontal"} if horizontal else {}
        if not horizontal and name == "activation":
            extra = {"layout": (2, 2)}
        try:
            radio = RadioButtons(ax, [str(c) for c in control.choices],
                                 active=control.choices.index(control.value), **extra)
        except (TypeError, ValueError):         # an older matplotlib: one column
            radio = RadioButtons(ax, [str(c) for c in control.choices], active=control.choices.index(control.value))
        for label in radio.labels:
            label.set_fontsize(style.font_size())
        radio.on_clicked(lambda label, name=name: self._set(name, label))
        self.widgets[name] = radio
        return top - height - 0.012

    def _slider(self, name, control, top):
        height = 0.038
        ax = self.panel.add_axes([0.42, top - height, 0.4, height])
        if control.is_range and control.log:
            low, high = (math.log10(v) for v in control.values)
            slider = Slider(ax, control.label, low, high, valinit=math.log10(control.value))
            slider.valtext.set_text(f"{control.value:.3g}")
        elif control.is_range:
            slider = Slider(ax, control.label, *control.values, valinit=control.value, valstep=control.step)
        else:                                   # a choice of numbers: slide along their positions
            slider = Slider(ax, control.label, 0, len(control.choices) - 1,
                            valinit=control.choices.index(control.value), valstep=1)
            slider.valtext.set_text(f"{control.value:g}")
        slider.label.set_fontsize(style.font_size())
        slider.valtext.set_fontsize(style.font_size())
        slider.on_changed(lambda position, name=name: self._slid(name, position))
        self.widgets[name] = slider
        return top - height - 0.022

    def _slid(self, name, position):
        control = self.playground.controls[name]
        if control.is_range and control.log:
            value = float(10 ** position)
        elif control.is_range:
            value = float(position)
        else:
            value = control.choices[int(round(position))]
        self._set(name, value)

    def _set(self, name, value):
        control = self.playground.controls[name]
        if not control.is_range:
            value = next(c for c in control.choices if str(c) == str(value)) if isinstance(value, str) else value
        if value != control.value:
            self.playground.set(**{name: value})

    def _sync(self):
        """Move the widgets to the playground's state (after a change made from code)."""
        for name, control in self.playground.controls.items():
            widget = self.widgets.get(name)
            widget.eventson = False
            if isinstance(widget, RadioButtons):
                index = control.choices.index(control.value)
                if getattr(widget, "index_selected", index) != index:
                    widget.set_active(index)
            else:
                if control.is_range and control.log:
                    widget.set_val(math.log10(control.value))
                elif control.is_range:
                    widget.set_val(control.value)
                else:
                    widget.set_val(control.choices.index(control.value))
                widget.valtext.set_text(f"{control.value:.3g}" if control.is_range else f"{control.value:g}")
            widget.eventson = True
