"""The update rules, each the gradient-descent step p <- p - lr * g refined:
SGD (momentum, Nesterov, dampening), Adam / AdamW (moments, bias correction, amsgrad),
RMSprop (a running mean of g^2, centered, momentum) and Adagrad (a growing sum of g^2).
"""

from .optimizer import (Optimizer, _check_at_least_zero, _checked_option, _copy, _maximum,
                        _refuse_torch_only, _zeros_like)

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]


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
            elif group["dampening"] == 0:  # the default: one array operation fewer
                buffer = momentum * buffer + g
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
        betas = _checked_betas(name, betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
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


def _checked_betas(name, betas):
    """(beta1, beta2) as floats, each in [0, 1): the moments' decay rates."""
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise ValueError(f"{name}: betas must be a pair (beta1, beta2) such as (0.9, 0.999), "
                         f"got {betas!r:.60}")
    checked = tuple(_checked_option(name, f"betas[{i}]", beta) for i, beta in enumerate(betas))
    for i, beta in enumerate(checked):
        if not beta < 1.0:
            raise ValueError(f"{name}: betas[{i}] must be in [0, 1), got {beta}")
    return checked


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
