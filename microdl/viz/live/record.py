"""What a live view remembers of a training run, and how it looks inside the model.

    record = LiveRecord()
    record.add_step(step=1, loss=0.69)                      # every step: cheap
    record.add_health(layer_gradient_norms(model), dead_relu_fractions(model, probe))
    record.add_validation(step=100, loss=0.3, accuracy=0.9)

The loss of every step is kept (it is one number); what costs a forward pass (the
accuracy on a sample of the data, dead ReLUs, validation) is measured only when the
view is about to be redrawn (`measure`).
"""
import numpy as np

from ...diagnostics import dead_relu_fractions, layer_gradient_norms, layer_labels
from ...inference import forward, is_scalar_model, outputs_to_array, predict_classes
from ...autodiff import no_grad
from ...nn.module import evaluation_mode
from ...tensor import Tensor
from ...value import Value
from .numpy_mlp import numpy_dead_relus, numpy_forward

__all__ = ["LiveRecord", "measure", "number", "sample"]


def number(x):
    """A loss or score as a float (a Value, a one-element Tensor, or a number); None stays."""
    if x is None:
        return None
    if isinstance(x, (Value, Tensor)):
        return float(np.asarray(x.data).reshape(-1)[0])
    return float(x)


class LiveRecord:
    """The numbers behind the live pictures, each with the step it belongs to."""

    def __init__(self):
        self.steps, self.loss = [], []                      # every step
        self.accuracy_steps, self.accuracy = [], []         # training accuracy, when known
        self.val_steps, self.val_loss, self.val_accuracy = [], [], []
        self.grad_norms, self.first_norms, self.dead = {}, {}, {}   # latest per layer
        self.epoch = None
        self._norm_sums, self._norm_count = {}, 0

    def sample_gradients(self, model):
        """Add this step's gradient norms to the mean the next redraw shows (one step alone
        can be 0 for a layer by chance, e.g. with one example whose ReLUs are all off)."""
        if any(p.grad is not None for p in model.parameters()):
            for name, norm in layer_gradient_norms(model).items():
                self._norm_sums[name] = self._norm_sums.get(name, 0.0) + norm
            self._norm_count += 1

    def mean_gradients(self, model):
        """The mean norm per layer over the sampled steps (then start a new mean)."""
        self.sample_gradients(model)
        if not self._norm_count:
            return {}
        norms = {name: total / self._norm_count for name, total in self._norm_sums.items()}
        self._norm_sums, self._norm_count = {}, 0
        return norms

    def __repr__(self):
        last = f", loss {self.loss[-1]:.4g}" if self.loss else ""
        return f"LiveRecord({len(self.steps)} steps{last})"

    def add_step(self, step, loss, accuracy=None):
        self.steps.append(step)
        self.loss.append(loss)
        if accuracy is not None:
            self.accuracy_steps.append(step)
            self.accuracy.append(accuracy)

    def add_validation(self, step, loss=None, accuracy=None):
        if self.val_steps and self.val_steps[-1] == step:   # a second result for the same step
            self.val_steps.pop(), self.val_loss.pop(), self.val_accuracy.pop()
        self.val_steps.append(step)
        self.val_loss.append(np.nan if loss is None else loss)
        self.val_accuracy.append(np.nan if accuracy is None else accuracy)

    def add_health(self, norms, dead):
        self.grad_norms = dict(norms)
        for name, norm in norms.items():
            if norm > 0 and np.isfinite(norm):
                self.first_norms.setdefault(name, norm)
        self.dead = dict(dead)

    @property
    def step(self):
        return self.steps[-1] if self.steps else 0


def sample(X, y, size, seed=0):
    """At most `size` examples of (X, y), always the same ones (a fixed seed)."""
    if X is None or len(X) <= size:
        return X, y
    chosen = np.sort(np.random.default_rng(seed).choice(len(X), size, replace=False))
    return X[chosen], (None if y is None else np.asarray(y)[chosen])


def _accuracy(model, X, y, threshold):
    fast = numpy_forward(model)               # a scalar MLP through NumPy: the same numbers
    if fast is not None:
        outputs = Tensor(fast(X), dtype=np.float64)
    else:
        with evaluation_mode(model), no_grad():
            outputs = forward(model, X)
    labels = np.asarray(y).reshape(-1)
    labels = (labels > 0).astype(np.int64) if np.any(labels < 0) else labels.astype(np.int64)
    return float(np.mean(predict_classes(outputs, threshold) == labels)), outputs_to_array(outputs)


def _dead_relus(model, X):
    if X is None or not getattr(model, "layers", None):
        return {}
    fast = numpy_dead_relus(model, X)
    return dead_relu_fractions(model, X) if fast is None else fast


def measure(record, model, probe, validation, *, classify=True, threshold=0.0):
    """Before a redraw: gradient norms and dead ReLUs per layer, the accuracy on a sample of
    the training data and on the validation sample (when classifying)."""
    labels = layer_labels(model)        # 'layer 2 (Linear 8→8)': the names lesson 6 uses too
    norms = {labels.get(key, key): norm for key, norm in record.mean_gradients(model).items()}
    X, y = probe
    dead = {}
    for key, fraction in _dead_relus(model, X).items():
        name = labels.get(key, key)
        dead[name] = max(fraction, dead.get(name, 0.0))
    record.add_health(norms, dead)
    if not classify or X is None or y is None:
        return
    if not record.accuracy_steps or record.accuracy_steps[-1] != record.step:
        accuracy, _ = _accuracy(model, X, y, threshold)
        record.accuracy_steps.append(record.step)
        record.accuracy.append(accuracy)
    if validation is not None and validation[0] is not None:
        accuracy, _ = _accuracy(model, *validation, threshold)
        known = record.val_steps and record.val_steps[-1] == record.step
        record.add_validation(record.step, record.val_loss[-1] if known else None, accuracy)


def probabilities(scores):
    """Class probabilities from raw outputs: softmax of (n, K), sigmoid of one output (n,)."""
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 2 and scores.shape[1] > 1:
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    p = 1.0 / (1.0 + np.exp(-scores.reshape(-1)))
    return np.stack([1 - p, p], axis=1)


def model_kind(model):
    return "scalar" if is_scalar_model(model) else "tensor"
