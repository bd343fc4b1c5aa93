"""The training loop: `fit`, `evaluate`, `predict`, and the `History` that plots read.

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
import sys

import numpy as np

from .autodiff import no_grad
from .data.loader import DataLoader
from .nn.module import evaluation_mode
from .nn.walk import layer_outputs
from .tensor import Tensor
from .value import Value


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


def is_scalar_model(model):
    """True for a model built from Values (microdl.nn.MLP), False for Tensor layers."""
    params = model.parameters()
    return bool(params) and isinstance(params[0], Value)


def forward(model, X):
    """Run the model on a batch X (an array): a list of outputs (scalar) or a Tensor."""
    if is_scalar_model(model):
        return [model(row) for row in np.asarray(X, dtype=float).tolist()]
    return model(X if isinstance(X, Tensor) else Tensor(X))


def outputs_to_array(outputs):
    """Model outputs as a NumPy array: (n,) for one output per example, else (n, K)."""
    if isinstance(outputs, Tensor):
        return outputs.data
    rows = [[v.data for v in o] if isinstance(o, (list, tuple)) else o.data for o in outputs]
    return np.asarray(rows, dtype=float)


def predict_classes(outputs, threshold=0.0):
    """Class predictions from outputs: argmax of several scores, or score > threshold for one.

    Use threshold=0 for logits and hinge scores, 0.5 for sigmoid probabilities.
    """
    scores = outputs_to_array(outputs)
    if scores.ndim == 2 and scores.shape[1] > 1:
        return scores.argmax(axis=1)
    return (scores.reshape(len(scores)) > threshold).astype(np.int64)


def accuracy(outputs, y, threshold=0.0):
    """Fraction of correct predictions; labels -1/+1 count as 0/1."""
    y = np.asarray(y).reshape(-1)
    if np.any(y < 0):  # -1 / +1 labels
        y = y > 0
    return float(np.mean(predict_classes(outputs, threshold) == y.astype(np.int64)))


def predict(model, X, batch_size=256):
    """Outputs for X as a NumPy array, without recording a graph, in eval mode."""
    with evaluation_mode(model), no_grad():
        parts = [outputs_to_array(forward(model, X[i:i + batch_size])) for i in range(0, len(X), batch_size)]
    return np.concatenate(parts) if parts else np.zeros(0)


def evaluate(model, loss_fn, data, batch_size=256, threshold=0.0):
    """Average loss and accuracy on (X, y), in eval mode, without recording a graph."""
    X, y = data
    total_loss, correct = 0.0, 0.0
    with evaluation_mode(model), no_grad():
        for start in range(0, len(X), batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            outputs = forward(model, Xb)
            total_loss += _number(loss_fn(outputs, yb)) * len(Xb)
            correct += accuracy(outputs, yb, threshold) * len(Xb)
    return {"loss": total_loss / len(X), "accuracy": correct / len(X)}


def fit(model, loss_fn, optimizer, data, epochs=1, *, batch_size=32, shuffle=True, seed=None,
        validation=None, scheduler=None, progress=None, track_gradients=False, threshold=0.0,
        classify=True):
    """Train `model` on `data` ((X, y) arrays or a DataLoader) and return a History.

    batch_size=1 is stochastic gradient descent, None full-batch gradient descent,
    anything between mini-batch. progress: None (a bar when printing to a terminal),
    True or False. track_gradients: record per-layer gradient norms every iteration and
    the fraction of dead ReLUs every epoch. classify=False for regression (no accuracy).
    """
    loader = data if isinstance(data, DataLoader) else DataLoader(*data, batch_size=batch_size,
                                                                     shuffle=shuffle, seed=seed)
    history = History(len(loader))
    probe = _probe_batch(loader)
    seen = 0
    model.train()
    for epoch in range(1, epochs + 1):
        bar = _progress_bar(progress, len(loader), f"epoch {epoch}/{epochs}")
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
            if not math.isfinite(value):
                _warn_diverged(value, optimizer)
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
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{value:.4f}", **({"acc": f"{batch_accuracy:.3f}"} if classify else {}))
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
        if bar is not None:
            bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in history.epoch.items()})
            bar.close()
    return history


# --- looking inside: gradient norms per layer, dead ReLUs ----------------------------------

def parameter_groups(model):
    """{layer name: its parameters}: the model's direct children that hold parameters
    (the layers of a Sequential or a scalar MLP), or the model itself."""
    groups = {_layer_name(name, child): child.parameters()
              for name, child in model.named_children() if child.parameters()}
    return groups or {type(model).__name__: model.parameters()}


def layer_gradient_norms(model):
    """{layer name: sqrt(sum of squared gradients of its parameters)}."""
    norms = {}
    for name, params in parameter_groups(model).items():
        total = sum(float(np.sum(np.square(p.grad))) for p in params if p.requires_grad)
        norms[name] = math.sqrt(total)
    return norms


def dead_relu_fractions(model, X):
    """{ReLU layer: fraction of its units that output 0 for every example in X}.

    A dead unit passes no gradient back (relu'(x) = 0 for x <= 0), so it never learns.
    Works for models with a `.layers` list (Sequential, scalar MLP).
    """
    if not getattr(model, "layers", None) or X is None:
        return {}
    fractions = {}
    for name, layer, output in layer_outputs(model, X):
        active = _relu_activity(layer, output)
        if active is not None:
            fractions[_layer_name(name, layer)] = float(1.0 - active.mean())
    return fractions


def _layer_name(name, layer):
    """How histories name a layer: its place in the model and its kind, '3 (Conv2d)'."""
    return f"{name} ({type(layer).__name__})"


def _relu_activity(layer, output):
    """Per unit: was it ever > 0 on the batch? None if the layer is not a ReLU."""
    if type(layer).__name__ == "ReLU":
        return (output.data > 0).any(axis=0).reshape(-1)
    neurons = getattr(layer, "neurons", None)
    if neurons and neurons[0].activation == "relu":
        rows = [[v.data for v in (o if isinstance(o, list) else [o])] for o in output]
        return (np.asarray(rows) > 0).any(axis=0)
    return None


# --- helpers -------------------------------------------------------------------------------------

def _number(loss):
    return float(loss.data) if isinstance(loss, (Value, Tensor)) else float(loss)


def _probe_batch(loader, size=256):
    """The first examples of the data: where dead ReLUs are counted each epoch."""
    return loader.X[:size]


def _progress_bar(progress, total, description):
    if progress is False:
        return None
    from tqdm.auto import tqdm  # loaded only when training with a bar
    disable = None if progress is None else not progress  # None: only on a terminal
    return tqdm(total=total, desc=description, leave=True, disable=disable, file=sys.stderr,
                dynamic_ncols=True)


def _warn_diverged(value, optimizer):
    import warnings
    warnings.warn(f"training diverged: the loss is {value}; lower the learning rate "
                  f"(now {optimizer.lr}) or normalise the inputs", RuntimeWarning, stacklevel=3)
