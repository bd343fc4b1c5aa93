"""Where a live view is shown while training runs: a window, a notebook output, or nowhere.

Each display follows the view (a Scene listener: every `refresh()` redraws it) and tells
the training loop whether it can wait for a key while paused (`alive`, `wait`).

    WindowDisplay     a matplotlib window (canvas.SceneWindow); space pauses / plays,
                      the right arrow runs one step; closing the window lets training go on
    NotebookDisplay   one output updated in place: ipywidgets (an image, a frame slider
                      and play / pause / step buttons over the frames drawn so far) or,
                      without ipywidgets, an image replaced in place
    OffscreenDisplay  each frame drawn to PNG bytes in memory (benchmarks, tests)

In Jupyter the kernel receives a button click only when no cell is running: the pause
and step buttons act on training started by train_live(view, ...), which runs beside the
notebook (background.py); a frame slider replays the frames drawn so far.
write_animation turns saved frames into a GIF (Pillow) or an MP4 (ffmpeg).
"""
import time
from pathlib import Path

from ..canvas import SceneWindow, in_notebook
from ..canvas.notebook import has_ipywidgets
from .background import in_training_thread

__all__ = ["open_display", "WindowDisplay", "NotebookDisplay", "OffscreenDisplay", "write_animation",
           "window_backend", "save_frame", "frame_png"]


def frame_png(view):
    """The view's current frame as PNG bytes, encoded fast (zlib level 1: a frame is shown
    once, so a quick encoding beats a small file; level 6 took a quarter of a frame)."""
    import io
    buffer = io.BytesIO()
    view.current_figure().savefig(buffer, format="png", dpi="figure", facecolor="white",
                                  pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def window_backend():
    """True when matplotlib can open a window (an interactive backend: TkAgg, QtAgg, ...)."""
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry
    interactive = {b.lower() for b in backend_registry.list_builtin(BackendFilter.INTERACTIVE)}
    return matplotlib.get_backend().lower() in interactive


def open_display(view, where):
    """The display for `where` ("auto", "window", "notebook", "offscreen", "none"), or None."""
    if where == "auto":
        where = "notebook" if in_notebook() else "window" if window_backend() else "none"
    if where == "window":
        return WindowDisplay(view)
    if where == "notebook":
        return NotebookDisplay(view)
    if where == "offscreen":
        return OffscreenDisplay(view)
    return None


class OffscreenDisplay:
    """Draws each frame as a notebook would (a PNG in memory) and shows it nowhere."""

    def __init__(self, view):
        self.view, self.last_png, self.frames = view, None, 0
        view.add_listener(self._draw)

    def _draw(self, view):
        self.last_png = frame_png(view)
        self.frames += 1

    def tick(self):
        pass

    def alive(self):
        return False

    def wait(self, seconds):
        time.sleep(seconds)

    def finish(self):
        pass


class WindowDisplay(OffscreenDisplay):
    """A window that follows the view; keys: space pause / play, right arrow one step."""

    def __init__(self, view):
        self.view = view
        self.window = SceneWindow(view)          # redraws itself on every refresh
        self.figure = self.window.figure
        self._open, self._last_pump = True, 0.0
        canvas = self.figure.canvas
        canvas.mpl_connect("key_press_event", lambda event: view.press(event.key))
        canvas.mpl_connect("close_event", lambda event: setattr(self, "_open", False))
        view.add_listener(lambda v: self._pump(force=True))
        if window_backend():
            self.window.show(block=False)

    def _pump(self, force=False):
        """Let the window draw and read its keys (at most every 0.1 s unless forced)."""
        now = time.perf_counter()
        if force or now - self._last_pump > 0.1:
            self.figure.canvas.draw_idle()
            self.figure.canvas.flush_events()
            self._last_pump = now

    def tick(self):
        self._pump()

    def alive(self):
        return self._open and window_backend()

    def wait(self, seconds):
        self.figure.canvas.start_event_loop(seconds)

    def finish(self):
        """Keep the window open on the last frame until it is closed (like plt.show())."""
        if self.view.keep_open and self.alive():
            import matplotlib.pyplot as plt
            plt.show(block=True)


class NotebookDisplay(OffscreenDisplay):
    """One output in Jupyter, updated in place (see the module docstring)."""

    def alive(self):
        """While paused, the loop may wait for a click only in view.train's background thread:
        in the cell's own thread no click can arrive until the cell ends."""
        return in_training_thread()

    def __init__(self, view):
        from IPython.display import Image, display
        self.view, self.pngs = view, []
        self.widgets = _frame_widgets(self) if has_ipywidgets() else None
        if self.widgets is None:
            self.handle = display(Image(data=frame_png(view)), display_id=True)
        else:
            display(self.widgets)
        view.add_listener(self._draw)

    def _draw(self, view):
        png = frame_png(view)
        self.pngs.append(png)
        if self.widgets is None:
            from IPython.display import Image
            self.handle.update(Image(data=png))
            return
        slider = self.widgets.slider
        following = slider.value == slider.max
        slider.max = len(self.pngs) - 1
        if following:
            slider.value = slider.max
            self.widgets.image.value = png


def _frame_widgets(display):
    """Training buttons over a replay of the frames drawn so far and the image.

    pause / resume and step act on the training loop: they reach it while it runs when it
    was started by train_live(view, ...) (a background thread, background.py); after a plain
    fit(..., live=True) cell they arrive when the cell has ended. The frame slider and
    its play button replay the frames drawn so far."""
    import ipywidgets as widgets
    view = display.view
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="1280px"))
    slider = widgets.IntSlider(value=0, min=0, max=0, description="frame", continuous_update=True)
    replay = widgets.Play(value=0, min=0, max=0, interval=250, description="replay the frames")
    widgets.jslink((replay, "value"), (slider, "value"))
    widgets.jslink((replay, "max"), (slider, "max"))

    def show(change):
        if 0 <= change["new"] < len(display.pngs):
            image.value = display.pngs[change["new"]]
    slider.observe(show, names="value")
    pause = widgets.Button(description="\u23f8 pause", layout=widgets.Layout(width="8em"))
    step = widgets.Button(description="step \u25b6|", layout=widgets.Layout(width="6em"),
                          tooltip="train one step, then pause")

    def label():
        pause.description = "\u25b6 resume" if view.paused else "\u23f8 pause"
    pause.on_click(lambda _: (view.toggle(), label()))
    step.on_click(lambda _: (view.step_once(), label()))
    box = widgets.VBox([widgets.HBox([pause, step, replay, slider]), image])
    box.image, box.slider, box.replay, box.pause, box.step = image, slider, replay, pause, step
    return box


def save_frame(view, step):
    """Write this step's frame to view.save_to/frame_<step>.png (for the animation at the end)."""
    from .record import measure
    view.save_to.mkdir(parents=True, exist_ok=True)
    path = view.save_to / f"frame_{step:06d}.png"
    if view.redraws == 0 or view._since_redraw:      # numbers not measured at this step yet
        measure(view.record, view.model, view.probe, view.validation, classify=view.classify,
                threshold=view._threshold)
    view.current_figure().save(path, bbox_inches=None)
    view.frames_saved.append(path)


def write_animation(frames, target, fps):
    """Saved frame PNGs -> an animated .gif (Pillow) or .mp4 (ffmpeg). Returns the Path."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".mp4":
        import shutil
        import subprocess
        if shutil.which("ffmpeg") is None:
            raise RuntimeError(f"cannot write {target.name}: .mp4 needs the ffmpeg program "
                               f"(e.g. apt install ffmpeg); save_as a .gif instead")
        pattern = Path(frames[0]).parent / "frame_*.png"
        subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-framerate", str(fps), "-pattern_type",
                        "glob", "-i", str(pattern), "-pix_fmt", "yuv420p", str(target)], check=True)
        return target
    if target.suffix.lower() != ".gif":
        raise ValueError(f"save_as must end with .gif or .mp4, got {target.name!r}")
    from PIL import Image
    images = [Image.open(p).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
              for p in frames]
    images[0].save(target, save_all=True, append_images=images[1:], loop=0,
                   duration=max(20, round(1000 / fps)), optimize=True)
    return target
