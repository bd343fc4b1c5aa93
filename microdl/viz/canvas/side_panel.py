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

__all__ = ["build_side_panel", "sync_side_panel", "SIDE_WIDTH", "SIDE_MOST_FONT", "side_width"]

SIDE_WIDTH = 0.27          # share of the window's width the column takes at 12 pt
SIDE_MOST_FONT = 14        # pt: the largest text that fits the column (16 cuts "hidden layers")
_SLIDER_HEIGHT = 0.038
_LABEL_RIGHT = 0.275       # the radio groups' names end here; their buttons start at 0.29


def side_width():
    """The column's share of the window: SIDE_WIDTH at 12 pt, wider with larger fonts
    (projector mode), so that the names of the choices still fit beside their buttons."""
    return min(0.34, SIDE_WIDTH * max(1.0, _font() / 12))


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
    keys = [k for k in keys if k]
    lines = ["   ".join(keys)] if _text_width("   ".join(keys), panel) < 0.94 else keys[:2] + ["   ".join(keys[2:])]
    panel.text(0.04, 0.01, "\n".join(line for line in lines if line), fontsize=_font(), color="#555555")
    return widgets


def _text_width(text, panel):
    """The width of `text` at the column's font, as a share of the panel's width."""
    from matplotlib.textpath import TextPath
    points = TextPath((0, 0), text, size=_font()).get_extents().width
    return points / 72 * panel.figure.dpi / panel.bbox.width


def _radio_shape(control, panel):
    """(layout keyword, rows) for a group of radio buttons: as many columns (at most three)
    as the widest name fits, measured at the column's font."""
    n = len(control.choices)
    room = 1 - _LABEL_RIGHT - 0.03
    # each button: its circle and a gap (together about two em) and its name
    widest = max(_text_width(str(c), panel) for c in control.choices) + _text_width("MM", panel)
    columns = max(1, min(n, 3, int(room // widest)))
    if columns >= n:
        return {"layout": "horizontal"}, 1
    rows = math.ceil(n / columns)
    return {"layout": (rows, columns)}, rows


def _radio(window, panel, name, control, top):
    from matplotlib.widgets import RadioButtons
    shape, rows = _radio_shape(control, panel)
    height = 0.045 + 0.042 * (rows - 1)
    ax = panel.add_axes([_LABEL_RIGHT + 0.015, top - height, 1 - _LABEL_RIGHT - 0.015, height])
    ax.set_axis_off()
    panel.text(_LABEL_RIGHT, top - height / 2, control.label, ha="right", va="center", fontsize=_font())
    labels = [str(c) for c in control.choices]
    active = control.choices.index(control.value)
    font = {"label_props": {"fontsize": [_font()]}}      # the layout measures the names at this size
    try:
        radio = RadioButtons(ax, labels, active=active, **shape, **font)
    except (TypeError, ValueError):          # an older matplotlib (< 3.11): one column
        radio = RadioButtons(ax, labels, active=active, **font)
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
