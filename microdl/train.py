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
from .stopping import LastGoodStep, check_finite_data, why_not_finite

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
    stopped     None, or why training stopped early (a nan/inf loss, Ctrl-C): one line
    interrupted True if Ctrl-C (KeyboardInterrupt) stopped it
    """

    def __init__(self, iterations_per_epoch=0):
        self.iteration = {"loss": [], "accuracy": [], "examples_seen": [], "lr": []}
        self.epoch = {}
        self.grad_norms = {}
        self.dead_relu = {}
        self.iterations_per_epoch = iterations_per_epoch
        self.stopped = None         # why training stopped early (one line), None if it did not
        self.interrupted = False    # True if Ctrl-C stopped it

    def log_epoch(self, **values):
        for name, value in values.items():
            if value is not None:
                self.epoch.setdefault(name, []).append(value)

    def __repr__(self):
        parts = [f"{len(self.iteration['loss'])} iterations"]
        parts += [f"{name} {values[-1]:.4g}" for name, values in self.epoch.items() if values]
        if self.stopped:
            parts.append("interrupted" if self.interrupted else "stopped early: see .stopped")
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

    When training goes wrong, nothing learnt is lost:
      - nan/inf in X or y is refused before training (a ValueError: the data, not the lr);
      - a RuntimeWarning, once per run, says when the loss grows more than 1000-fold over
        its first value: the learning rate is too large (before the loss reaches inf);
      - a nan/inf loss stops training at once, with a RuntimeWarning saying why (the data,
        the weights, the outputs or the loss function), and the model back at the weights
        of the last finite loss;
      - Ctrl-C (KeyboardInterrupt) returns the History of the finished iterations, the
        model at its last finished step.
    history.stopped then says why in one line (None after a full run); history.interrupted
    is True after Ctrl-C. Epochs cut short get no entry in history.epoch.
    """
    if isinstance(data, DataLoader):
        check_data(model, data.X, data.y)
        check_finite_data(data.X, data.y)
    else:
        X, y = _pair(data, "fit")
        check_data(model, X, y)
        check_finite_data(X, y)
    check_loss(model, loss_fn)
    loader = data if isinstance(data, DataLoader) else DataLoader(X, y, batch_size=batch_size,
                                                                     shuffle=shuffle, seed=seed)
    history = History(len(loader))
    probe = _probe_batch(loader)
    display = progress_display(progress, epochs, len(loader))
    live = _live_view(live, loader, validation, classify)
    run = _Run(model, loss_fn, optimizer, history, display, live, classify, threshold, track_gradients)
    model.train()
    epoch = 0
    try:
        for epoch in range(1, epochs + 1):
            record = run.epoch(loader, epoch)
            if record is None:
                break    # a nan/inf loss: run.stop said why
            if scheduler is not None:
                scheduler.step()
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
    except KeyboardInterrupt:
        run.interrupted(epoch, epochs)
    finally:
        display.close()
        if live is not None:
            live.close()
    return history


class _Run:
    """One fit() call's iterations: the loop body, and what happens when it stops early."""

    def __init__(self, model, loss_fn, optimizer, history, display, live, classify, threshold,
                 track_gradients):
        self.model, self.loss_fn, self.optimizer, self.history = model, loss_fn, optimizer, history
        self.display, self.live, self.classify, self.threshold = display, live, classify, threshold
        self.track_gradients = track_gradients
        self.last_good = LastGoodStep(model, optimizer)
        self.seen, self.warned = 0, False

    def epoch(self, loader, epoch):
        """One pass over the data: the epoch's record, or None if a nan/inf loss stopped it."""
        total_loss = total_correct = count = 0.0
        history = self.history.iteration
        for Xb, yb in loader:
            outputs = forward(self.model, Xb)
            loss = self.loss_fn(outputs, yb)
            self.optimizer.zero_grad()
            loss.backward()           # first: it explains a loss that is not one number
            value = _number(loss)
            if not math.isfinite(value):
                self.stop(value, epoch, Xb, yb, outputs)
                return None
            if self.track_gradients:
                for name, norm in layer_gradient_norms(self.model).items():
                    self.history.grad_norms.setdefault(name, []).append(norm)
            self.last_good.save(len(history["loss"]))  # to undo this step (Ctrl-C, nan after it)
            self.optimizer.step()

            n = len(Xb)
            self.seen += n
            batch_accuracy = accuracy(outputs, yb, self.threshold) if self.classify else None
            history["loss"].append(value)
            history["examples_seen"].append(self.seen)
            history["lr"].append(self.optimizer.lr)
            if self.classify:
                history["accuracy"].append(batch_accuracy)
                total_correct += batch_accuracy * n
            self.last_good.stepping = False   # the step and its record are complete
            total_loss += value * n
            count += n
            if not self.warned and _diverging(value, history["loss"][0]):
                self.warned = _warn_diverged(value, history["loss"][0], self.optimizer, epoch)
            if self.live is not None:
                self.live.update(self.model, loss=value, step=len(history["loss"]),
                                 accuracy=batch_accuracy, epoch=epoch)
            self.display.iteration(epoch, {"loss": total_loss / count,   # the epoch so far
                                           "accuracy": total_correct / count if self.classify else None,
                                           **_validation_shown(self.history)})
        return {"loss": total_loss / count, "accuracy": total_correct / count if self.classify else None}

    def stop(self, value, epoch, Xb, yb, outputs):
        """A nan/inf loss: say why, and put back the weights of the last finite loss."""
        import warnings
        losses, iteration = self.history.iteration["loss"], len(self.history.iteration["loss"]) + 1
        reason = why_not_finite(Xb, yb, outputs, self.last_good.parameters,
                                _learning_rate(self.optimizer), stepped=bool(losses),
                                growing=self.warned)
        data_at_fault = reason.startswith(("the input batch", "the targets"))
        if not data_at_fault and self.last_good.restore():
            kept = (f"the model is back at the weights of iteration {iteration - 1} (loss "
                    f"{losses[-1]:.4g})")
        elif losses:
            kept = f"the model keeps the weights after iteration {iteration - 1}"
        else:
            kept = "no step was taken: the starting weights already give this loss"
        self.history.stopped = (f"stopped in epoch {epoch} at iteration {iteration}: the loss is "
                                f"{value}; {reason}; {kept}")
        warnings.warn(f"training {self.history.stopped}", RuntimeWarning, stacklevel=4)

    def interrupted(self, epoch, epochs):
        """Ctrl-C: undo a step cut in the middle, mark the history, say so in one line."""
        import sys
        finished = self.last_good.iterations_before if self.last_good.stepping else None
        if self.last_good.stepping:
            self.last_good.restore()
            for values in (*self.history.iteration.values(), *self.history.grad_norms.values()):
                del values[finished:]   # a record begun for the undone step
        done = len(self.history.iteration["loss"])
        self.history.interrupted = True
        self.history.stopped = (f"interrupted (Ctrl-C) in epoch {epoch}/{epochs} after "
                                f"{done} finished iterations; the model holds the weights of the "
                                f"last one")
        print(f"fit: {self.history.stopped}", file=sys.stderr)


def _live_view(live, loader, validation, classify):
    """The live view fit draws on: None, a new viz.LiveView (live=True), or the one given."""
    if live is None or live is False:
        return None
    if live is True:
        from .viz.live.view import LiveView   # only now: `import microdl` never loads matplotlib
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
    """More than 1000 times the first loss (and more than 1): going off the rails."""
    return abs(value) > 1e3 * max(abs(first), 1e-3)


def _warn_diverged(value, first, optimizer, epoch):
    import warnings
    lr = _learning_rate(optimizer)
    warnings.warn(f"training is diverging in epoch {epoch}: the loss went from {first:.4g} to "
                  f"{value:.4g}. The learning rate lr={lr:g} is too large for this model and data; "
                  f"try lr={lr / 10:g} (10x smaller), or normalise the inputs",
                  RuntimeWarning, stacklevel=4)   # the user's fit(...) line
    return True


def _learning_rate(optimizer):
    """The optimizer's learning rate: `.lr`, or the first of PyTorch-style `param_groups`."""
    if hasattr(optimizer, "lr"):
        return optimizer.lr
    return optimizer.param_groups[0]["lr"]
