"""Optimizers against hand-computed steps, for Value and Tensor parameters alike, and
regression tests for the bugs of issue 14 (PyTorch itself is compared in test_parity_optim)."""
import math

import numpy as np
import pytest

from microdl import Tensor, Value, nn, optim
from microdl.optim import (SGD, Adagrad, Adam, AdamW, CosineAnnealingLR, ExponentialLR, LambdaLR,
                           MultiStepLR, RMSprop, StepLR, clip_grad_norm_)


def one_step(opt_class, p, grad, **kwargs):
    opt = opt_class([p], **kwargs)
    p.grad = grad
    opt.step()
    return opt


def scalar_loss_backward(p, coefficient):
    """Run backward on coefficient * p, so p.grad = coefficient (0.0 included)."""
    (p * coefficient).sum().backward() if isinstance(p, Tensor) else (p * coefficient).backward()


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
        opt.step()  # b = 0.9 * 1 + 1 = 1.9
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.19)
        q = make(1.0)
        opt = one_step(SGD, q, self.grad(q, 1.0), lr=0.1, momentum=0.9, nesterov=True)
        assert self.value(q) == pytest.approx(1.0 - 0.1 * (1 + 0.9 * 1))

    def test_sgd_dampening(self, make):
        p = make(1.0)
        opt = one_step(SGD, p, self.grad(p, 1.0), lr=0.1, momentum=0.9, dampening=0.5)
        p.grad = self.grad(p, 1.0)
        opt.step()  # b = 1 first, then 0.9 * 1 + (1 - 0.5) * 1 = 1.4
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.14)

    def test_weight_decay_with_a_zero_gradient_from_backward(self, make):
        p = make(2.0)
        opt = SGD([p], lr=0.1, weight_decay=0.5)
        scalar_loss_backward(p, 0.0)  # the gradient arrived, and it is 0
        opt.step()
        assert self.value(p) == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)

    def test_maximize_climbs(self, make):
        p = make(1.0)
        one_step(SGD, p, self.grad(p, 0.5), lr=0.1, maximize=True)
        assert self.value(p) == pytest.approx(1.0 + 0.1 * 0.5)

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

    def test_adamw_decays_the_weight_apart_from_the_step(self, make):
        p = make(2.0)
        one_step(AdamW, p, self.grad(p, 5.0), lr=0.1, weight_decay=0.5)
        assert self.value(p) == pytest.approx(2.0 * (1 - 0.1 * 0.5) - 0.1, rel=1e-6)

    def test_rmsprop(self, make):
        p = make(1.0)
        one_step(RMSprop, p, self.grad(p, 2.0), lr=0.01)
        assert self.value(p) == pytest.approx(1.0 - 0.01 * 2.0 / (math.sqrt(0.01 * 4.0) + 1e-8))

    def test_rmsprop_centered(self, make):
        p = make(1.0)
        one_step(RMSprop, p, self.grad(p, 2.0), lr=0.01, centered=True)
        variance = 0.01 * 4.0 - (0.01 * 2.0) ** 2  # E[g^2] - E[g]^2 of the running means
        assert self.value(p) == pytest.approx(1.0 - 0.01 * 2.0 / (math.sqrt(variance) + 1e-8))

    def test_adagrad(self, make):
        p = make(1.0)
        opt = one_step(Adagrad, p, self.grad(p, 2.0), lr=0.1)
        p.grad = self.grad(p, 1.0)
        opt.step()
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.1 * 1.0 / math.sqrt(5.0), rel=1e-6)

    def test_adagrad_lr_decay(self, make):
        p = make(1.0)
        opt = one_step(Adagrad, p, self.grad(p, 2.0), lr=0.1, lr_decay=1.0)
        p.grad = self.grad(p, 2.0)
        opt.step()  # second step: lr / (1 + 1 * 1) = 0.05, sum = 8
        assert self.value(p) == pytest.approx(1.0 - 0.1 - 0.05 * 2.0 / math.sqrt(8.0), rel=1e-6)


def test_frozen_parameters_are_skipped():
    a, b = Value(1.0), Value(1.0)
    b.requires_grad = False
    a.grad = b.grad = 1.0
    SGD([a, b], lr=0.5).step()
    assert a.data == 0.5 and b.data == 1.0


def test_gradient_descent_minimises_a_bowl_for_every_optimizer():
    for opt_class, kwargs in [(SGD, dict(lr=0.1)), (SGD, dict(lr=0.05, momentum=0.9)),
                              (Adam, dict(lr=0.1)), (AdamW, dict(lr=0.1)), (RMSprop, dict(lr=0.05)),
                              (Adagrad, dict(lr=0.5))]:
        w = Tensor(np.array([3.0, -2.0]), requires_grad=True)
        opt = opt_class([w], **kwargs)
        for _ in range(300):
            opt.zero_grad()
            (w * w * np.array([1.0, 4.0])).sum().backward()
            opt.step()
        assert np.abs(w.data).max() < 0.05, opt


# --- bug 1: the momentum buffer must not be the gradient array itself ---------------------

def test_zeroing_the_gradient_in_place_keeps_the_momentum():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = SGD([w], lr=0.1, momentum=0.9)
    (w * np.array([3.0, 4.0])).sum().backward()
    opt.step()
    w.grad[...] = 0  # zero the gradient in place, as `p.grad.zero_()` in PyTorch
    np.testing.assert_array_equal(opt.state[w]["momentum_buffer"], [3.0, 4.0])
    opt.step()  # a zero gradient: the velocity alone moves w, by lr * 0.9 * b
    np.testing.assert_allclose(w.data, [1.0 - 0.3 - 0.27, 2.0 - 0.4 - 0.36])


# --- bug 2: a parameter without a gradient does not move; each parameter counts its steps --

@pytest.mark.parametrize("opt_class, kwargs", [
    (SGD, dict(lr=0.1, weight_decay=0.1)), (SGD, dict(lr=0.1, momentum=0.9)),
    (Adam, dict(lr=0.1)), (AdamW, dict(lr=0.1)), (RMSprop, dict(lr=0.1, momentum=0.5)),
    (Adagrad, dict(lr=0.1, weight_decay=0.1))])
@pytest.mark.parametrize("engine", ["Value", "Tensor"])
def test_parameters_without_a_gradient_stay_put(opt_class, kwargs, engine):
    if engine == "Value":
        used, unused = Value(1.0), Value(1.0)
        loss = lambda: used * used  # noqa: E731
    else:
        used, unused = (Tensor(np.ones(2), requires_grad=True) for _ in range(2))
        loss = lambda: (used * used).sum()  # noqa: E731
    opt = opt_class([used, unused], **kwargs)
    for _ in range(3):
        opt.zero_grad()
        loss().backward()
        opt.step()
    assert not unused.has_grad and opt.state.get(unused, {}).get("step", 0) == 0
    np.testing.assert_array_equal(unused.data, 1.0)
    assert np.all(np.asarray(used.data) != 1.0)


@pytest.mark.parametrize("engine", ["Value", "Tensor"])
def test_adam_unfrozen_after_three_steps_moves_lr_on_its_first_update(engine):
    # the reporter's case: a global step count gave 0.058 here; PyTorch moves lr = 0.1
    make = (lambda: Value(1.0)) if engine == "Value" else (lambda: Tensor(np.ones(1), requires_grad=True))
    a, b = make(), make()
    opt = Adam([a, b], lr=0.1)
    for step in range(4):
        opt.zero_grad()
        loss = a * a if step < 3 else a * a + b * b
        (loss if engine == "Value" else loss.sum()).backward()
        opt.step()
    assert float(np.asarray(b.data).ravel()[0]) == pytest.approx(1.0 - 0.1, rel=1e-6)
    assert opt.state[b]["step"] == 1 and opt.state[a]["step"] == 4


def test_has_grad_follows_backward_zero_grad_and_hand_set_gradients():
    v, t = Value(2.0), Tensor(np.ones(2), requires_grad=True)
    assert not v.has_grad and not t.has_grad
    (v * 0.0).backward()            # reached by backward: present even though it is 0.0
    (t * 0.0).sum().backward()
    assert v.has_grad and t.has_grad and v.grad == 0.0
    v.zero_grad(), t.zero_grad()
    assert not v.has_grad and not t.has_grad
    v.grad, t.grad = 0.5, np.zeros(2)  # set by hand: a nonzero Value grad, any Tensor grad
    assert v.has_grad and t.has_grad
    v.grad = 0.0
    assert not v.has_grad            # the documented limit: a hand-set 0.0 counts as none


def test_zero_grad_set_to_none_false_keeps_the_gradient_present():
    w, idle = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    opt = SGD([w, idle], lr=0.1, weight_decay=0.5)
    (w * 2.0).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.has_grad and not idle.has_grad
    np.testing.assert_array_equal(w.grad, 0.0)
    opt.step()  # weight decay still moves w (grad present and 0), not idle (never had one)
    np.testing.assert_allclose(w.data, 1.0 - 0.1 * 0.5)
    np.testing.assert_array_equal(idle.data, 1.0)


def test_model_zero_grad_and_freeze_clear_has_grad():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    model([Value(1.0), Value(-1.0)]).backward()
    assert all(p.has_grad for p in model.parameters())
    model.zero_grad()
    assert not any(p.has_grad for p in model.parameters())


# --- bug 3: clip_grad_norm_ as in PyTorch -----------------------------------------------

def test_clip_grad_norm_scales_all_gradients_together():
    a, b = Tensor(np.zeros(2), requires_grad=True), Value(0.0)
    a.grad, b.grad = np.array([3.0, 0.0]), 4.0
    norm = clip_grad_norm_([a, b], 1.0)
    assert isinstance(norm, Tensor) and norm.shape == () and norm.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [3.0 / (5.0 + 1e-6), 0.0])  # PyTorch's eps: 1e-6
    assert b.grad == pytest.approx(4.0 / (5.0 + 1e-6))


def test_clip_grad_norm_of_a_single_tensor_and_of_values():
    w = Tensor(np.zeros(2), requires_grad=True)
    w.grad = np.array([6.0, 8.0])
    assert clip_grad_norm_(w, 5.0).item() == pytest.approx(10.0)
    np.testing.assert_allclose(w.grad, [3.0, 4.0], rtol=1e-6)
    x, y = Value(0.0), Value(0.0)
    x.grad, y.grad = 3.0, -4.0
    norm = clip_grad_norm_([x, y], 100.0)
    assert isinstance(norm, float) and norm == pytest.approx(5.0)
    assert (x.grad, y.grad) == (3.0, -4.0)  # under max_norm: unchanged


def test_clip_grad_norm_max_norm_zero_and_other_norms():
    w = Tensor(np.zeros(3), requires_grad=True)
    w.grad = np.array([1.0, -2.0, 2.0])
    assert clip_grad_norm_([w], 0.0).item() == pytest.approx(3.0)
    np.testing.assert_array_equal(w.grad, 0.0)   # max_norm=0: every gradient becomes 0
    w.grad = np.array([1.0, -2.0, 2.0])
    assert clip_grad_norm_([w], 10.0, norm_type=math.inf).item() == pytest.approx(2.0)
    assert clip_grad_norm_([w], 10.0, norm_type=1).item() == pytest.approx(5.0)
    w.grad = np.array([1.0, np.inf, 0.0])
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def test_clip_grad_norm_skips_parameters_without_gradients():
    a, b = Tensor(np.zeros(2), requires_grad=True), Tensor(np.zeros(2), requires_grad=True)
    a.grad = np.array([3.0, 4.0])
    assert clip_grad_norm_([a, b], 1.0).item() == pytest.approx(5.0)
    assert not b.has_grad


# --- bug 4 and friends: clear errors ------------------------------------------------------

def test_a_model_instead_of_its_parameters_is_explained():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"model\.parameters\(\)"):
        optim.SGD(model, lr=0.1)
    with pytest.raises(TypeError, match=r"\[w\]"):
        optim.SGD(Value(1.0), lr=0.1)
    with pytest.raises(TypeError, match=r"model\.parameters\(\)"):
        clip_grad_norm_(model, 1.0)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be"):
        SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="nesterov"):
        SGD([Value(1.0)], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        Adam([Value(1.0)], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="more than one parameter group"):
        w = Value(1.0)
        SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


# --- issue 15: NumPy scalars accepted, non-finite or negative options refused ------------

ALL_OPTIMIZERS = [SGD, Adam, AdamW, RMSprop, Adagrad]


@pytest.mark.parametrize("opt_class", ALL_OPTIMIZERS)
@pytest.mark.parametrize("lr", [np.float32(0.01), np.float64(0.01), np.array(0.01), np.int64(1)])
def test_numpy_scalars_are_accepted_as_learning_rates(opt_class, lr):
    w, t = Value(1.0), Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    reference_w, reference_t = Value(1.0), Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    for params, learning_rate in (([w, t], lr), ([reference_w, reference_t], float(lr))):
        opt = opt_class(params, lr=learning_rate)
        assert type(opt.lr) is float
        for p in params:
            p.grad = np.full_like(p.data, 0.5) if isinstance(p, Tensor) else 0.5
        opt.step()
    assert type(w.data) is float and t.data.dtype == np.float32
    assert w.data == reference_w.data and np.array_equal(t.data, reference_t.data)
    assert w.data != 1.0                                  # it did move


@pytest.mark.parametrize("opt_class", ALL_OPTIMIZERS)
@pytest.mark.parametrize("lr", [math.inf, -math.inf, math.nan, -0.01, np.float32("nan"), "0.01", True, None])
def test_bad_learning_rates_are_refused(opt_class, lr):
    with pytest.raises(ValueError, match="lr must be a"):
        opt_class([Value(1.0)], lr=lr)
    opt = opt_class([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a"):
        opt.lr = lr
    with pytest.raises(ValueError, match="lr must be a"):
        opt_class([{"params": [Value(1.0)], "lr": lr}], lr=0.1)
    assert opt.lr == 0.1                                  # a refused value changes nothing


@pytest.mark.parametrize("make, option", [
    (lambda p: SGD(p, lr=0.1, momentum=-0.9), "momentum"),
    (lambda p: SGD(p, lr=0.1, momentum=math.inf), "momentum"),
    (lambda p: SGD(p, lr=0.1, weight_decay=math.nan), "weight_decay"),
    (lambda p: SGD([{"params": p, "momentum": -1.0}], lr=0.1), "momentum"),
    (lambda p: Adam(p, betas=(math.nan, 0.999)), "betas"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), "betas"),
    (lambda p: Adam(p, betas=(0.9,)), "betas"),
    (lambda p: Adam(p, betas=0.9), "betas"),
    (lambda p: AdamW(p, weight_decay=-0.01), "weight_decay"),
    (lambda p: Adam(p, eps=math.inf), "eps"),
    (lambda p: RMSprop(p, alpha=math.nan), "alpha"),
    (lambda p: Adagrad(p, lr_decay=-1.0), "lr_decay"),
])
def test_options_out_of_range_are_refused_by_name(make, option):
    with pytest.raises(ValueError, match=option):
        make([Value(1.0)])


def test_numpy_options_are_stored_as_floats():
    opt = Adam([Value(1.0)], lr=np.float32(0.5), betas=(np.float32(0.5), np.float64(0.25)),
               weight_decay=np.float16(0.5))
    group = opt.param_groups[0]
    assert group["betas"] == (0.5, 0.25) and group["lr"] == 0.5 and group["weight_decay"] == 0.5
    assert all(type(x) is float for x in (group["lr"], group["weight_decay"], *group["betas"]))


def test_schedulers_refuse_bad_factors_and_a_schedule_going_negative():
    opt = SGD([Value(1.0)], lr=0.1)
    for make in (lambda: StepLR(opt, 2, gamma=math.nan), lambda: ExponentialLR(opt, gamma=-0.5),
                 lambda: MultiStepLR(opt, [1], gamma=math.inf),
                 lambda: CosineAnnealingLR(opt, 10, eta_min=-1.0)):
        with pytest.raises(ValueError, match="gamma|eta_min"):
            make()
    scheduler = LambdaLR(opt, lambda epoch: 1.0 - epoch)  # 1, 0, then -1
    scheduler.step()
    assert opt.lr == 0.0
    with pytest.raises(ValueError, match=r"LambdaLR: the lr of param_groups\[0\] in epoch 2 must be"):
        scheduler.step()
    ExponentialLR(SGD([Value(1.0)], lr=0.1), gamma=np.float32(0.5)).step()  # NumPy factors are fine


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, foreach=True), lambda p: SGD(p, fused=True), lambda p: SGD(p, differentiable=True),
    lambda p: Adam(p, capturable=True), lambda p: AdamW(p, foreach=False),
    lambda p: RMSprop(p, capturable=True), lambda p: Adagrad(p, fused=True)])
def test_pytorch_speed_options_are_refused_by_name(make):
    with pytest.raises(ValueError, match=r"(foreach|fused|differentiable|capturable)=.* not supported"):
        make([Value(1.0)])
    clip = Tensor(np.zeros(1), requires_grad=True)
    with pytest.raises(ValueError, match="foreach"):
        clip_grad_norm_([clip], 1.0, foreach=True)


# --- PyTorch's positional order -------------------------------------------------------------

def test_positional_arguments_mean_what_they_mean_in_pytorch():
    opt = SGD([Value(1.0)], 0.1, 0.9, 0.1)  # lr, momentum, dampening
    assert opt.param_groups[0]["dampening"] == 0.1 and opt.param_groups[0]["nesterov"] is False
    opt = Adagrad([Value(1.0)], 0.1, 0.05)  # lr, lr_decay
    assert opt.param_groups[0]["lr_decay"] == 0.05 and opt.param_groups[0]["eps"] == 1e-10
    assert AdamW([Value(1.0)]).param_groups[0]["weight_decay"] == 1e-2


def test_public_names_only():
    assert "math" not in optim.__all__ and "np" not in optim.__all__
    assert sorted(dir(optim)) == sorted(optim.__all__)  # what optim.<Tab> offers
    assert all(hasattr(optim, name) for name in optim.__all__)
    assert {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LambdaLR", "StepLR", "MultiStepLR",
            "ExponentialLR", "CosineAnnealingLR", "clip_grad_norm_"} <= set(optim.__all__)


# --- parameter groups, state_dict ------------------------------------------------------------

def test_param_groups_have_their_own_learning_rates():
    a, b = Value(1.0), Value(1.0)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    a.grad = b.grad = 1.0
    opt.step()
    assert (a.data, b.data) == pytest.approx((0.9, 0.5))
    c = Value(1.0)
    opt.add_param_group({"params": c, "momentum": 0.9})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.9
    opt.lr = 0.01  # microdl's shorthand sets every group
    assert [g["lr"] for g in opt.param_groups] == [0.01] * 3


def test_named_parameters_are_accepted():
    model = nn.Linear(2, 1)
    opt = SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["params"] == list(model.parameters())
    assert opt.param_groups[0]["param_names"] == [n for n, _ in model.named_parameters()]


@pytest.mark.parametrize("opt_class, kwargs", [
    (SGD, dict(lr=0.1, momentum=0.9)), (Adam, dict(lr=0.1, amsgrad=True)),
    (RMSprop, dict(centered=True, momentum=0.5)), (Adagrad, {})])
def test_state_dict_round_trip_continues_the_same_path(opt_class, kwargs):
    def run(w, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            ((w * w) * np.array([1.0, 3.0])).sum().backward()
            opt.step()

    w = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = opt_class([w], **kwargs)
    run(w, opt, 3)
    saved = opt.state_dict()
    w2 = Tensor(w.data.copy(), requires_grad=True)
    opt2 = opt_class([w2], lr=123.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    run(w, opt, 4)
    run(w2, opt2, 4)
    np.testing.assert_array_equal(w.data, w2.data)
    buffers = [k for k, v in saved["state"][0].items() if isinstance(v, np.ndarray)]
    before = {k: opt.state[w][k].copy() for k in buffers}
    for k in buffers:
        saved["state"][0][k] *= 0  # in place: the optimizer's own buffers must not change
    assert buffers and all(np.array_equal(opt.state[w][k], before[k]) for k in buffers)


def test_load_state_dict_checks_the_groups():
    opt = SGD([Value(1.0), Value(2.0)], lr=0.1)
    with pytest.raises(ValueError, match="group 0 holds 2 parameters"):
        SGD([Value(1.0)], lr=0.1).load_state_dict(opt.state_dict())


# --- schedulers -----------------------------------------------------------------------------

def lrs_of(scheduler, steps):
    lrs = []
    for _ in range(steps):
        lrs.append(scheduler.optimizer.param_groups[0]["lr"])
        scheduler.step()
    return lrs


def test_schedules():
    p = Value(0.0)
    assert lrs_of(StepLR(SGD([p], lr=1.0), step_size=2, gamma=0.5), 5) == [1.0, 1.0, 0.5, 0.5, 0.25]
    lrs = lrs_of(CosineAnnealingLR(SGD([p], lr=1.0), T_max=4, eta_min=0.0), 5)
    expected = [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)]
    assert lrs == pytest.approx(expected, abs=1e-12)
    assert lrs_of(MultiStepLR(SGD([p], lr=1.0), [1, 3], gamma=0.5), 5) == [1.0, 0.5, 0.5, 0.25, 0.25]
    assert lrs_of(ExponentialLR(SGD([p], lr=1.0), gamma=0.5), 3) == [1.0, 0.5, 0.25]
    opt = SGD([p], lr=1.0)
    linear = LambdaLR(opt, lambda t: 1.0 - 0.9 * t / 100)   # micrograd's schedule
    linear.step()
    assert opt.lr == pytest.approx(0.991) and linear.get_last_lr() == [opt.lr]


def test_cosine_climbs_back_after_t_max():
    lrs = lrs_of(CosineAnnealingLR(SGD([Value(0.0)], lr=1.0), T_max=2), 5)
    assert lrs == pytest.approx([1.0, 0.5, 0.0, 0.5, 1.0], abs=1e-12)


def test_schedulers_chain_and_respect_a_hand_set_lr():
    opt = SGD([Value(0.0)], lr=1.0)
    halve, tenth = ExponentialLR(opt, gamma=0.5), StepLR(opt, step_size=2, gamma=0.1)
    lrs = []
    for _ in range(3):
        halve.step(), tenth.step()
        lrs.append(opt.lr)
    assert lrs == pytest.approx([0.5, 0.025, 0.0125])
    opt.lr = 8.0  # by hand: the next step multiplies it
    halve.step()
    assert opt.lr == 4.0 and halve.get_last_lr() == [4.0]


def test_scheduler_state_dict_resumes():
    opt = SGD([Value(0.0)], lr=1.0)
    cosine = CosineAnnealingLR(opt, T_max=10)
    lrs_of(cosine, 3)
    saved, lr = cosine.state_dict(), opt.lr
    assert "optimizer" not in saved and saved["last_epoch"] == 3
    opt2 = SGD([Value(0.0)], lr=lr)
    resumed = CosineAnnealingLR(opt2, T_max=10)
    resumed.load_state_dict(saved)
    opt2.lr = lr
    assert lrs_of(resumed, 4) == pytest.approx(lrs_of(cosine, 4), rel=1e-12)


def test_resuming_without_initial_lr_is_explained():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(SGD([Value(1.0)], lr=0.1), step_size=2, last_epoch=3)
