"""LiveView: the student's own model, drawn while it trains.

    view = viz.LiveView(X, y, validation=(X_test, y_test))
    for step in range(1, 501):
        ...forward, zero_grad, backward, step...
        view.update(model, loss=loss, step=step)
    view.close()                    # the last frame; the GIF / MP4 when save_every= was given

or simply `train.fit(model, loss_fn, optimizer, (X, y), live=True)`, or, in Jupyter, where
the pause / step buttons must reach a loop that is running (background.py):

    view = viz.LiveView(X, y)
    viz.train_live(view, model, loss_fn, optimizer, (X, y), epochs=200)   # the cell returns at once

A LiveView is a Scene without controls: every redraw is a `refresh()` that the open views
follow, drawn in place on one figure. It redraws every `every` steps; every="auto" picks
the interval from the measured redraw and step times so that redrawing costs at most
`budget` (20 %) of the training time, the first and the last frame included.

Where it is shown (`show=`):
    "auto"      Jupyter: one output updated in place (with ipywidgets: pause / play and
                step buttons that act on training started by train_live(view, ...), and a slider
                over the frames drawn so far); a script with a window backend: a window
                (space: pause / play, right arrow: one step); else nothing (headless)
    "window", "notebook", "none"   that one
    "offscreen" draw each frame to an image in memory only (benchmarks, tests)
keep_open: a window stays open on the last frame after close() until it is closed.
save_every=k writes every k-th step's frame to `save_to` (a folder, default live_frames/);
close() then writes `save_as` (default save_to/training.gif; .mp4 needs ffmpeg).
"""
import math
import time
from pathlib import Path

import numpy as np

from ..boundary import _ends_in_sigmoid
from ..canvas import Scene
from .background import TrainingStopped, in_training_thread
from .layout import choose_panels, draw_frame
from .record import LiveRecord, measure, number, sample
from .showing import open_display, save_frame

__all__ = ["LiveView"]

PROBE = 256                 # examples used to measure accuracy and dead ReLUs
PICTURE_POINTS = 300        # points drawn on the decision boundary


class LiveView(Scene):
    """A live training view (see the module docstring)."""


    def __init__(self, X=None, y=None, *, validation=None, panels="auto", every="auto", budget=0.2,
                 show="auto", save_every=None, save_to="live_frames", save_as=None, class_names=None,
                 classify=True, keep_open=True, size=(12.8, 7.2), dpi=100, fps=4):
        super().__init__(lambda fig: draw_frame(fig, self), size=size, dpi=dpi, fps=fps)
        if every != "auto" and (not isinstance(every, int) or every < 1):
            raise ValueError(f"every must be 'auto' or a whole number of steps >= 1, got {every!r}")
        if save_every is not None and (not isinstance(save_every, int) or save_every < 1):
            raise ValueError(f"save_every must be a whole number of steps >= 1, got {save_every!r}")
        if show not in ("auto", "window", "notebook", "none", "offscreen"):
            raise ValueError(f"show must be 'auto', 'window', 'notebook', 'offscreen' or 'none'; got {show!r}")
        self.every, self.budget, self.show_where, self.keep_open = every, budget, show, keep_open
        self.save_every, self.save_to, self.save_as = save_every, Path(save_to), save_as
        self.class_names, self.classify, self.requested_panels = class_names, classify, panels
        self.record, self.model, self.panels, self.last_loss = LiveRecord(), None, None, None
        self.paused, self._steps_to_run = False, None
        self.redraws, self.frames_saved, self.redraw_seconds = 0, [], 0.0
        self._display, self._interval, self._since_redraw = None, 1, 0
        self._train_seconds, self._last_return, self._last_redraw_seconds = 0.0, None, 0.0
        self._stage, self._changed, self._background, self._stop = None, False, None, False
        self._history = None
        self.attach(X, y, validation)

    def __repr__(self):
        return f"LiveView({self.record.step} steps, panels={self.panels}, every {self._interval}, {self.redraws} redraws)"

    # --- data ----------------------------------------------------------------------------------
    def attach(self, X=None, y=None, validation=None, replace=True):
        """Give the view its data; replace=False only fills in what it lacks (fit does this)."""
        if not hasattr(self, "X"):
            self.X = self.y = self.validation = None
            self.probe = (None, None)
        if X is not None and (replace or self.X is None):
            self.X = np.asarray(getattr(X, "data", X))
            self.y = None if y is None else np.asarray(getattr(y, "data", y))
            self.probe = sample(self.X, self.y, PROBE)
        if validation is not None and (replace or self.validation is None):
            Xv, yv = (np.asarray(getattr(part, "data", part)) for part in validation)
            self.validation = sample(Xv, yv, PROBE)
        return self

    @property
    def picture_data(self):
        """The examples the boundary / the image strip shows: validation if given, else training."""
        X, y = self.validation if self.validation is not None else self.probe
        if X is not None and X.ndim == 2:
            return sample(X, y, PICTURE_POINTS)
        return X, y

    resolution = 80      # grid points per side of the boundary (a scalar model's runs through NumPy too)

    # --- the training loop calls these -----------------------------------------------------------
    def update(self, model, loss=None, step=None, accuracy=None, epoch=None):
        """Record this step; redraw when it is time. Returns the view.

        loss: the step's loss (a Value, a Tensor or a number); step: the step number
        (default: one more than the last); accuracy: the batch's accuracy, when known.
        """
        if self._stop:
            self._stop = False
            raise TrainingStopped(f"training stopped by view.stop() after step {self.record.step}")
        started = time.perf_counter()
        if self._last_return is not None:
            self._train_seconds += started - self._last_return
        self._first_update(model)
        step = self.record.step + 1 if step is None else int(step)
        self.record.add_step(step, number(loss), accuracy)
        self.record.epoch = epoch if epoch is not None else self.record.epoch
        self.last_loss = loss
        self._since_redraw += 1
        if step % max(1, min(self._interval // 10, 50)) == 0:   # ~10 gradient samples a redraw
            self.record.sample_gradients(model)
        if self._redraw_due():
            self._redraw()
        if self.save_every and step % self.save_every == 0:
            save_frame(self, step)
        if self._display is not None:
            self._display.tick()
        self._wait_while_paused()
        self._last_return = time.perf_counter()
        return self

    def log_epoch(self, epoch, val_loss=None, val_accuracy=None, **_):
        """After an epoch: validation results computed by the loop (fit) go on the curves."""
        self.record.epoch = epoch
        self._changed = True
        if val_loss is not None or val_accuracy is not None:
            self.record.add_validation(self.record.step, val_loss, val_accuracy)

    def close(self):
        """The last frame, and the animation of saved frames. Returns the animation's path or None."""
        if self.model is None:
            return None
        if self._since_redraw or self._changed:        # the last frame, unless it is on screen already
            self._redraw(final=True)
        if self._display is not None:
            self._display.finish()
        if self.save_every and self.frames_saved:
            from .showing import write_animation
            target = Path(self.save_as) if self.save_as else self.save_to / "training.gif"
            return write_animation(self.frames_saved, target, self.fps)
        return None

    def update_in_place(self, fig, **state):
        """Every frame is drawn in place: layout.draw_frame keeps the Axes between frames."""
        self.draw(fig)
        return True

    def current_figure(self):
        """The view's own Figure with the current state drawn on it. Unlike `figure()` (a new
        Figure each call), it is made once and redrawn in place: what the displays show."""
        if self._stage is None:
            from ..canvas import Figure
            self._stage = Figure(figsize=self.size, dpi=self.dpi)
        return self.draw(self._stage)

    # --- pause, play, step: keys and buttons call these ------------------------------------------
    def pause(self):
        self.paused = True
        self._steps_to_run = None
        if not self.running:           # else the training thread draws the paused frame itself
            self.refresh()
        return self

    def play(self):
        self.paused, self._steps_to_run = False, None
        return self

    def toggle(self):
        return self.play() if self.paused else self.pause()

    def step_once(self):
        """Let the training loop run one more step, then pause."""
        self.paused, self._steps_to_run = True, 1
        return self

    def press(self, key):
        """A key as the window would send it: space pauses / plays, right arrow steps."""
        if key == " ":
            self.toggle()
        elif key == "right":
            self.step_once()

    @property
    def running(self):
        """True while train_live(...) trains in the background."""
        return self._background is not None and self._background.running

    def wait(self, timeout=None):
        """Wait for background training to end: its History (None if stopped); after
        training in the foreground, that History."""
        return self._history if self._background is None else self._background.wait(timeout)

    def stop(self):
        """End background training after the current step (fit stops; the view stays)."""
        if self.running:
            self._stop = True
            self.play()
        return self

    # --- inside ------------------------------------------------------------------------------------------
    def _first_update(self, model):
        if self.model is None:
            self.model = model
            self.panels = (choose_panels(model, self.X, self.classify) if self.requested_panels == "auto"
                           else list(self.requested_panels))
            self._threshold = 0.5 if _ends_in_sigmoid(model) else 0.0
            self._display = open_display(self, self.show_where)
            if self.every != "auto":
                self._interval = self.every
        self.model = model

    def _redraw(self, final=False):
        started = time.perf_counter()
        measure(self.record, self.model, self.probe, self.validation, classify=self.classify,
                threshold=self._threshold)
        if self._display is not None:
            self.refresh()                       # every open view draws the new state
        self.redraws += 1
        self._since_redraw, self._changed = 0, False
        spent = time.perf_counter() - started
        self.redraw_seconds += spent
        self._last_redraw_seconds = spent
        if self.every == "auto" and not final:
            self._interval = self._choose_interval(spent)

    def _redraw_due(self):
        if self.redraws == 0 or self.paused:
            return True
        if self._since_redraw < self._interval:
            return False
        if self.every != "auto" or self._within_budget():
            return True
        # the forecast was too early (after the first step the step time is not known yet)
        self._interval = max(self._interval, self._choose_interval(self._last_redraw_seconds))
        return False

    def _within_budget(self):
        """The interval is a forecast; this is the account. Redraw only if every redraw so
        far, this one and the last frame close() must draw stay within `budget` of the
        training time: spent + 2 * last frame <= budget * training seconds. So the first
        frame (which also loads fonts) and the last one are paid for, and a run too short
        to afford more frames draws only those two."""
        affordable = self.budget * self._train_seconds
        return self.redraw_seconds + 2 * self._last_redraw_seconds <= affordable

    def _choose_interval(self, redraw_seconds):
        """Steps between redraws so that redrawing costs at most `budget` of the time:
        redraw / (redraw + interval * step) <= budget."""
        steps = max(1, len(self.record.steps) - 1)
        step_seconds = self._train_seconds / steps if self._train_seconds else 0.0
        if step_seconds <= 0:
            return max(self._interval, 1)
        needed = redraw_seconds * (1 - self.budget) / (self.budget * step_seconds)
        return max(1, math.ceil(needed))

    def _wait_while_paused(self):
        """Block the training loop while paused (the window or buttons keep working);
        a step request lets exactly one step through."""
        background = in_training_thread()          # a click can come: a window, or the notebook
        while self.paused and not self._stop and (background or (self._display and self._display.alive())):
            if self._steps_to_run:
                self._steps_to_run = 0
                return
            self._display.wait(0.05) if self._display and not background else time.sleep(0.05)
