"""Optimizers against hand-computed steps, for Value and Tensor parameters alike."""
import math

import numpy as np
import pytest

from microdl import Tensor, Value
from microdl.optim import SGD, Adagrad, Adam, CosineAnnealingLR, LambdaLR, RMSprop, StepLR, clip_grad_norm_


def one_step(opt_class, p, grad, **kwargs):
    opt = opt_class([p], **kwargs)
    p.grad = grad
    opt.step()
    return opt


@pytest.mark.parametrize("make", [lambda v: Value(v), lambda v: Tensor(np.array([v]), requires_grad=True)],
                         ids=["Value", "Tensor"])
class TestHandComputedSteps:
    def value(self, p):
        return p.data if isinstance(p, Value) else float(p.data[0])

    def grad(self, p, g):
        return g if isinstance(p, Value) else np.array([g])

    def test_sgd(self, make):
        p = make(1.0)
        one_step(SGD, p, self.grad(p, 0.5), lr=0.1)
        assert self.value(p) == pytest.approx(1.0 - 0.1 * 0.5)

    def test_sgd_momentum_and_nesterov(self, make):
        p = make(1.0)
        opt = one_step(SGD, p, self.grad(p, 1.0), lr=0.1, momentum=0.9)
        p.grad = self.grad(p, 1.0)
        opt.step()  # v = 0.9 * 1 + 1 = 1.9
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.19)
        q = make(1.0)
        opt = one_step(SGD, q, self.grad(q, 1.0), lr=0.1, momentum=0.9, nesterov=True)
        assert self.value(q) == pytest.approx(1.0 - 0.1 * (1 + 0.9 * 1))

    def test_weight_decay(self, make):
        p = make(2.0)
        one_step(SGD, p, self.grad(p, 0.0), lr=0.1, weight_decay=0.5)
        assert self.value(p) == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)

    def test_adam_first_step_is_lr_times_sign(self, make):
        p = make(1.0)
        one_step(Adam, p, self.grad(p, 123.0), lr=0.01)
        assert self.value(p) == pytest.approx(1.0 - 0.01, rel=1e-6)

    def test_adam_two_steps(self, make):
        p = make(1.0)
        opt = one_step(Adam, p, self.grad(p, 1.0), lr=0.1)
        p.grad = self.grad(p, -1.0)
        opt.step()
        m = 0.9 * 0.1 + 0.1 * -1.0
        v = 0.999 * 0.001 + 0.001 * 1.0
        expected = 0.9 - 0.1 * (m / (1 - 0.81)) / (math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
        assert self.value(p) == pytest.approx(expected, rel=1e-6)

    def test_rmsprop(self, make):
        p = make(1.0)
        one_step(RMSprop, p, self.grad(p, 2.0), lr=0.01)
        assert self.value(p) == pytest.approx(1.0 - 0.01 * 2.0 / (math.sqrt(0.01 * 4.0) + 1e-8))

    def test_adagrad(self, make):
        p = make(1.0)
        opt = one_step(Adagrad, p, self.grad(p, 2.0), lr=0.1)
        p.grad = self.grad(p, 1.0)
        opt.step()
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.1 * 1.0 / math.sqrt(5.0), rel=1e-6)


def test_frozen_parameters_are_skipped():
    a, b = Value(1.0), Value(1.0)
    b.requires_grad = False
    a.grad = b.grad = 1.0
    SGD([a, b], lr=0.5).step()
    assert a.data == 0.5 and b.data == 1.0


def test_gradient_descent_minimises_a_bowl_for_every_optimizer():
    for opt_class, kwargs in [(SGD, dict(lr=0.1)), (SGD, dict(lr=0.05, momentum=0.9)),
                              (Adam, dict(lr=0.1)), (RMSprop, dict(lr=0.05)), (Adagrad, dict(lr=0.5))]:
        w = Tensor(np.array([3.0, -2.0]), requires_grad=True)
        opt = opt_class([w], **kwargs)
        for _ in range(300):
            opt.zero_grad()
            (w * w * np.array([1.0, 4.0])).sum().backward()
            opt.step()
        assert np.abs(w.data).max() < 0.05, opt


def test_schedules():
    p = Value(0.0)
    opt = SGD([p], lr=1.0)
    steps = StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        lrs.append(opt.lr)
        steps.step()
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25]
    opt = SGD([p], lr=1.0)
    cosine = CosineAnnealingLR(opt, T_max=4, eta_min=0.0)
    lrs = []
    for _ in range(5):
        lrs.append(round(opt.lr, 6))
        cosine.step()
    assert lrs == [1.0, round((1 + math.cos(math.pi / 4)) / 2, 6), 0.5, round((1 + math.cos(3 * math.pi / 4)) / 2, 6), 0.0]
    opt = SGD([p], lr=1.0)
    linear = LambdaLR(opt, lambda t: 1.0 - 0.9 * t / 100)   # micrograd's schedule
    linear.step()
    assert opt.lr == pytest.approx(0.991) and linear.get_last_lr() == opt.lr


def test_clip_grad_norm():
    a, b = Tensor(np.zeros(2), requires_grad=True), Value(0.0)
    a.grad, b.grad = np.array([3.0, 0.0]), 4.0
    assert clip_grad_norm_([a, b], 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [0.6, 0.0])
    assert b.grad == pytest.approx(0.8)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be"):
        SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="nesterov"):
        SGD([Value(1.0)], lr=0.1, nesterov=True)
