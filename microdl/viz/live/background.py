"""Training beside the notebook: why the pause and step buttons need it, and how.

A Jupyter kernel runs one cell at a time, and a button click is a message to the
kernel: while a cell is busy (`fit(..., live=True)` for five minutes) the click waits in
the queue until the cell ends. So `LiveView.train(...)` runs fit in a background thread
when it is called in a notebook: the cell returns at once, the kernel is free, and each
click reaches the view between two training steps (the view's update() reads `paused`
and waits there). In a script it simply runs fit.

    view = viz.LiveView(X, y)
    viz.train_live(view, model, loss_fn, optimizer, (X, y), epochs=200)   # returns at once in Jupyter
    ... the buttons pause, step, play; a later cell can call view.pause() too ...
    history = view.wait()                                       # the History when it is done
    view.stop()                                                 # or stop it after this step

Only the training thread draws the view's figure (a click only changes `paused`), so
the figure is never drawn by two threads at once.
"""
import threading

__all__ = ["BackgroundTraining", "TrainingStopped"]


class TrainingStopped(Exception):
    """Raised inside update() after view.stop(): ends fit at a step boundary."""


class BackgroundTraining:
    """One fit running in a daemon thread; `wait()` returns its History or raises its error."""

    def __init__(self, run):
        self.history, self.error, self.stopped = None, None, False
        self.thread = threading.Thread(target=self._main, args=(run,), daemon=True,
                                       name="microdl live training")
        self.thread.start()

    def __repr__(self):
        state = "running" if self.running else "stopped" if self.stopped else "done"
        return f"BackgroundTraining({state})"

    def _main(self, run):
        try:
            self.history = run()
        except TrainingStopped:
            self.stopped = True
        except BaseException as error:      # kept for wait(): a thread cannot raise into the cell
            self.error = error

    @property
    def running(self):
        return self.thread.is_alive()

    def wait(self, timeout=None):
        """Block until training ends (or `timeout` seconds); the History, None if stopped."""
        self.thread.join(timeout)
        if self.error is not None:
            raise self.error
        return self.history


def in_training_thread():
    """True inside the background thread (update() may then wait for a click)."""
    return threading.current_thread().name == "microdl live training"
