"""Optimizers: one implementation for both engines.

A parameter is anything with `.data`, `.grad` and `.requires_grad`: a `Value` (a float)
or a `Tensor` (an ndarray). Every update below is plain arithmetic on `p.data` and
`p.grad`, so the same line moves a scalar weight of a micrograd-style MLP and a
convolution kernel. Frozen parameters (`requires_grad=False`) are skipped.

The rule every optimizer refines is gradient descent:

    p <- p - lr * dL/dp

Signatures follow PyTorch: `SGD(params, lr, momentum=0.0)`, `Adam(params, lr=1e-3)`.

>>> from microdl import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> (w * w).backward()       # dL/dw = 2w = 6
>>> opt.step()
>>> round(w.data, 6)         # 3 - 0.1 * 6
2.4
"""
import math


class Optimizer:
    """Holds the parameters and their per-parameter state; subclasses define `update`."""

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got no parameters to optimize "
                             f"(did you pass model.parameters() of a model without weights?)")
        if not (isinstance(lr, (int, float)) and lr >= 0):
            raise ValueError(f"{type(self).__name__}: lr must be a number >= 0, got {lr!r}")
        self.lr = lr
        self.state = [{} for _ in self.params]
        self.steps = 0

    def zero_grad(self):
        """Clear the gradients (they accumulate across backward() calls)."""
        for p in self.params:
            p.zero_grad()

    def step(self):
        """Move every trainable parameter one step against its gradient."""
        self.steps += 1
        for p, state in zip(self.params, self.state):
            if p.requires_grad:
                p.data = self.update(p.data, p.grad, state)

    def update(self, p, g, state):
        """The new value of one parameter p with gradient g (floats or arrays)."""
        raise NotImplementedError

    def __repr__(self):
        settings = ", ".join(f"{k}={v}" for k, v in vars(self).items()
                             if isinstance(v, (int, float, bool)) and k != "steps")
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Gradient descent, with optional momentum, Nesterov momentum and weight decay.

    velocity <- momentum * velocity + g        (g includes weight_decay * p)
    p        <- p - lr * velocity              (Nesterov: p - lr * (g + momentum * velocity))
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr)
        if nesterov and not momentum:
            raise ValueError("SGD: nesterov=True needs a momentum > 0")
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p                     # L2 penalty: d/dp (wd/2 p^2)
        if self.momentum:
            v = state.get("velocity")
            v = g if v is None else self.momentum * v + g     # a running sum of past gradients
            state["velocity"] = v
            g = g + self.momentum * v if self.nesterov else v
        return p - self.lr * g                                # p <- p - lr * dL/dp


class Adam(Optimizer):
    """Adaptive moments: a step of about lr in each coordinate, whatever the gradient's scale.

    m <- b1 m + (1 - b1) g          (mean of gradients)
    v <- b2 v + (1 - b2) g^2        (mean of squared gradients)
    p <- p - lr * m_hat / (sqrt(v_hat) + eps),  m_hat, v_hat corrected for starting at 0
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        m = self.beta1 * state.get("m", 0.0) + (1 - self.beta1) * g
        v = self.beta2 * state.get("v", 0.0) + (1 - self.beta2) * g * g
        state["m"], state["v"] = m, v
        m_hat = m / (1 - self.beta1 ** self.steps)
        v_hat = v / (1 - self.beta2 ** self.steps)
        return p - self.lr * m_hat / (v_hat ** 0.5 + self.eps)


class RMSprop(Optimizer):
    """Divide the step by a running root-mean-square of the gradient.

    v <- alpha v + (1 - alpha) g^2;   p <- p - lr * g / (sqrt(v) + eps)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        v = self.alpha * state.get("v", 0.0) + (1 - self.alpha) * g * g
        state["v"] = v
        return p - self.lr * g / (v ** 0.5 + self.eps)


class Adagrad(Optimizer):
    """Divide the step by the root of the sum of all past squared gradients.

    s <- s + g^2;   p <- p - lr * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=1e-2, eps=1e-10, weight_decay=0.0):
        super().__init__(params, lr)
        self.eps, self.weight_decay = eps, weight_decay

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        s = state.get("sum", 0.0) + g * g
        state["sum"] = s
        return p - self.lr * g / (s ** 0.5 + self.eps)


# --- learning-rate schedules: call .step() once per epoch (or per iteration) -----------

class LambdaLR:
    """lr = base_lr * factor(t), t = the number of scheduler steps taken so far."""

    def __init__(self, optimizer, factor):
        self.optimizer, self.factor = optimizer, factor
        self.base_lr, self.t = optimizer.lr, 0
        optimizer.lr = self.base_lr * factor(0)

    def step(self):
        self.t += 1
        self.optimizer.lr = self.base_lr * self.factor(self.t)

    def get_last_lr(self):
        return self.optimizer.lr


class StepLR(LambdaLR):
    """Multiply the learning rate by gamma every step_size steps."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be >= 1, got {step_size}")
        super().__init__(optimizer, lambda t: gamma ** (t // step_size))


class CosineAnnealingLR(LambdaLR):
    """Follow half a cosine from the base rate down to eta_min over T_max steps."""

    def __init__(self, optimizer, T_max, eta_min=0.0):
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be >= 1, got {T_max}")
        base = optimizer.lr
        floor = eta_min / base if base else 0.0
        super().__init__(optimizer, lambda t: floor + (1 - floor) * (1 + math.cos(math.pi * min(t, T_max) / T_max)) / 2)


def clip_grad_norm_(params, max_norm):
    """Scale all gradients down together so their overall norm is at most max_norm.

    Returns the norm before clipping (a cure for exploding gradients).
    """
    params = [p for p in params if p.requires_grad]
    total = math.sqrt(sum(float((p.grad * p.grad).sum()) if hasattr(p.grad, "sum") else p.grad * p.grad
                          for p in params))
    if total > max_norm > 0:
        scale = max_norm / (total + 1e-12)
        for p in params:
            p.grad = p.grad * scale
    return total
