"""The house Figure and the Scene model: made without pyplot, driven from code."""
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from microdl.viz.canvas import Control, Figure, Scene, SceneWindow, new_figure, new_mosaic, png_bytes


def _draw(fig, frame, lr=0.1, optimizer="sgd"):
    ax = fig.subplots()
    ax.plot(np.arange(10) * lr, label=optimizer)
    ax.set_title(f"frame {frame} lr {lr:g} {optimizer}")


def _scene(**kwargs):
    return Scene(_draw, [Control("frame", range(4)), Control("lr", (1e-3, 1.0), 0.1, log=True),
                         Control("optimizer", ["sgd", "adam"])], size=(6.4, 3.6), **kwargs)


def _title(fig):
    return fig.axes[0].get_title()


def test_house_figures_are_not_owned_by_pyplot():
    before = plt.get_fignums()
    for _ in range(25):
        fig, ax = new_figure(1, 2, width=4, height=3, layout="constrained")
        assert isinstance(fig, Figure) and len(ax) == 2
    fig, axes = new_mosaic([["a", "b"]], 4, 3)
    assert set(axes) == {"a", "b"}
    assert plt.get_fignums() == before
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_show_without_a_window_warns_and_registers_nothing():
    fig, _ = new_figure()
    before = plt.get_fignums()
    with pytest.warns(UserWarning, match="no window"):
        fig.show()
    assert plt.get_fignums() == before


def test_control_checks_values():
    with pytest.raises(ValueError, match="low < high"):
        Control("lr", (1.0, 0.1))
    with pytest.raises(ValueError, match="one of 'sgd', 'adam'"):
        Control("optimizer", ["sgd", "adam"], "newton")
    with pytest.raises(ValueError, match=r"in \[0.001, 1\]"):
        Control("lr", (1e-3, 1.0)).check(5)


def test_scene_steps_and_sets_from_code():
    scene = _scene()
    assert len(scene) == 4 and scene.index == 0
    assert scene.next().next().index == 2
    assert scene.previous().index == 1
    assert scene.last().index == 3 and scene.next().index == 3      # stays at the end
    assert scene.first().index == 0
    assert scene.step(-1).index == 3
    with pytest.raises(IndexError, match="4 frames"):
        scene.step(4)
    scene.set(lr=0.5, optimizer="adam")
    assert _title(scene.figure()) == "frame 3 lr 0.5 adam"
    assert _title(scene.figure(1)) == "frame 1 lr 0.5 adam"          # does not move the scene
    assert scene.index == 3
    with pytest.raises(ValueError, match="no control.*momentum"):
        scene.set(momentum=0.9)


def test_listeners_hear_every_change():
    scene, heard = _scene(), []
    scene.add_listener(lambda s: heard.append(dict(s.state)))
    scene.next().set(lr=0.2)
    assert [h["frame"] for h in heard] == [1, 1] and heard[-1]["lr"] == 0.2


def test_save_every_format(tmp_path):
    scene = _scene()
    png = scene.save(tmp_path / "now.png")
    gif = scene.save(tmp_path / "all.gif", fps=4)
    html = scene.save(tmp_path / "player.html")
    folder = scene.save(tmp_path / "frames")
    assert Image.open(png).size[0] > 100
    with Image.open(gif) as im:
        assert im.n_frames == 4 and im.size == (640, 360)
        assert im.info["duration"] == 250
    text = html.read_text()
    assert text.count("iVBORw0KGgo") == 1 + 4 and "http" not in text   # the first, then all 4; nothing online
    assert "ArrowRight" in text and '"max="3"' not in text and 'max="3"' in text
    assert sorted(p.name for p in folder.iterdir()) == [f"frame_{i:03d}.png" for i in range(4)]
    with pytest.raises(ValueError, match="end the name with"):
        scene.save(tmp_path / "x.jpeg")


def test_window_keys_buttons_and_sliders_drive_the_scene():
    before = plt.get_fignums()
    scene = _scene()
    window = SceneWindow(scene)
    assert window.figure.get_size_inches() == pytest.approx(scene.size)   # fits the slide
    window.press("right")
    window.press("right")
    assert scene.index == 2 and window.widgets["frame"].val == 2
    assert _title(window.picture) == "frame 2 lr 0.1 sgd"
    window.press("home")
    assert scene.index == 0
    window.widgets["frame"].set_val(3)                 # the student drags the slider
    assert scene.index == 3
    window.widgets["optimizer"].set_active(1)          # clicks "adam"
    assert scene.state["optimizer"] == "adam" and _title(window.picture).endswith("adam")
    scene.set(lr=0.01)                                 # code moves the log slider
    assert window.widgets["lr"].val == pytest.approx(-2) and window.widgets["lr"].valtext.get_text() == "0.01"
    scene.first()
    window.play_pause()
    for _ in range(5):
        window.tick()
    assert scene.index == 3 and not window._playing    # played to the end and stopped
    assert plt.get_fignums() == before


def test_notebook_widget_drives_the_scene():
    pytest.importorskip("ipywidgets", reason="ipywidgets is the [jupyter] extra")
    scene = _scene()
    box = scene.widget()
    first = box.image.value
    box.controls["lr"].value = 0.01
    assert scene.state["lr"] == pytest.approx(0.01) and box.image.value != first
    scene.set(optimizer="adam")
    assert box.controls["optimizer"].value == "adam"
    scene.next()
    assert box.controls["frame"].value == 1


def test_png_bytes_of_a_scene_frame_is_the_slide_size():
    scene = Scene(_draw, [Control("frame", range(2))])
    with Image.open(__import__("io").BytesIO(png_bytes(scene.figure(), tight=False))) as im:
        assert im.size == (1280, 720)


class _ClickedScene(Scene):
    """A scene that remembers where the mouse went, on a picture with two labelled Axes."""

    def __init__(self):
        super().__init__(self._draw_two, [Control("mode", ["a", "b"])], size=(6.4, 3.6),
                         actions={"clear": lambda: self.events.append(("clear",))})
        self.events = []

    @staticmethod
    def _draw_two(fig, mode):
        left, right = fig.subplots(1, 2)
        left.set_label("left")
        right.set_label("right")
        left.set_xlim(0, 10)
        left.set_ylim(0, 10)

    def on_press(self, name, x, y):
        self.events.append(("press", name, round(x), round(y)))

    def on_drag(self, name, x, y):
        self.events.append(("drag", name, round(x), round(y)))

    def on_release(self):
        self.events.append(("release",))


def test_window_routes_mouse_events_to_the_scene_in_data_coordinates():
    from matplotlib.backend_bases import MouseEvent
    scene = _ClickedScene()
    window = SceneWindow(scene)
    canvas = window.figure.canvas
    canvas.draw()
    left = next(ax for ax in window.picture.axes if ax.get_label() == "left")

    def send(kind, x, y, button=1):
        px, py = left.transData.transform((x, y))
        MouseEvent(kind, canvas, px, py, button=button)._process()
    send("motion_notify_event", 5, 5)                  # moving without a button: nothing
    send("button_press_event", 2, 3)
    send("motion_notify_event", 4, 6)
    send("button_release_event", 4, 6)
    assert scene.events == [("press", "left", 2, 3), ("drag", "left", 4, 6), ("release",)]
    window.widgets["clear"]._observers.process("clicked", None)   # the button "clear" is clicked
    assert scene.events[-1] == ("clear",)
