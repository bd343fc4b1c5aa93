"""PyTorch as a second opinion on the tensor ops and the losses, in float64: the same
signatures (inspect.signature), the same values and the same gradients, for every loss
option, the bugs of issue 14 (vector matmul, x**0, boolean masks, arrays given to F),
and random small programs built from the tensor ops."""
import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microdl.nn.functional as F
from microdl import Tensor, Value
from microdl import nn
from microdl.nn import losses

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the parity suite needs it "
                                             "(pip install torch==2.13.0, CPU build)")
TF = torch.nn.functional
FAST = settings(max_examples=30, deadline=None)


def pair(array):
    """The same float64 array as a microdl Tensor and a torch tensor, both taking gradients."""
    array = np.asarray(array, dtype=np.float64)
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array, requires_grad=True)


def agree(ours, theirs, x, tx, rtol=1e-10, atol=1e-12):
    """Values equal; then gradients of a weighted sum (random weights) equal too."""
    theirs_value = theirs.detach().numpy()
    np.testing.assert_allclose(ours.data, theirs_value, rtol=rtol, atol=atol)
    weights = np.random.default_rng(0).normal(size=theirs_value.shape)
    (ours * Tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    for mine, reference in zip(x if isinstance(x, tuple) else (x,), tx if isinstance(tx, tuple) else (tx,)):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=rtol, atol=atol)


def as_torch(value):
    return None if value is None else torch.tensor(np.asarray(value, dtype=np.float64))


# --- signatures -------------------------------------------------------------------------

FUNCTIONS = ["cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
             "binary_cross_entropy_with_logits", "kl_div", "softmax", "log_softmax", "relu",
             "tanh", "sigmoid", "leaky_relu"]
MODULES = ["MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss"]


def parameters(function):
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_signatures_are_torchs(name):
    assert parameters(getattr(F, name)) == parameters(getattr(TF, name))
    if hasattr(losses, name):  # the two-engine losses take the same arguments
        assert parameters(getattr(losses, name)) == parameters(getattr(TF, name))


@pytest.mark.parametrize("name", MODULES)
def test_loss_module_signatures_are_torchs(name):
    ours, theirs = getattr(losses, name), getattr(torch.nn, name)
    assert getattr(nn, name) is ours                           # nn.CrossEntropyLoss, as torch.nn
    assert parameters(ours) == parameters(theirs)
    assert parameters(ours.forward) == parameters(theirs.forward)


def test_the_old_positional_reduction_is_refused_not_misread():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="3rd argument is weight.*reduction='sum'"):
        F.cross_entropy(x, [0, 1], "sum")
    with pytest.raises(TypeError, match="size_average.*reduction='none'"):
        F.mse_loss(x, np.zeros((2, 3)), "none")
    with pytest.raises(ValueError, match=r"relu\(inplace=True\) is not supported"):
        F.relu(x, inplace=True)


def test_deprecated_size_average_and_reduce_map_as_torch():
    x, tx = pair(np.arange(6.0).reshape(2, 3))
    for size_average, reduce in [(False, None), (None, False), (True, True), (False, True)]:
        with pytest.warns(UserWarning, match="deprecated"):
            ours = F.mse_loss(x, np.ones((2, 3)), size_average, reduce)
        with pytest.warns(UserWarning):
            theirs = TF.mse_loss(tx, torch.ones(2, 3), size_average, reduce)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy())


# --- cross-entropy and nll ---------------------------------------------------------------

CE_OPTIONS = [{}, {"weight": [0.2, 1.0, 3.0, 0.5]}, {"ignore_index": 2}, {"label_smoothing": 0.3},
              {"weight": [0.2, 1.0, 3.0, 0.5], "ignore_index": 1, "label_smoothing": 0.1}]
SHAPES = [(5, 4), (3, 4, 2), (2, 4, 3, 2), (4,)]


@pytest.mark.parametrize("options", CE_OPTIONS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_and_nll_with_class_indices(options, shape, reduction):
    rng = np.random.default_rng(len(shape))
    logits = rng.normal(size=shape) * 3
    samples = shape[:1] + shape[2:] if len(shape) > 1 else ()
    target = rng.integers(0, 4, samples)
    torch_options = {k: (as_torch(v) if k == "weight" else v) for k, v in options.items()}
    x, tx = pair(logits)
    agree(F.cross_entropy(x, target, reduction=reduction, **options),
          TF.cross_entropy(tx, torch.tensor(target), reduction=reduction, **torch_options), x, tx)
    nll_options = {k: v for k, v in options.items() if k != "label_smoothing"}
    nll_torch = {k: v for k, v in torch_options.items() if k != "label_smoothing"}
    x, tx = pair(logits)
    agree(F.nll_loss(x, target, reduction=reduction, **nll_options),
          TF.nll_loss(tx, torch.tensor(target), reduction=reduction, **nll_torch), x, tx)


@pytest.mark.parametrize("options", [{}, {"weight": [0.2, 1.0, 3.0, 0.5]}, {"label_smoothing": 0.25}])
@pytest.mark.parametrize("shape", [(5, 4), (2, 4, 3)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_probability_targets(options, shape, reduction):
    rng = np.random.default_rng(3)
    probabilities = np.moveaxis(rng.dirichlet(np.ones(4), size=(shape[0],) + shape[2:]), -1, 1)
    torch_options = {k: (as_torch(v) if k == "weight" else v) for k, v in options.items()}
    x, tx = pair(rng.normal(size=shape))
    agree(F.cross_entropy(x, probabilities, reduction=reduction, **options),
          TF.cross_entropy(tx, torch.tensor(probabilities), reduction=reduction, **torch_options), x, tx)
    with pytest.raises(ValueError, match="ignore_index=1 is not supported with probability"):
        F.cross_entropy(x, probabilities, ignore_index=1)


def test_cross_entropy_of_all_ignored_targets_is_nan_as_torch():
    x, tx = pair(np.ones((2, 3)))
    assert math.isnan(F.cross_entropy(x, [-100, -100]).item())
    assert math.isnan(TF.cross_entropy(tx, torch.tensor([-100, -100])).item())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_scalar_engine_cross_entropy_options_match_torch(reduction):
    rng = np.random.default_rng(5)
    logits, target = rng.normal(size=(4, 3)), [0, 2, 1, 2]
    options = {"weight": [0.5, 2.0, 1.0], "ignore_index": 1, "label_smoothing": 0.2}
    rows = [[Value(v) for v in row] for row in logits]
    ours = losses.cross_entropy(rows, target, reduction=reduction, **options)
    tx = torch.tensor(logits, requires_grad=True)
    theirs = TF.cross_entropy(tx, torch.tensor(target), reduction=reduction,
                              weight=as_torch(options["weight"]), ignore_index=1, label_smoothing=0.2)
    total = Value.sum(ours) if reduction == "none" else ours
    total.backward()
    theirs.sum().backward()
    assert total.data == pytest.approx(theirs.sum().item(), rel=1e-12)
    np.testing.assert_allclose([[v.grad for v in row] for row in rows], tx.grad.numpy(), rtol=1e-10, atol=1e-14)
    rows = [[Value(v) for v in row] for row in logits]
    nll = losses.nll_loss(rows, target, weight=options["weight"], ignore_index=1, reduction=reduction)
    reference = TF.nll_loss(torch.tensor(logits), torch.tensor(target), as_torch(options["weight"]),
                            ignore_index=1, reduction=reduction)
    np.testing.assert_allclose([v.data for v in nll] if reduction == "none" else nll.data,
                               reference.numpy(), rtol=1e-12)


# --- binary cross-entropy, mse, kl ----------------------------------------------------------

@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_clamps_and_weights_as_torch(reduction, weighted):
    p = np.array([[0.0, 1.0, 0.3], [1e-50, 0.999, 0.5]])
    y = np.array([[1.0, 0.0, 0.2], [1.0, 1.0, 0.0]])
    weight = np.array([0.5, 2.0, 1.0]) if weighted else None
    x, tx = pair(p)
    agree(F.binary_cross_entropy(x, y, weight, reduction=reduction),
          TF.binary_cross_entropy(tx, torch.tensor(y), as_torch(weight), reduction=reduction), x, tx,
          rtol=1e-9)
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        F.binary_cross_entropy(Tensor([1.5]), [1.0])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [{}, {"weight": [0.5, 2.0, 1.0]}, {"pos_weight": [3.0, 0.5, 1.0]},
                                     {"weight": [[2.0], [0.1]], "pos_weight": [3.0, 0.5, 1.0]}])
def test_binary_cross_entropy_with_logits_options_as_torch(reduction, options):
    z = np.array([[-1000.0, 2.0, 0.3], [1000.0, -0.7, 0.0]])
    y = np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 1.0]])
    torch_options = {k: as_torch(v) for k, v in options.items()}
    x, tx = pair(z)
    agree(F.binary_cross_entropy_with_logits(x, y, reduction=reduction, **options),
          TF.binary_cross_entropy_with_logits(tx, torch.tensor(y), reduction=reduction, **torch_options),
          x, tx)


def test_scalar_engine_binary_losses_match_torch():
    z, y = [2.0, -1.0, 0.3], [1.0, 0.0, 1.0]
    ours = losses.binary_cross_entropy_with_logits([Value(v) for v in z], y, weight=[1.0, 2.0, 0.5],
                                                   pos_weight=3.0)
    theirs = TF.binary_cross_entropy_with_logits(as_torch(z), as_torch(y), as_torch([1.0, 2.0, 0.5]),
                                                 pos_weight=as_torch([3.0]))
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    ours = losses.binary_cross_entropy([Value(0.0), Value(0.4)], [1.0, 0.0], reduction="sum")
    theirs = TF.binary_cross_entropy(as_torch([0.0, 0.4]), as_torch([1.0, 0.0]), reduction="sum")
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)   # log 0 clamped at -100


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_with_weight_as_torch(reduction):
    rng = np.random.default_rng(2)
    prediction, target, weight = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.random((3, 2))
    x, tx = pair(prediction)
    agree(F.mse_loss(x, target, weight=weight, reduction=reduction),
          TF.mse_loss(tx, torch.tensor(target), weight=torch.tensor(weight), reduction=reduction), x, tx)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_takes_log_probabilities_as_torch(reduction, log_target):
    rng = np.random.default_rng(4)
    log_q = np.log(rng.dirichlet(np.ones(3), size=4))
    p = rng.dirichlet(np.ones(3), size=4)
    p[0, 1] = 0.0                                               # 0 log 0 = 0
    target = np.log(p + 1e-3) if log_target else p
    x, tx = pair(log_q)
    agree(F.kl_div(x, target, reduction=reduction, log_target=log_target),
          TF.kl_div(tx, torch.tensor(target), reduction=reduction, log_target=log_target), x, tx)
    module = losses.KLDivLoss(reduction=reduction, log_target=log_target)
    theirs = torch.nn.KLDivLoss(reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(module(Tensor(log_q), target).data,
                               theirs(torch.tensor(log_q), torch.tensor(target)).numpy(), rtol=1e-12)


def test_loss_modules_compute_torchs_numbers():
    rng = np.random.default_rng(6)
    logits, target = rng.normal(size=(4, 3)), np.array([0, 2, 1, 1])
    weight = np.array([0.3, 1.0, 2.0])
    pairs = [(losses.CrossEntropyLoss(Tensor(weight), ignore_index=1, label_smoothing=0.1),
              torch.nn.CrossEntropyLoss(as_torch(weight), ignore_index=1, label_smoothing=0.1)),
             (losses.NLLLoss(weight, reduction="sum"), torch.nn.NLLLoss(as_torch(weight), reduction="sum"))]
    for ours, theirs in pairs:
        assert ours(Tensor(logits), target).item() == pytest.approx(
            theirs(torch.tensor(logits), torch.tensor(target)).item(), rel=1e-12)
    probabilities, labels = 1 / (1 + np.exp(-logits)), (logits > 0).astype(float)
    pairs = [(losses.BCELoss(weight, reduction="none"), torch.nn.BCELoss(as_torch(weight), reduction="none")),
             (losses.BCEWithLogitsLoss(pos_weight=weight), torch.nn.BCEWithLogitsLoss(pos_weight=as_torch(weight))),
             (losses.MSELoss(reduction="sum"), torch.nn.MSELoss(reduction="sum"))]
    for ours, theirs in pairs:
        given = logits if "Logits" in type(ours).__name__ or "MSE" in type(ours).__name__ else probabilities
        np.testing.assert_allclose(ours(Tensor(given), labels).data,
                                   theirs(torch.tensor(given), torch.tensor(labels)).numpy(), rtol=1e-12)


# --- softmax, and arrays given to F ---------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (2, 3, 2, 2)])
def test_softmax_dim_and_torchs_implicit_dim(shape):
    data = np.random.default_rng(7).normal(size=shape)
    for dim in range(-len(shape), len(shape)):
        for ours, theirs in [(F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)]:
            x, tx = pair(data)
            agree(ours(x, dim=dim), theirs(tx, dim=dim), x, tx)
    with pytest.warns(UserWarning, match="Implicit|dim") if len(shape) > 1 else _no_warning():
        implicit = F.softmax(Tensor(data))
    with pytest.warns(UserWarning):
        np.testing.assert_allclose(implicit.data, TF.softmax(torch.tensor(data)).numpy(), rtol=1e-12)


class _no_warning:
    def __enter__(self):
        import warnings
        self.catcher = warnings.catch_warnings()
        self.catcher.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self.catcher.__exit__(*exc)


def test_functional_takes_arrays_and_lists_and_names_the_loss_for_values():
    """Bug 9: F given a NumPy array or a list reads it as the Tensor it means."""
    data = np.array([[1.0, -2.0, 0.5]])
    for name, args in [("relu", ()), ("tanh", ()), ("sigmoid", ()), ("leaky_relu", (0.1,)),
                       ("softmax", (1,)), ("log_softmax", (1,))]:
        ours = getattr(F, name)(data, *args)
        assert isinstance(ours, Tensor)
        np.testing.assert_allclose(ours.data, getattr(TF, name)(torch.tensor(data), *args).numpy())
    assert F.relu([1.0, -2.0]).data.tolist() == [1.0, 0.0]
    assert F.cross_entropy(data, [0]).item() == pytest.approx(TF.cross_entropy(torch.tensor(data), torch.tensor([0])).item())
    assert F.mse_loss([1.0, 2.0], [0.0, 0.0]).item() == pytest.approx(2.5)
    assert F.binary_cross_entropy_with_logits(data, np.ones((1, 3))).item() == pytest.approx(
        TF.binary_cross_entropy_with_logits(torch.tensor(data), torch.ones(1, 3)).item())
    with pytest.raises(TypeError, match="Use microdl.nn.losses.cross_entropy, which serves both"):
        F.cross_entropy([[Value(1.0), Value(2.0)]], [0])
    with pytest.raises(TypeError, match=r"v.relu\(\)"):
        F.relu([Value(1.0)])


# --- issue 14's tensor bugs ------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((4, 2, 3), (3, 5)),
                                    ((3,), (4, 3, 2)), ((2, 1, 2, 3), (3, 3, 1)), ((4, 2, 3), (3,))])
def test_matmul_of_vectors_matrices_and_stacks_as_torch(shapes):
    """Bug 1: (a @ b).backward() with 1-D a and b raised AxisError."""
    rng = np.random.default_rng(8)
    (a, ta), (b, tb) = pair(rng.normal(size=shapes[0])), pair(rng.normal(size=shapes[1]))
    agree(a @ b, ta @ tb, (a, b), (ta, tb))


def test_matmul_stacks_that_do_not_broadcast_are_explained():
    with pytest.raises(ValueError, match=r"batch\) dimensions \(2,\) and \(3,\)"):
        Tensor(np.ones((2, 2, 3))) @ Tensor(np.ones((3, 3, 2)))


@pytest.mark.filterwarnings("ignore:.*divide:RuntimeWarning", "ignore:.*divides by zero:RuntimeWarning",
                            "ignore:.*has no derivative in the exponent:RuntimeWarning")
def test_power_zero_has_torchs_gradients_in_both_engines():
    """Bug 3: x ** 0 and 0 ** 0 gave nan gradients."""
    x, tx = pair([0.0, 1.0, -2.0])
    agree(x ** 0, tx ** 0, x, tx)
    for base, exponent in [(0.0, 0.0), (0.0, 2.0), (0.0, -1.0), (0.0, 0.5), (2.0, 0.0), (-2.0, 0.0), (3.0, 1.5)]:
        (a, ta), (b, tb) = pair(base), pair(exponent)
        agree(a ** b, ta ** tb, (a, b), (ta, tb))
        ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (base, exponent))
        (ta ** tb).backward()
        va, vb = Value(base), Value(exponent)
        (va ** vb).backward()
        np.testing.assert_allclose([va.grad, vb.grad], [ta.grad.item(), tb.grad.item()])
    va = Value(0.0)
    (va ** 0).backward()
    assert va.grad == 0.0


@pytest.mark.parametrize("make_mask", [lambda m: Tensor(m), lambda m: m, lambda m: m.tolist()])
def test_boolean_masks_select_as_torch(make_mask):
    """Bug 4: a boolean Tensor used as an index picked elements 0 and 1."""
    mask = np.array([True, False, True])
    x, tx = pair([10.0, 20.0, 30.0])
    agree(x[make_mask(mask)], tx[torch.tensor(mask)], x, tx)
    grid = np.random.default_rng(9).normal(size=(3, 4))
    mask2 = grid > 0
    x, tx = pair(grid)
    agree(x[make_mask(mask2)], tx[torch.tensor(mask2)], x, tx)
    x, tx = pair(grid)
    agree(x[make_mask(mask), 1:], tx[torch.tensor(mask), 1:], x, tx)
    assert Tensor([True, False]).dtype == np.bool_
    assert (Tensor([True, False]) * 2.0).data.tolist() == [2.0, 0.0]


# --- random programs -----------------------------------------------------------------------

UNARY = ["tanh", "sigmoid", "exp_small", "relu_shifted", "abs_shifted", "square", "log_abs", "neg"]
BINARY = ["+", "-", "*", "/"]
REDUCE = ["sum", "mean", "max"]


def unary(name, x, engine):
    """One elementwise op, written so that both engines take the same branch."""
    if name == "tanh":
        return x.tanh()
    if name == "sigmoid":
        return x.sigmoid()
    if name == "exp_small":
        return (x * 0.3).exp()
    if name == "relu_shifted":
        return (x + 0.0123).relu()
    if name == "abs_shifted":
        return (x - 0.0321).abs()
    if name == "square":
        return x ** 2
    if name == "log_abs":
        return ((x * x) + 1.0).log()
    return -x


def binary(symbol, x, y):
    if symbol == "+":
        return x + y
    if symbol == "-":
        return x - y
    if symbol == "*":
        return x * y
    return x / (y * y + 0.5)


def reduce(name, x, axis, keep, engine):
    if name == "max":  # torch's max(dim) returns (values, indices); the values are the same
        return x.max(axis=axis, keepdims=keep) if engine == "microdl" else x.max(dim=axis, keepdim=keep).values
    return getattr(x, name)(dim=axis, keepdim=keep)          # microdl takes torch's names too


@st.composite
def programs(draw):
    """A list of steps on a (rows, cols) tensor; every step gives a (rows, cols) tensor back."""
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    steps = []
    for _ in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["unary", "binary", "broadcast", "reduce", "matmul", "index",
                                     "transpose", "reshape", "softmax"]))
        steps.append((kind, draw(st.sampled_from(UNARY)), draw(st.sampled_from(BINARY)),
                      draw(st.sampled_from(REDUCE)), draw(st.integers(0, 1)), draw(st.booleans())))
    loss = draw(st.sampled_from(["sum", "mse", "cross_entropy", "bce_logits", "nll"]))
    return (rows, cols), steps, loss, draw(st.integers(0, 2 ** 16))


def run(program, engine):
    """Run a program in one engine; returns the output and the leaves."""
    (rows, cols), steps, loss, seed = program
    rng = np.random.default_rng(seed)
    datas = [rng.normal(size=(rows, cols)) for _ in range(3)]
    if engine == "microdl":
        leaves = [Tensor(d, requires_grad=True) for d in datas]
        functional, wrap = F, Tensor
    else:
        leaves = [torch.tensor(d, requires_grad=True) for d in datas]
        functional, wrap = TF, torch.tensor
    x, other, weight = leaves
    for kind, u, b, r, axis, keep in steps:
        if kind == "unary":
            x = unary(u, x, engine)
        elif kind == "binary":
            x = binary(b, x, other)
        elif kind == "broadcast":
            x = binary(b, x, other[:1])                       # (1, cols) broadcast over rows
        elif kind == "reduce":
            x = reduce(r, x, axis, True, engine) * other       # keepdim, broadcast back
        elif kind == "matmul":
            x = (x @ weight.T) @ other / cols
        elif kind == "index":
            x = x[wrap(np.arange(rows) % 2 == 0)].sum(0) * other + x
        elif kind == "transpose":
            x = (x.T @ other.T).T / cols * x if rows == cols else x.T.T
        elif kind == "reshape":
            x = x.reshape(-1).reshape(cols, rows).T.reshape(rows, cols)
        else:
            x = functional.softmax(x, dim=axis) + x
    target = np.random.default_rng(seed + 1).integers(0, cols, rows)
    if loss == "sum":
        return x.sum(), leaves
    if loss == "mse":
        return functional.mse_loss(x, wrap(np.ones((rows, cols)))), leaves
    if loss == "bce_logits":
        return functional.binary_cross_entropy_with_logits(x, wrap((datas[1] > 0) * 1.0)), leaves
    if loss == "nll":
        return functional.nll_loss(functional.log_softmax(x, dim=1), wrap(target)), leaves
    return functional.cross_entropy(x, wrap(target), label_smoothing=0.1), leaves


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_programs_agree_with_torch(program):
    ours, leaves = run(program, "microdl")
    theirs, torch_leaves = run(program, "torch")
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-9, abs=1e-12)
    ours.backward()
    theirs.backward()
    for mine, reference in zip(leaves, torch_leaves):
        expected = np.zeros_like(mine.data) if reference.grad is None else reference.grad.numpy()
        np.testing.assert_allclose(mine.grad, expected, rtol=1e-8, atol=1e-10)
