"""The Optimizer base: parameter groups, per-parameter state and the one loop that
writes `p.data`, for a `Value` and a `Tensor` parameter alike; and the argument checks
every optimizer shares (clear errors, PyTorch's speed options refused by name).

Numeric options (lr, momentum, eps, weight_decay, ...) may be any real number, a NumPy
scalar included (np.float32(0.01)); they are stored as Python floats, and one that is
negative, inf or nan is refused at once, naming the option, instead of training into nan.
"""
import copy
import math
import numbers

import numpy as np

__all__ = ["Optimizer"]

#: PyTorch options about speed or devices; accepted only with these default values
_TORCH_ONLY = {"foreach": None, "fused": None, "capturable": False, "differentiable": False}


class Optimizer:
    """Holds the parameter groups and per-parameter state; subclasses define `update`."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}          # parameter -> its buffers ({"step": ..., "exp_avg": ...})
        self.param_groups = []
        for group in _as_param_groups(params, type(self).__name__):
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a dict {"params": [...], option: value}; missing options take the defaults."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}.add_param_group: expected a dict such as "
                            f"{{'params': [...], 'lr': 0.1}}, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        group["params"] = [params] if _is_parameter(params) else list(_check_iterable(params, name))
        for p in group["params"]:
            if not _is_parameter(p):
                raise TypeError(f"{name}: parameters must be Values or Tensors, got "
                                f"{type(p).__name__}")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
            if key == "lr" or _is_number_option(value):
                group[key] = _checked_option(name, key, group[key])
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in group["params"]):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear the gradients (they accumulate across backward() calls).

        set_to_none=False keeps a received gradient present but zero, as PyTorch does:
        weight decay and momentum then still move that parameter on the next step.
        """
        for p in self._parameters():
            if set_to_none:
                p.zero_grad()
            elif p.has_grad:
                p.grad = _zeros_like(p.grad)  # a Value stays marked as reached by backward()

    def step(self, closure=None):
        """Move every trainable parameter that got a gradient one step against it.

        closure: optional, a function that clears the grads, recomputes the loss, calls
        backward() and returns the loss; step() returns what it returned.
        """
        loss = None if closure is None else closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.requires_grad and p.has_grad:
                    state = self.state.get(p, {})
                    p.data = self.update(p.data, p.grad, state, group)
                    if state:  # plain SGD keeps no state, as in PyTorch
                        self.state[p] = state
        return loss

    def update(self, p, g, state, group):
        """The new value of one parameter p (float or array) with gradient g.

        Never modifies p, g or a state buffer in place: g may be the parameter's own
        `.grad` array, which the user may zero in place later.
        """
        raise NotImplementedError

    def _parameters(self):
        return [p for group in self.param_groups for p in group["params"]]

    # --- a microdl shorthand (PyTorch has none): the learning rate of every group ----------

    @property
    def lr(self):
        """The learning rate (of the first group; see param_groups for the others)."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value):
        value = _checked_option(type(self).__name__, "lr", value)
        for group in self.param_groups:
            group["lr"] = value

    # --- saving and restoring, in PyTorch's layout ----------------------------------------

    def state_dict(self):
        """{"state": {index: buffers}, "param_groups": [options with "params": indices]}."""
        index = {id(p): i for i, p in enumerate(self._parameters())}
        groups = [{**group, "params": [index[id(p)] for p in group["params"]]}
                  for group in self.param_groups]
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": copy.deepcopy(groups)}

    def load_state_dict(self, state_dict):
        """Restore options and buffers saved by state_dict() of the same kind of optimizer."""
        name = type(self).__name__
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the saved state has {len(saved)} parameter "
                             f"groups, this optimizer {len(self.param_groups)}")
        for i, (old, new) in enumerate(zip(saved, self.param_groups)):
            if len(old["params"]) != len(new["params"]):
                raise ValueError(f"{name}.load_state_dict: group {i} holds {len(old['params'])} "
                                 f"parameters in the saved state, {len(new['params'])} here")
        params = self._parameters()
        self.state = {}
        for i, buffers in state_dict["state"].items():
            p = params[int(i)]
            self.state[p] = {k: _like(v, p.data) for k, v in copy.deepcopy(buffers).items()}
        for old, new in zip(saved, self.param_groups):
            new.update({k: copy.deepcopy(v) for k, v in old.items() if k != "params"})

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines + [")"])


def _copy(x):
    """A copy of a float or an array."""
    return x.copy() if isinstance(x, np.ndarray) else x


def _zeros_like(x):
    return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0


def _maximum(a, b):
    return np.maximum(a, b) if isinstance(a, np.ndarray) else max(a, b)


def _like(value, data):
    """A loaded state buffer in the parameter's own type (arrays keep its dtype)."""
    if isinstance(data, np.ndarray) and isinstance(value, np.ndarray):
        return value.astype(data.dtype)
    return value


def _is_parameter(x):
    return all(hasattr(x, name) for name in ("data", "grad", "has_grad", "requires_grad"))


def _check_iterable(params, name):
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(f"{name}: got a model ({type(params).__name__}); pass its parameters: "
                        f"{name}(model.parameters(), ...)")
    if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{name}: params must be an iterable of Values/Tensors or of dicts, "
                        f"got {type(params).__name__}")
    return params


def _as_param_groups(params, name):
    """params (parameters, (name, parameter) pairs, or dicts) as a list of group dicts."""
    if _is_parameter(params):
        raise TypeError(f"{name}: params must be an iterable; wrap a single parameter in a "
                        f"list: {name}([w], lr=...)")
    items = list(_check_iterable(params, name))
    if not items:
        raise ValueError(f"{name}: got no parameters to optimize (an empty list; did you pass "
                         f"model.parameters() of a model without weights?)")
    if all(isinstance(item, dict) for item in items):
        return items
    if all(isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) for item in items):
        return [{"params": [p for _, p in items], "param_names": [n for n, _ in items]}]
    return [{"params": items}]


def _is_number_option(default):
    """Options with a number as default (lr, eps, ...); not flags such as nesterov."""
    if getattr(default, "ndim", None) == 0 and getattr(default, "dtype", None) is not None:
        return default.dtype.kind in "iuf"   # a NumPy scalar or 0-d array
    return isinstance(default, numbers.Real) and not isinstance(default, bool)


def _checked_option(name, option, value):
    """`value` as a float, if it is a real number (NumPy scalars too), finite and >= 0."""
    if getattr(value, "ndim", None) == 0 and getattr(value, "dtype", None) is not None \
            and value.dtype.kind in "iuf":
        value = value.item()  # a NumPy scalar or 0-d array: its Python number
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {option} must be a number >= 0, got {type(value).__name__} "
                         f"{value!r:.60}")
    if not math.isfinite(value) or value < 0:
        advice = " (a typical learning rate is 0.001 to 0.1)" if option == "lr" else ""
        raise ValueError(f"{name}: {option} must be a finite number >= 0, got {value!r}{advice}")
    return float(value)


def _check_at_least_zero(name, **options):
    """Check the numeric options before anything is built (add_param_group checks each
    group again, with the defaults filled in)."""
    for option, value in options.items():
        _checked_option(name, option, value)


def _refuse_torch_only(name, **options):
    """Accept PyTorch's speed/device options only at their defaults, which is what we do."""
    for option, value in options.items():
        if value != _TORCH_ONLY[option]:
            raise ValueError(f"{name}: {option}={value!r} is not supported by microdl (a PyTorch "
                             f"speed/device option; microdl runs one plain NumPy path). Leave it "
                             f"at its default, {option}={_TORCH_ONLY[option]!r}.")
