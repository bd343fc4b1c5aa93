"""When `fit` stops early: a nan/inf loss, or Ctrl-C. Nothing learnt so far is lost.

    LastGoodStep     a copy of the weights, buffers and optimizer state taken before each
                     optimizer step, so that a step can be undone (a Ctrl-C in the middle
                     of it, or a step that led to a nan loss)
    check_finite_data    nan/inf in X or y is refused before training: it is the data's
                     fault, not the learning rate's
    why_not_finite   one sentence saying why a loss is nan/inf: the batch, the weights,
                     the outputs, or the loss function

The copy costs one copy of the parameters per step (about what the optimizer's update
allocates anyway); the scalar engine's weights are floats, copied as a list.
"""
import math

import numpy as np

from .tensor import Tensor
from .value import Value

__all__ = ["LastGoodStep", "check_finite_data", "why_not_finite"]


class LastGoodStep:
    """The model's weights and buffers and the optimizer's state, as they were before the
    last optimizer step: `save()` before each step, `restore()` to undo it."""

    def __init__(self, model, optimizer):
        self.parameters = list(model.parameters()) if hasattr(model, "parameters") else []
        self.buffers = ([array for _, array in model.named_buffers()]
                        if hasattr(model, "named_buffers") else [])
        self.optimizer = optimizer
        self.saved = None        # nothing to undo before the first step
        self.stepping = False    # True from save() until the step's iteration is recorded
        self.iterations_before = 0

    def save(self, iterations_before=0):
        """Copy the state before a step; `iterations_before`: how many steps were recorded."""
        self.saved = ([_copy(p.data) for p in self.parameters], [b.copy() for b in self.buffers],
                      _optimizer_state(self.optimizer))
        self.iterations_before = iterations_before
        self.stepping = True

    def restore(self):
        """Put back what save() copied. False if there was nothing to put back."""
        if self.saved is None:
            return False
        parameters, buffers, state = self.saved
        for p, data in zip(self.parameters, parameters):
            p.data = data
        for buffer, data in zip(self.buffers, buffers):
            buffer[...] = data   # buffers are updated in place (BatchNorm): write them back so
        if state is not None:
            self.optimizer.state.clear()
            self.optimizer.state.update(state)
        return True


def _copy(data):
    return data.copy() if isinstance(data, np.ndarray) else data


def _optimizer_state(optimizer):
    """A copy of the optimizer's per-parameter state: microdl's optimizers replace their
    buffers at each step (never write into them), so copying each dict is enough."""
    state = getattr(optimizer, "state", None)
    if not isinstance(state, dict):
        return None   # an optimizer of the user's own: its state is its own business
    return {p: dict(buffers) if isinstance(buffers, dict) else buffers for p, buffers in state.items()}


# --- nan/inf: in the data (refused), or where it came from (explained) ---------------------

def check_finite_data(X, y, where="fit"):
    """Refuse nan/inf in the inputs or targets, naming how many and the first example."""
    for name, data in (("X", X), ("y", y)):
        array = _as_array(data)
        if array is None or array.dtype.kind not in "fc":
            continue  # integers and booleans are always finite
        bad = ~np.isfinite(array)
        if bad.any():
            count, first = int(bad.sum()), int(np.argwhere(bad)[0][0])
            raise ValueError(
                f"{where}: {name} holds {count} nan/inf value{'s' if count > 1 else ''} (the first "
                f"in example {first}): every loss computed from them is nan, whatever the "
                f"learning rate. Drop or replace them first (np.isfinite({name}) finds them, "
                f"np.nan_to_num replaces them)")


def _as_array(data):
    if data is None:
        return None
    if isinstance(data, Tensor):
        return data.data
    try:
        return np.asarray(data, dtype=float) if isinstance(data, (list, tuple)) else np.asarray(data)
    except (TypeError, ValueError):
        return None   # ragged or odd: check_data has spoken already


def why_not_finite(Xb, yb, outputs, parameters, lr, stepped=True, growing=False):
    """Why the loss of this batch is nan or inf, as one sentence with what to do.
    stepped: has the optimizer taken a step yet (else the weights were given so);
    growing: had the loss already grown 1000-fold (fit warned that it was diverging)."""
    for name, data in (("input batch holds", Xb), ("targets hold", yb)):
        if not _all_finite(data):
            return (f"the {name} nan/inf values: the data is at fault, not the learning "
                    f"rate; drop or replace them")
    advice = (f"the learning rate lr={lr:g} is too large for this model and data; try lr={lr / 10:g} "
              f"(10x smaller), or normalise the inputs" if lr is not None else
              "the steps are too large; lower the learning rate or normalise the inputs")
    if not all(_all_finite(p.data) for p in parameters):
        if not stepped:
            return "some weights were nan/inf before the first step: set or load finite weights"
        return f"the last step made some weights nan/inf: {advice}"
    if not _all_finite(outputs):
        return f"the model's outputs overflowed (its weights grew too large): {advice}"
    if growing:
        return f"the loss grew until it overflowed: {advice}"
    return ("the loss function gave nan/inf for finite outputs: a log of 0 or of a negative "
            "number? (cross_entropy on the raw outputs, the logits, is stable)")


def _all_finite(data):
    if isinstance(data, Value):
        return math.isfinite(data.data)
    if isinstance(data, (list, tuple)):
        return all(_all_finite(item) for item in data)
    array = _as_array(data)
    return array is None or array.dtype.kind not in "fc" or bool(np.isfinite(array).all())
