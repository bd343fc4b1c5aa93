"""A window's controls in a column on the left (Scene.controls_at = "left"): for a scene
with many knobs (the playground has eleven), where a row per control under the picture
would leave no room for the picture.

From the top: the play / step buttons of a scene that runs (`endless`) and its actions
(reset, ...), the choices as radio buttons (a column, two columns for four, a row for
three or fewer), then the numbers as sliders; a choice among numbers (batch size 1 .. 64)
slides along its choices. Every widget calls `window.set_control(name, value)`, which
calls `scene.set(...)`, so code and people drive the same thing; `sync` moves the
widgets after a change made from code. Fonts follow the style in force (rcParams), at
least 12 pt (control_text.py).
"""
import math

from .control_text import control_font_size

__all__ = ["build_side_panel", "sync_side_panel", "SIDE_WIDTH", "SIDE_MOST_FONT"]

SIDE_WIDTH = 0.27          # share of the window's width the column takes
SIDE_MOST_FONT = 14        # pt: the largest text that fits the column (16 cuts "hidden layers")
_SLIDER_HEIGHT = 0.038


def _font():
    """The style's font size, at least 12 pt and at most SIDE_MOST_FONT: the column is
    narrow, and in projector mode the controls are for the teacher's hand, the picture
    for the room."""
    return control_font_size(SIDE_MOST_FONT)


def _is_choice_of_words(control):
    return not control.is_range and not all(isinstance(c, (int, float)) for c in control.choices)


def build_side_panel(window, panel, buttons):
    """Fill `panel` (a SubFigure) with the scene's controls; buttons: [(name, text, action)]
    for the top row. Returns {name: widget}."""
    from matplotlib.widgets import Button
    widgets = {}
    width = 0.92 / max(1, len(buttons))
    for k, (name, text, action) in enumerate(buttons):
        button = Button(panel.add_axes([0.04 + width * k, 0.935, width - 0.03, 0.05]), text)
        button.label.set_fontsize(_font())
        button.on_clicked(lambda _event, action=action: action())
        widgets[name] = button
    top = 0.9
    controls = window.scene.controls
    for name, control in controls.items():
        if _is_choice_of_words(control):
            widgets[name], top = _radio(window, panel, name, control, top)
    for name, control in controls.items():
        if not _is_choice_of_words(control):
            widgets[name], top = _slider(window, panel, name, control, top)
    keys = ["space: play / pause", "\u2192: step"] if window.scene.endless else []
    keys += [getattr(window.scene, "key_hint", "")]
    panel.text(0.04, 0.01, "   ".join(k for k in keys if k), fontsize=_font(), color="#555555")
    return widgets


def _radio_shape(control):
    """(layout keyword, rows) for a group of radio buttons."""
    n = len(control.choices)
    if n <= 3:
        return {"layout": "horizontal"}, 1
    if n == 4:
        return {"layout": (2, 2)}, 2
    return {}, n


def _radio(window, panel, name, control, top):
    from matplotlib.widgets import RadioButtons
    shape, rows = _radio_shape(control)
    height = 0.045 + 0.0385 * (rows - 1)
    ax = panel.add_axes([0.29, top - height, 0.71, height])
    ax.set_axis_off()
    panel.text(0.275, top - height / 2, control.label, ha="right", va="center", fontsize=_font())
    labels = [str(c) for c in control.choices]
    active = control.choices.index(control.value)
    try:
        radio = RadioButtons(ax, labels, active=active, **shape)
    except (TypeError, ValueError):          # an older matplotlib: one column
        radio = RadioButtons(ax, labels, active=active)
    for label in radio.labels:
        label.set_fontsize(_font())
    radio.choices = control.choices
    lookup = dict(zip(labels, control.choices))
    radio.on_clicked(lambda label: window.set_control(name, lookup[label]))
    return radio, top - height - 0.012


def _slider(window, panel, name, control, top):
    from matplotlib.widgets import Slider
    ax = panel.add_axes([0.42, top - _SLIDER_HEIGHT, 0.4, _SLIDER_HEIGHT])
    if control.is_range and control.log:
        low, high = (math.log10(v) for v in control.values)
        slider = Slider(ax, control.label, low, high, valinit=math.log10(control.value))
    elif control.is_range:
        slider = Slider(ax, control.label, *control.values, valinit=control.value, valstep=control.step)
    else:                                    # a choice of numbers: slide along their positions
        slider = Slider(ax, control.label, 0, len(control.choices) - 1,
                        valinit=control.choices.index(control.value), valstep=1)
    _show_value(slider, control)
    slider.label.set_fontsize(_font())
    slider.valtext.set_fontsize(_font())

    def moved(position):
        if control.is_range:
            value = float(10 ** position) if control.log else float(position)
        else:
            value = control.choices[int(round(position))]
        window.set_control(name, value)
        _show_value(slider, control, value)
    slider.on_changed(moved)
    return slider, top - _SLIDER_HEIGHT - 0.022


def _show_value(slider, control, value=None):
    value = control.value if value is None else value
    slider.valtext.set_text(f"{value:.3g}" if control.is_range else f"{value:g}")


def sync_side_panel(widgets, scene):
    """Move the widgets to the scene's state (after a change made from code)."""
    for name, control in scene.controls.items():
        widget = widgets.get(name)
        if widget is None:
            continue
        widget.eventson = False
        if hasattr(widget, "choices"):                       # radio buttons
            index = control.choices.index(control.value)
            if getattr(widget, "index_selected", index) != index:
                widget.set_active(index)
        else:
            if control.is_range:
                position = math.log10(control.value) if control.log else control.value
            else:
                position = control.choices.index(control.value)
            if widget.val != position:
                widget.set_val(position)
            _show_value(widget, control)
        widget.eventson = True
