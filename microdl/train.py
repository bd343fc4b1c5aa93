"""The training loop: `fit` and the `History` that plots read (`evaluate` and `predict`
live in inference.py, gradient norms and dead ReLUs in diagnostics.py; all are here too).

One loop for both engines. A scalar MLP gets one example at a time (a list of floats)
and returns Values; a tensor model gets the whole batch as a Tensor. What the loop
does is the lesson itself:

    for each epoch:                       one pass over the data
        for each batch:                   one iteration
            loss = loss_fn(model(X), y)   forward
            optimizer.zero_grad()         gradients accumulate: clear them
            loss.backward()               backward
            optimizer.step()              p <- p - lr * dL/dp

Written out by hand it is just as short; `fit` adds the progress bar, the history,
validation, and (on request) per-layer gradient norms and dead-ReLU counts.
"""
import math

from .data.loader import DataLoader
from .diagnostics import dead_relu_fractions, layer_gradient_norms, parameter_groups
from .inference import (_number, _pair, accuracy, check_data, check_loss, evaluate, forward,
                        is_scalar_model, model_input_size, outputs_to_array, predict, predict_classes)
from .progress import progress_display

# fit's own names, and the ones it hands on from inference.py and diagnostics.py, so that
# `train.predict`, `train.evaluate` and `train.dead_relu_fractions` keep working
__all__ = ["fit", "History", "evaluate", "predict", "accuracy", "predict_classes", "forward",
           "outputs_to_array", "is_scalar_model", "check_data", "check_loss", "model_input_size",
           "parameter_groups", "layer_gradient_norms", "dead_relu_fractions"]


class History:
    """What happened during training, for printing and plotting.

    iteration   {'loss', 'accuracy', 'examples_seen', 'lr'}: one entry per iteration
    epoch       {'loss', 'accuracy', 'val_loss', 'val_accuracy'}: one entry per epoch
    grad_norms  {layer: [norm per iteration]} when fit(track_gradients=True)
    dead_relu   {layer: [fraction of ReLU units never active, per epoch]} likewise
    """

    def __init__(self, iterations_per_epoch=0):
        self.iteration = {"loss": [], "accuracy": [], "examples_seen": [], "lr": []}
        self.epoch = {}
        self.grad_norms = {}
        self.dead_relu = {}
        self.iterations_per_epoch = iterations_per_epoch

    def log_epoch(self, **values):
        for name, value in values.items():
            if value is not None:
                self.epoch.setdefault(name, []).append(value)

    def __repr__(self):
        parts = [f"{len(self.iteration['loss'])} iterations"]
        parts += [f"{name} {values[-1]:.4g}" for name, values in self.epoch.items() if values]
        return f"History({', '.join(parts)})"


def fit(model, loss_fn, optimizer, data, epochs=1, *, batch_size=32, shuffle=True, seed=None,
        validation=None, scheduler=None, progress=None, track_gradients=False, threshold=0.0,
        classify=True, live=None):
    """Train `model` on `data` ((X, y) arrays or a DataLoader) and return a History.

    batch_size=1 is stochastic gradient descent, None full-batch gradient descent,
    anything between mini-batch. track_gradients: record per-layer gradient norms every
    iteration and the fraction of dead ReLUs every epoch. classify=False for regression
    (no accuracy).

    progress shows ONE line for the whole run: epoch k/N, a bar, the running loss and
    accuracy of the epoch, and the validation accuracy after each epoch.
      None (default)  in Jupyter: one output updated in place (kept when the notebook is
                      saved); on a terminal: one tqdm bar on stderr; otherwise (a pipe, CI,
                      tests): nothing.
      True            as None, but off a terminal one short line per epoch on stderr.
      False           nothing.
    live: True (or a viz.LiveView, or any object with update / log_epoch / close) draws the
    model while it trains: curves, boundary or examples, gradient health, weights.
    A RuntimeWarning, once per run, says when the loss becomes inf/nan or grows more than
    1000-fold over its first value: the learning rate is too large.
    """
    if isinstance(data, DataLoader):
        check_data(model, data.X, data.y)
    else:
        X, y = _pair(data, "fit")
        check_data(model, X, y)
    check_loss(model, loss_fn)
    loader = data if isinstance(data, DataLoader) else DataLoader(X, y, batch_size=batch_size,
                                                                     shuffle=shuffle, seed=seed)
    history = History(len(loader))
    probe = _probe_batch(loader)
    seen, warned = 0, False
    display = progress_display(progress, epochs, len(loader))
    live = _live_view(live, loader, validation, classify)
    model.train()
    for epoch in range(1, epochs + 1):
        epoch_loss = epoch_correct = epoch_count = 0.0
        for Xb, yb in loader:
            outputs = forward(model, Xb)
            loss = loss_fn(outputs, yb)
            optimizer.zero_grad()
            loss.backward()
            if track_gradients:
                for name, norm in layer_gradient_norms(model).items():
                    history.grad_norms.setdefault(name, []).append(norm)
            optimizer.step()

            n, value = len(Xb), _number(loss)
            seen += n
            batch_accuracy = accuracy(outputs, yb, threshold) if classify else None
            history.iteration["loss"].append(value)
            history.iteration["examples_seen"].append(seen)
            history.iteration["lr"].append(optimizer.lr)
            if classify:
                history.iteration["accuracy"].append(batch_accuracy)
                epoch_correct += batch_accuracy * n
            epoch_loss += value * n
            epoch_count += n
            if not warned and _diverging(value, history.iteration["loss"][0]):
                warned = _warn_diverged(value, history.iteration["loss"][0], optimizer, epoch)
            if live is not None:
                live.update(model, loss=value, step=len(history.iteration["loss"]),
                            accuracy=batch_accuracy, epoch=epoch)
            display.iteration(epoch, {"loss": epoch_loss / epoch_count,  # the epoch so far
                                      "accuracy": epoch_correct / epoch_count if classify else None,
                                      **_validation_shown(history)})
        if scheduler is not None:
            scheduler.step()
        record = {"loss": epoch_loss / epoch_count,
                  "accuracy": epoch_correct / epoch_count if classify else None}
        if validation is not None:
            scores = evaluate(model, loss_fn, validation, threshold=threshold)
            record["val_loss"] = scores["loss"]
            record["val_accuracy"] = scores["accuracy"] if classify else None
        history.log_epoch(**record)
        if track_gradients:
            for name, fraction in dead_relu_fractions(model, probe).items():
                history.dead_relu.setdefault(name, []).append(fraction)
        display.epoch_end(epoch, {"loss": record["loss"], "accuracy": record["accuracy"],
                                  **_validation_shown(history)})
        if live is not None:
            live.log_epoch(epoch, **record)
    display.close()
    if live is not None:
        live.close()
    return history


def _live_view(live, loader, validation, classify):
    """The live view fit draws on: None, a new viz.LiveView (live=True), or the one given."""
    if live is None or live is False:
        return None
    if live is True:
        from .viz.live import LiveView   # only now: `import microdl` never loads matplotlib
        live = LiveView(classify=classify)
    if hasattr(live, "attach"):
        live.attach(loader.X, loader.y, validation, replace=False)
    return live


# --- helpers -------------------------------------------------------------------------------------


def _probe_batch(loader, size=256):
    """The first examples of the data: where dead ReLUs are counted each epoch."""
    return loader.X[:size]


def _validation_shown(history):
    """The validation score the progress line shows: accuracy, or the loss for regression."""
    for name in ("val_accuracy", "val_loss"):
        if history.epoch.get(name):
            return {name: history.epoch[name][-1]}
    return {}


def _diverging(value, first):
    """inf/nan, or more than 1000 times the first loss (and more than 1): gone off the rails."""
    return not math.isfinite(value) or abs(value) > 1e3 * max(abs(first), 1e-3)


def _warn_diverged(value, first, optimizer, epoch):
    import warnings
    lr = _learning_rate(optimizer)
    warnings.warn(f"training is diverging in epoch {epoch}: the loss went from {first:.4g} to "
                  f"{value:.4g}. The learning rate lr={lr:g} is too large for this model and data; "
                  f"try lr={lr / 10:g} (10x smaller), or normalise the inputs",
                  RuntimeWarning, stacklevel=3)
    return True


def _learning_rate(optimizer):
    """The optimizer's learning rate: `.lr`, or the first of PyTorch-style `param_groups`."""
    if hasattr(optimizer, "lr"):
        return optimizer.lr
    return optimizer.param_groups[0]["lr"]
