"""A Scene in Jupyter: one output that updates in place.

* With ipywidgets (`pip install -e '.[jupyter]'`) a Scene that asks for widgets shows
  its controls (a play button and a slider for frames, sliders and menus for the rest)
  over ONE image that is redrawn on every change. The output also carries a PNG of the
  state it was displayed in, so a saved notebook, nbviewer or GitHub shows the picture.
* An animation (a Scene whose only control is the frame) shows as the offline HTML
  player: it needs no kernel, no internet and no ipywidgets.
* Without ipywidgets, a Scene with other controls shows its current state as a PNG and
  says how to get the controls.
"""
import base64

from .figure import png_bytes

__all__ = ["display_scene", "scene_widget", "has_ipywidgets"]


def has_ipywidgets():
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def display_scene(scene):
    """Display `scene` once in the current notebook output (see the module docstring)."""
    from IPython.display import HTML, display
    only_frames = set(scene.controls) <= {scene.frame_control}
    if getattr(scene, "prefer_widgets", False) and has_ipywidgets():
        widget = scene_widget(scene)
        bundle = widget._repr_mimebundle_()
        bundle["image/png"] = base64.b64encode(widget.image.value).decode("ascii")
        display(bundle, raw=True)
    elif only_frames and scene.frame_control is not None:
        display(HTML(scene.to_html()))
    else:
        display(scene.figure())
        if scene.controls:
            print("(install ipywidgets for the controls: pip install -e '.[jupyter]')")


def scene_widget(scene):
    """An ipywidgets VBox: the controls over an Image of the current state.

    The box's `.image` is the Image widget and `.controls` maps names to widgets, so
    code (and tests) can move a slider: `box.controls["lr"].value = 0.1`.
    """
    import ipywidgets as widgets
    shown = scene.figure()                   # one Figure, updated in place when the scene can
    image = widgets.Image(format="png", value=png_bytes(shown, tight=False),
                          layout=widgets.Layout(max_width=f"{int(scene.size[0] * scene.dpi)}px"))
    controls = {name: _control_widget(widgets, scene, c) for name, c in scene.controls.items()}
    rows = ([_frame_buttons(widgets, scene)] if scene.frame_control
            else [_run_buttons(widgets, scene)] if scene.endless else [])
    rows += [w for name, w in controls.items()]
    if scene.actions:          # a row of buttons: "clear", ...
        buttons = [widgets.Button(description=label) for label in scene.actions]
        for button, action in zip(buttons, scene.actions.values()):
            button.on_click(lambda _, action=action: action())
        rows.append(widgets.HBox(buttons))
    box = widgets.VBox(rows + [image])
    box.image, box.controls = image, controls

    def redraw(changed_scene):
        for name, w in controls.items():
            if w.value != changed_scene.controls[name].value:
                w.value = changed_scene.controls[name].value
        image.value = png_bytes(changed_scene.redraw(shown), tight=False)
    scene.add_listener(redraw)
    return box


def _control_widget(widgets, scene, control):
    style = {"description_width": "initial"}
    if control.is_range and control.log:
        import math
        w = widgets.FloatLogSlider(value=control.value, base=10, min=math.log10(control.values[0]),
                                   max=math.log10(control.values[1]), step=0.05,
                                   description=control.label, style=style, continuous_update=False)
    elif control.is_range:
        w = widgets.FloatSlider(value=control.value, min=control.values[0], max=control.values[1],
                                step=control.step or (control.values[1] - control.values[0]) / 100,
                                description=control.label, style=style, continuous_update=False)
    elif all(isinstance(v, int) for v in control.choices) and control.choices == sorted(control.choices):
        w = widgets.SelectionSlider(options=control.choices, value=control.value,
                                    description=control.label, style=style)
    else:
        w = widgets.Dropdown(options=control.choices, value=control.value,
                             description=control.label, style=style)
    w.observe(lambda change: scene.set(**{control.name: change["new"]})
              if change["new"] != scene.controls[control.name].value else None, names="value")
    return w


def _run_buttons(widgets, scene):
    """Play / pause and step for a scene that runs (a playground): while the Play widget
    counts, each count is one tick(); step is one next()."""
    # at least 0.3 s a beat: a beat trains and redraws in the kernel; faster, clicks would queue
    play = widgets.Play(value=0, min=0, max=10**9, interval=max(300, round(1000 / scene.fps)),
                        description="play")
    play.observe(lambda change: scene.tick(), names="value")
    step = widgets.Button(description="step \u25b6|", layout=widgets.Layout(width="6em"))
    step.on_click(lambda _: scene.next())
    box = widgets.HBox([play, step])
    box.play, box.step = play, step
    return box


def _frame_buttons(widgets, scene):
    """First / previous / play / next / last for the frame control."""
    def button(text, tip, action):
        b = widgets.Button(description=text, tooltip=tip, layout=widgets.Layout(width="3.5em"))
        b.on_click(lambda _: action())
        return b
    play = widgets.Play(value=scene.index, min=0, max=len(scene) - 1,
                        interval=round(1000 / scene.fps), description="play")
    play.observe(lambda change: scene.step(change["new"]) if change["new"] != scene.index else None,
                 names="value")
    scene.add_listener(lambda s: setattr(play, "value", s.index) if play.value != s.index else None)
    return widgets.HBox([button("|\u25c0", "first", scene.first), button("\u25c0", "previous", scene.previous),
                         play, button("\u25b6", "next", scene.next), button("\u25b6|", "last", scene.last)])
