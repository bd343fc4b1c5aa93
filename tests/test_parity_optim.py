"""Optimizers, schedulers and clip_grad_norm_ against PyTorch: same calls, same numbers.

Every case runs 25 steps in float64 on a small problem, for one Tensor parameter and for
scalar Value parameters, and compares every coordinate with PyTorch to 1e-10 relative.
"""
import inspect
import math

import numpy as np
import pytest

from microdl import Tensor, Value, optim

torch = pytest.importorskip("torch", reason="PyTorch is the second opinion for optim parity "
                                            "(pip install -e '.[torch]')")

STEPS, RTOL = 25, 1e-10
START = np.array([0.8, -1.3, 2.1])
CENTRE, SCALE = np.array([0.3, 0.5, -0.7]), np.array([1.0, 3.0, 0.5])

CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
]
IDS = [f"{name}-{'-'.join(map(str, kwargs.values()))}" for name, kwargs in CASES]


def loss_terms(w, i):
    """One coordinate's loss, the same expression in every engine: s (w - c)^2 + w^4 / 10."""
    d = w - CENTRE[i]
    return d * d * SCALE[i] + w ** 4 * 0.1


def torch_run(name, kwargs, frozen_until=0, steps=STEPS):
    """PyTorch's path; coordinate 2 is frozen (no gradient) for the first frozen_until steps."""
    w = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = getattr(torch.optim, name)(w, **kwargs)
    path = []
    for step in range(steps):
        w[2].requires_grad_(step >= frozen_until)
        opt.zero_grad()
        sum(loss_terms(wi, i) for i, wi in enumerate(w)).backward()
        opt.step()
        path.append([wi.item() for wi in w])
    return np.array(path), opt


def values_run(name, kwargs, frozen_until=0, steps=STEPS):
    w = [Value(float(x)) for x in START]
    opt = getattr(optim, name)(w, **kwargs)
    path = []
    for step in range(steps):
        w[2].requires_grad = step >= frozen_until
        opt.zero_grad()
        loss = loss_terms(w[0], 0)
        for i in (1, 2):
            loss = loss + loss_terms(w[i], i)
        loss.backward()
        opt.step()
        path.append([wi.data for wi in w])
    assert all(type(wi.data) is float for wi in w)  # a Value's data stays a Python float
    return np.array(path), opt


def tensor_run(name, kwargs, steps=STEPS):
    w = Tensor(START.copy(), requires_grad=True)
    opt = getattr(optim, name)([w], **kwargs)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        d = w - CENTRE
        (d * d * SCALE + w ** 4 * 0.1).sum().backward()
        opt.step()
        path.append(w.data.copy())
    assert w.data.dtype == np.float64
    return np.array(path), opt


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_tensor_parameter_follows_pytorch(name, kwargs):
    ours, _ = tensor_run(name, kwargs)
    theirs, _ = torch_run(name, kwargs)
    assert np.abs(ours[-1] - START).min() > 1e-3  # the parameters really moved
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0)


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_value_parameters_follow_pytorch(name, kwargs):
    ours, _ = values_run(name, kwargs)
    theirs, _ = torch_run(name, kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0)


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_a_parameter_unfrozen_later_follows_pytorch(name, kwargs):
    ours, _ = values_run(name, kwargs, frozen_until=10)
    theirs, _ = torch_run(name, kwargs, frozen_until=10)
    assert np.all(theirs[:10, 2] == START[2])  # PyTorch left it alone while it had no grad
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=0)


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_state_dict_matches_pytorch_and_round_trips(name, kwargs):
    _, ours = values_run(name, kwargs, steps=5)
    _, theirs = torch_run(name, kwargs, steps=5)
    ours_saved, theirs_saved = ours.state_dict(), theirs.state_dict()
    assert ours_saved["state"].keys() == theirs_saved["state"].keys()
    for index, buffers in theirs_saved["state"].items():
        assert ours_saved["state"][index].keys() == buffers.keys()
        for key, value in buffers.items():
            assert ours_saved["state"][index][key] == pytest.approx(float(value), rel=RTOL)
    ours_group, theirs_group = ours_saved["param_groups"][0], theirs_saved["param_groups"][0]
    for key, value in ours_group.items():
        assert theirs_group[key] == value, key
    fresh = getattr(optim, name)([Value(0.0) for _ in START], lr=1.0)
    fresh.load_state_dict(ours_saved)
    assert fresh.state_dict() == ours_saved


# --- schedulers: the lr, step by step -----------------------------------------------------

SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=6)),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1.0 / (1 + epoch))),
]
SCHEDULER_IDS = [f"{name}{i}" for i, (name, _) in enumerate(SCHEDULERS)]


def scheduled_lrs(module, optimizer_class, schedulers, steps=20, set_lr_at=None):
    """The lr of each of two groups after every step of the given schedulers."""
    params = [Value(1.0), Value(2.0)] if module is optim else \
        [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    opt = getattr(module, optimizer_class)([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.3}],
                                           lr=0.1)
    scheds = [getattr(module if module is optim else module.lr_scheduler, name)(opt, **kwargs)
              for name, kwargs in schedulers]
    lrs = [[g["lr"] for g in opt.param_groups]]
    for step in range(steps):
        opt.step()  # no gradients: nothing moves; PyTorch wants step() before the scheduler's
        if step == set_lr_at:
            for group in opt.param_groups:
                group["lr"] = 0.05
        for s in scheds:
            s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    assert scheds[-1].get_last_lr() == lrs[-1]
    return np.array(lrs)


@pytest.mark.parametrize("name, kwargs", SCHEDULERS, ids=SCHEDULER_IDS)
def test_scheduler_follows_pytorch(name, kwargs):
    ours = scheduled_lrs(optim, "SGD", [(name, kwargs)])
    theirs = scheduled_lrs(torch.optim, "SGD", [(name, kwargs)])
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("name, kwargs", SCHEDULERS[:5], ids=SCHEDULER_IDS[:5])
def test_scheduler_after_a_hand_set_lr_follows_pytorch(name, kwargs):
    ours = scheduled_lrs(optim, "Adam", [(name, kwargs)], set_lr_at=7)
    theirs = scheduled_lrs(torch.optim, "Adam", [(name, kwargs)], set_lr_at=7)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("pair", [[SCHEDULERS[2], SCHEDULERS[0]], [SCHEDULERS[3], SCHEDULERS[1]],
                                  [SCHEDULERS[1], SCHEDULERS[5]]],
                         ids=["exp+step", "cos+multistep", "multistep+lambda"])
def test_chained_schedulers_follow_pytorch(pair):
    ours = scheduled_lrs(optim, "SGD", pair)
    theirs = scheduled_lrs(torch.optim, "SGD", pair)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-15)


def test_scheduler_state_dict_matches_pytorch():
    def saved(module):
        p = Value(1.0) if module is optim else torch.zeros(1, requires_grad=True)
        opt = module.SGD([p], lr=0.1)
        s = (optim if module is optim else torch.optim.lr_scheduler).CosineAnnealingLR(opt, T_max=5)
        for _ in range(3):
            opt.step()
            s.step()
        return s.state_dict()

    ours, theirs = saved(optim), saved(torch.optim)
    for key in ("base_lrs", "last_epoch", "_step_count", "T_max", "eta_min", "_last_lr"):
        assert ours[key] == pytest.approx(theirs[key], rel=RTOL), key


# --- clip_grad_norm_ ----------------------------------------------------------------------------

@pytest.mark.parametrize("max_norm", [0.0, 0.5, 100.0])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_follows_pytorch(max_norm, norm_type):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    ours = [Tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    unused_ours, unused_theirs = Tensor(np.zeros(2), requires_grad=True), torch.zeros(2, requires_grad=True)
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = g.copy(), torch.from_numpy(g.copy())
    norm = optim.clip_grad_norm_(ours + [unused_ours], max_norm, norm_type)
    torch_norm = torch.nn.utils.clip_grad_norm_(theirs + [unused_theirs], max_norm, norm_type)
    assert norm.item() == pytest.approx(torch_norm.item(), rel=RTOL)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=RTOL, atol=1e-300)
    values = [Value(0.0) for _ in range(3)]
    for v, g in zip(values, grads[1]):
        v.grad = float(g)
    value_norm = optim.clip_grad_norm_(values, max_norm, norm_type)
    single = torch.tensor(grads[1][:3])
    assert value_norm == pytest.approx(float(torch.linalg.vector_norm(single, norm_type)), rel=RTOL)


# --- signatures: same names, order, kinds and defaults as PyTorch ------------------------------

#: the one list of deliberate signature differences (also in README "Differences from PyTorch")
SIGNATURE_DIFFERENCES = {}


def public_callables():
    """(ours, PyTorch's) for every public class, method and function PyTorch also has."""
    pairs = [(optim.clip_grad_norm_, torch.nn.utils.clip_grad_norm_)]
    for name in optim.__all__:
        ours = getattr(optim, name)
        theirs = getattr(torch.optim, name, None) or getattr(torch.optim.lr_scheduler, name, None)
        if inspect.isclass(ours) and theirs is not None:
            pairs.append((ours, theirs))
            for method in ("step", "zero_grad", "state_dict", "load_state_dict", "add_param_group",
                           "get_last_lr", "get_lr"):
                if hasattr(ours, method) and hasattr(theirs, method):
                    pairs.append((getattr(ours, method), getattr(theirs, method)))
    unique = {(ours.__qualname__, theirs.__qualname__): (ours, theirs) for ours, theirs in pairs}
    return list(unique.values())  # an inherited method once


def described(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("ours, theirs", public_callables(), ids=lambda f: getattr(f, "__qualname__", str(f)))
def test_signature_matches_pytorch(ours, theirs):
    expected = SIGNATURE_DIFFERENCES.get(ours.__qualname__, described(theirs))
    assert described(ours) == expected


def test_every_public_name_pytorch_has_is_compared():
    compared = {ours.__name__ for ours, _ in public_callables()}
    assert set(optim.__all__) <= compared


@pytest.mark.parametrize("name, kwargs", SCHEDULERS[:5], ids=SCHEDULER_IDS[:5])
def test_scheduler_resumed_with_last_epoch_follows_pytorch(name, kwargs):
    def lrs(module):
        p = Value(1.0) if module is optim else torch.zeros(1, requires_grad=True)
        opt = module.SGD([{"params": [p], "lr": 0.2, "initial_lr": 0.4}], lr=0.1)
        schedulers = optim if module is optim else torch.optim.lr_scheduler
        scheduler = getattr(schedulers, name)(opt, last_epoch=4, **kwargs)
        out = [opt.param_groups[0]["lr"]]
        for _ in range(8):
            opt.step()
            scheduler.step()
            out.append(opt.param_groups[0]["lr"])
        return out

    np.testing.assert_allclose(lrs(optim), lrs(torch.optim), rtol=RTOL, atol=1e-15)
