"""Optimizers and learning-rate schedulers, called and computing exactly as in PyTorch.

A parameter is anything with `.data`, `.grad`, `.has_grad` and `.requires_grad`: a
`Value` (a float) or a `Tensor` (an ndarray). Every update below is plain arithmetic on
`p.data` and `p.grad` (`Optimizer.step` is the one place that writes `p.data`), so the
same line moves a scalar weight of a micrograd-style MLP and a convolution kernel.

The rule every optimizer refines is gradient descent:

    p <- p - lr * dL/dp

As in PyTorch: options live in `param_groups` (a list of dicts, one lr per group), the
running buffers in `state[p]` (with each parameter's own `step` count), and a parameter
is skipped when it got no gradient since the last `zero_grad()` (PyTorch: its grad is
None; here `p.has_grad` is False) or is frozen (`requires_grad=False`).

>>> from microdl import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> (w * w).backward()       # dL/dw = 2w = 6
>>> opt.step()
>>> round(w.data, 6)         # 3 - 0.1 * 6
2.4
"""
import copy
import math
import types
import warnings
from bisect import bisect_right
from collections import Counter

import numpy as np

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
           "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "clip_grad_norm_"]

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
        _check_lr(group["lr"], name)
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
        _check_lr(value, type(self).__name__)
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


class SGD(Optimizer):
    """Gradient descent, with optional momentum (heavy ball or Nesterov) and weight decay.

    g <- g + weight_decay * p                          (L2 penalty: d/dp (wd/2 p^2))
    b <- g at the first step, then momentum * b + (1 - dampening) * g
    p <- p - lr * b                                    (Nesterov: p - lr * (g + momentum * b))
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        _refuse_torch_only("SGD", foreach=foreach, differentiable=differentiable, fused=fused)
        _check_at_least_zero("SGD", lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov=True needs a momentum > 0 and dampening=0, got "
                             f"momentum={momentum}, dampening={dampening}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def update(self, p, g, state, group):
        g = -g if group["maximize"] else g
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        momentum = group["momentum"]
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = _copy(g)  # a copy: g may be p.grad itself, zeroed in place later
            else:
                buffer = momentum * buffer + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buffer
            g = g + momentum * buffer if group["nesterov"] else buffer
        return p - group["lr"] * g


class Adam(Optimizer):
    """Adaptive moments: a step of about lr in each coordinate, whatever the gradient's scale.

    m <- b1 m + (1 - b1) g          (mean of gradients)
    v <- b2 v + (1 - b2) g^2        (mean of squared gradients; amsgrad: its running max)
    p <- p - lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)   (t: this parameter's steps)

    weight_decay adds wd * p to g (L2), or with decoupled_weight_decay (AdamW) shrinks
    p <- p (1 - lr wd) before the step.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        name = type(self).__name__
        _refuse_torch_only(name, foreach=foreach, capturable=capturable,
                           differentiable=differentiable, fused=fused)
        _check_at_least_zero(name, lr=lr, eps=eps, weight_decay=weight_decay)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name}: betas[{i}] must be in [0, 1), got {beta}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def update(self, p, g, state, group):
        g = -g if group["maximize"] else g
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state.update(step=0, exp_avg=_zeros_like(p), exp_avg_sq=_zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _zeros_like(p)
        state["step"] += 1
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
        m = state["exp_avg"] = state["exp_avg"] + (1 - beta1) * (g - state["exp_avg"])
        v = state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = _maximum(state["max_exp_avg_sq"], v)
        step_size = lr / (1 - beta1 ** state["step"])
        denominator = v ** 0.5 / (1 - beta2 ** state["step"]) ** 0.5 + group["eps"]
        return p - step_size * (m / denominator)


class AdamW(Adam):
    """Adam with decoupled weight decay: p <- p (1 - lr wd), then the Adam step on g alone."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


class RMSprop(Optimizer):
    """Divide the step by a running root-mean-square of the gradient.

    v <- alpha v + (1 - alpha) g^2;  centered: also a <- alpha a + (1 - alpha) g, v - a^2 in the root
    p <- p - lr * g / (sqrt(v) + eps)   (momentum: b <- momentum b + g / (sqrt(v) + eps); p - lr b)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _refuse_torch_only("RMSprop", capturable=capturable, foreach=foreach,
                           differentiable=differentiable)
        _check_at_least_zero("RMSprop", lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                             momentum=momentum)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def update(self, p, g, state, group):
        g = -g if group["maximize"] else g
        alpha = group["alpha"]
        if not state:
            state.update(step=0, square_avg=_zeros_like(p))
            if group["momentum"] > 0:
                state["momentum_buffer"] = _zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = _zeros_like(p)
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        square_avg = state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * g * g
        if group["centered"]:
            grad_avg = state["grad_avg"] = state["grad_avg"] + (1 - alpha) * (g - state["grad_avg"])
            root = (square_avg - grad_avg * grad_avg) ** 0.5 + group["eps"]  # a running std
        else:
            root = square_avg ** 0.5 + group["eps"]
        if group["momentum"] > 0:
            buffer = state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] + g / root
            return p - group["lr"] * buffer
        return p - group["lr"] * (g / root)


class Adagrad(Optimizer):
    """Divide the step by the root of the sum of all past squared gradients.

    s <- s + g^2 (s starts at initial_accumulator_value)
    p <- p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _refuse_torch_only("Adagrad", foreach=foreach, differentiable=differentiable, fused=fused)
        _check_at_least_zero("Adagrad", lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                             initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      maximize=maximize))
        for group in self.param_groups:  # PyTorch fills Adagrad's state at once, not on first use
            for p in group["params"]:
                self.state[p] = dict(step=0, sum=_zeros_like(p.data) + group["initial_accumulator_value"])

    def update(self, p, g, state, group):
        g = -g if group["maximize"] else g
        if not state:
            state.update(step=0, sum=_zeros_like(p) + group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        decayed_lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] = state["sum"] + g * g
        return p - decayed_lr * (g / (state["sum"] ** 0.5 + group["eps"]))


# --- learning-rate schedulers: call .step() after optimizer.step(), once per epoch --------

class LRScheduler:
    """Sets each group's lr every step(); `get_lr()` says how, from the current lr.

    As in PyTorch the update is chainable: most schedulers multiply the lr the group has
    now, so two schedulers on one optimizer, or an lr changed by hand, compose.
    `base_lrs` are the groups' lrs when the first scheduler was made ("initial_lr").
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected a microdl Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{type(self).__name__}(last_epoch={last_epoch}): param_groups[{i}] "
                               f"has no 'initial_lr'; load the optimizer's state_dict first, or "
                               f"start with last_epoch=-1")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True     # the first step() only records the starting lrs
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The lr of every group for epoch `last_epoch` (already advanced)."""
        raise NotImplementedError

    def step(self, epoch=None):
        """Advance one epoch and set the groups' lrs. (epoch=: deprecated in PyTorch too.)"""
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn("scheduler.step(epoch) is deprecated (as in PyTorch): call step() "
                          "once per epoch", UserWarning, stacklevel=2)
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The lrs (a list, one per parameter group) set by the last step()."""
        return self._last_lr

    def state_dict(self):
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]


class LambdaLR(LRScheduler):
    """lr = initial lr * lr_lambda(epoch): one function, or a list of one per group."""

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        groups = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(f"LambdaLR: expected {groups} lr_lambdas (one per parameter "
                                 f"group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        """Saves callable objects' attributes; plain functions and lambdas are not saved."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(f, types.FunctionType) else f.__dict__.copy()
                               for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        saved = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        for f, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                f.__dict__.update(attributes)


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size epochs."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if not (isinstance(step_size, int) and step_size >= 1):
            raise ValueError(f"StepLR: step_size must be a whole number >= 1, got {step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by gamma at each epoch listed in milestones."""

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        milestones = sorted(self.milestones.elements())
        return [base * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Follow a cosine from the initial lr down to eta_min in T_max epochs, and back up.

    lr_t = eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2, computed as PyTorch does,
    from the current lr (so it chains), which keeps following the cosine after T_max.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be > 0, got {T_max!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:   # resumed at last_epoch = t
            return [low + (base - low) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:        # at the bottom: the ratio below would be 0 / 0
            return [lr + (base - low) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._current_lrs())]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - low) + low for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]


# --- gradient clipping -------------------------------------------------------------------

def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their overall norm is at most max_norm.

    norm = || (||g_1||, ||g_2||, ...) ||  (norm_type: 2, 1, inf, ...), over parameters with
    a gradient; each g is multiplied by min(1, max_norm / (norm + 1e-6)), as in PyTorch.
    Returns the norm before clipping: a 0-d Tensor if any parameter is a Tensor (PyTorch
    returns a tensor), else a float (for Value parameters).
    """
    _refuse_torch_only("clip_grad_norm_", foreach=foreach)
    parameters = ([parameters] if _is_parameter(parameters)
                  else list(_check_iterable(parameters, "clip_grad_norm_")))
    with_grad = [p for p in parameters if p.has_grad]
    norms = [_norm(p.grad, norm_type) for p in with_grad]
    total = _norm(np.array(norms, dtype=float), norm_type) if norms else 0.0
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients "
                           f"is {total}, so they cannot be clipped. Set error_if_nonfinite=False "
                           f"to clip anyway (nan stays nan).")
    scale = min(max_norm / (total + 1e-6), 1.0)
    for p in with_grad:
        p.grad = p.grad * scale
    tensors = [p for p in parameters if isinstance(p.data, np.ndarray)]
    if not tensors:
        return total
    from .tensor import Tensor  # here, not at the top: optim imports no engine otherwise
    return Tensor(np.asarray(total, dtype=tensors[0].data.dtype))


# --- helpers -----------------------------------------------------------------------------

def _norm(x, order):
    """The order-norm of a float or array, as a float (order 0 counts the nonzeros)."""
    return float(np.linalg.norm(np.ravel(x).astype(float), ord=order))


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


def _check_lr(lr, name):
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr >= 0:
        raise ValueError(f"{name}: lr must be a number >= 0, got {lr!r}")


def _check_at_least_zero(name, **options):
    _check_lr(options.pop("lr"), name)
    for option, value in options.items():
        if not value >= 0:
            raise ValueError(f"{name}: {option} must be >= 0, got {value!r}")


def _refuse_torch_only(name, **options):
    """Accept PyTorch's speed/device options only at their defaults, which is what we do."""
    for option, value in options.items():
        if value != _TORCH_ONLY[option]:
            raise ValueError(f"{name}: {option}={value!r} is not supported by microdl (a PyTorch "
                             f"speed/device option; microdl runs one plain NumPy path). Leave it "
                             f"at its default, {option}={_TORCH_ONLY[option]!r}.")


def __dir__():
    """dir(optim) and Tab completion show the public names only, not the imports."""
    return __all__
