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
from .progress import progress_display
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
    check_data(model, X, where="predict")
    with evaluation_mode(model), no_grad():
        parts = [outputs_to_array(forward(model, X[i:i + batch_size])) for i in range(0, len(X), batch_size)]
    return np.concatenate(parts) if parts else np.zeros(0)


def evaluate(model, loss_fn, data, batch_size=256, threshold=0.0):
    """Average loss and accuracy on (X, y), in eval mode, without recording a graph."""
    X, y = _pair(data, "evaluate")
    check_data(model, X, y, where="evaluate")
    check_loss(model, loss_fn)
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


# --- errors that teach: the usual classroom mistakes, caught before any work -------------------

def check_data(model, X, y=None, where="fit"):
    """Raise a clear error for data a model cannot learn from: string labels, X and y
    swapped, or examples with the wrong number of features for the model's first layer."""
    X = X.data if isinstance(X, Tensor) else np.asarray(X)
    y = None if y is None else (y.data if isinstance(y, Tensor) else np.asarray(y))
    if y is not None:
        _check_labels(y, where)
    size = model_input_size(model)
    looks_swapped = (y is not None and y.ndim == 2 and X.ndim == 1
                     and (size is None or y.shape[1] == size))
    if looks_swapped:
        raise ValueError(
            f"{where}: X has shape {X.shape} (one number per example, like labels) and y has "
            f"shape {y.shape} (rows of features, like inputs): they look swapped. Pass the "
            f"inputs first: {where}(model, ..., (X, y)) with X of shape (n, features), y of shape (n,)")
    if size is None or X.ndim == 0:
        return
    features = X.shape[1] if X.ndim >= 2 else None
    if features != size:
        found = (f"shape {X.shape}, {features} features per example" if features is not None
                 else f"shape {X.shape}: one number per example")
        fix = ("X.reshape(-1, 1) makes one row per example" if X.ndim == 1 and size == 1
               else f"give each example {size} numbers (or build the model for {features})")
        raise ValueError(f"{where}: the model takes {size} input features per example "
                         f"(its first layer), but X has {found}; {fix}")


def _check_labels(y, where):
    if y.dtype.kind in "USO" and any(isinstance(label, (str, bytes)) for label in y.reshape(-1)[:100]):
        names = np.unique(y.astype(str))
        examples = ", ".join(repr(str(name)) for name in names[:3]) + (", ..." if len(names) > 3 else "")
        raise TypeError(
            f"{where}: the labels y are text ({examples}); a loss needs numbers. Map each "
            f"class to an integer first:\n    classes, y = np.unique(y, return_inverse=True)\n"
            f"then classes[k] names class k (e.g. for printing predictions)")


def check_loss(model, loss_fn):
    """A Tensor-only loss (nn.functional) with a scalar model: say which loss to use."""
    module = getattr(loss_fn, "__module__", "") or ""
    tensor_only = module in ("microdl.nn.functional", "microdl.fused")
    if tensor_only and is_scalar_model(model):
        name = getattr(loss_fn, "__name__", "this loss")
        raise TypeError(
            f"{module}.{name} works on Tensors, but this model is built from Values (a scalar "
            f"{type(model).__name__}) and returns lists of Values. Use microdl.nn.losses.{name}, "
            f"which serves both engines: fit(model, nn.losses.{name}, optimizer, (X, y))")


def model_input_size(model):
    """How many numbers one example must have, when the first layer says so, else None.

    A scalar MLP: its first neuron's number of weights. A tensor model: `in_features` of
    its first leaf layer if that is a Linear (after a Flatten or a Conv2d it is not known).
    """
    layer = model
    if is_scalar_model(model):
        while getattr(layer, "layers", None) or getattr(layer, "neurons", None):
            layer = (getattr(layer, "layers", None) or layer.neurons)[0]
        return len(layer.w) if hasattr(layer, "w") else None
    while True:
        children = list(layer.named_children()) if hasattr(layer, "named_children") else []
        if not children:
            return getattr(layer, "in_features", None)
        layer = children[0][1]


def _pair(data, where):
    """(X, y) from `data`, or an error that shows what fit expects."""
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data
    kind = f"a {type(data).__name__}" + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else "")
    raise TypeError(f"{where}: data must be a pair (X, y) of inputs and labels, or a DataLoader; "
                    f"got {kind}. Call {where}(model, loss_fn, optimizer, (X, y))"
                    if where == "fit" else f"{where}: data must be a pair (X, y); got {kind}")
