"""Running a model on data, the same way for both engines: `forward`, `predict`,
`evaluate`, `accuracy`; and the checks that catch the usual classroom mistakes (text
labels, X and y swapped, the wrong number of features) before any work is done.

A scalar MLP gets one example at a time (a list of floats) and returns Values; a tensor
model gets the whole batch as a Tensor.
"""
import numpy as np

from .autodiff import no_grad
from .nn.module import evaluation_mode
from .tensor import Tensor
from .value import Value

__all__ = ["is_scalar_model", "forward", "outputs_to_array", "predict_classes", "accuracy", "predict",
           "evaluate", "check_data", "check_loss", "model_input_size"]


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


def _number(loss):
    return float(loss.data) if isinstance(loss, (Value, Tensor)) else float(loss)
