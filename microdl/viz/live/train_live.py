"""train_live: fit with a live view, beside the notebook so its buttons work.

    view = viz.LiveView(X, y)
    viz.train_live(view, model, loss_fn, optimizer, (X, y), epochs=5)   # Jupyter: returns at once
    history = view.wait()

A function, not a LiveView method: train.py's fit(live=True) makes a LiveView, so a
LiveView that called fit would tie the two files in a circle.
"""
from ...train import fit
from ..canvas import in_notebook
from .background import BackgroundTraining

__all__ = ["train_live"]


def train_live(view, model, loss_fn, optimizer, train_data, background=None, **fit_options):
    """fit(model, loss_fn, optimizer, train_data, live=view, **fit_options). In Jupyter (or
    background=True) it runs in a background thread and returns the view at once: the
    buttons and view.pause() / step_once() / play() / stop() act while it trains, and
    view.wait() returns the History. Elsewhere it runs here and returns the History."""
    if view.running:
        raise RuntimeError("this view is still training: view.wait() or view.stop() first")
    if not (in_notebook() if background is None else background):
        view._history = fit(model, loss_fn, optimizer, train_data, live=view, **fit_options)
        return view._history
    fit_options.setdefault("progress", False)        # a bar from a thread lands in no cell
    if isinstance(train_data, (tuple, list)):
        view.attach(train_data[0], train_data[1], fit_options.get("validation"), replace=False)
    view._first_update(model)                        # the output opens in this cell
    view._background = BackgroundTraining(
        lambda: fit(model, loss_fn, optimizer, train_data, live=view, **fit_options))
    return view
