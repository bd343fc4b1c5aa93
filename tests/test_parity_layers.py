"""Layers against PyTorch, in float64: conv, pooling, batch norm, dropout, default init,
state_dict; values, gradients and signatures (inspect.signature against torch's)."""
import ast
import inspect
import math

import numpy as np
import pytest

import microdl.nn.functional as F
from microdl import Tensor, io, nn

torch = pytest.importorskip("torch", reason="PyTorch is the second opinion here; install -e '.[torch]'")
TF = torch.nn.functional


# --- signatures ----------------------------------------------------------------------------

def torch_parameters(fn):
    """[(name, kind, default)] of a torch function or class, read from its docstring's first
    line when it is a builtin without a signature (conv2d, avg_pool2d)."""
    if fn is TF.max_pool2d:          # a boolean dispatch wrapper over _max_pool2d
        fn = TF._max_pool2d
    try:
        params = list(inspect.signature(fn).parameters.values())
    except ValueError:
        head = fn.__doc__.strip().splitlines()[0].split(" -> ")[0]
        args = ast.parse(f"def {head}: pass").body[0].args
        defaults = [None] * (len(args.args) - len(args.defaults)) + args.defaults
        return [(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                 inspect.Parameter.empty if d is None else ast.literal_eval(d))
                for a, d in zip(args.args, defaults)]
    return [(p.name, p.kind, p.default) for p in params
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


SIGNATURE_PAIRS = [
    (F.conv2d, TF.conv2d), (F.max_pool2d, TF.max_pool2d), (F.avg_pool2d, TF.avg_pool2d),
    (F.batch_norm, TF.batch_norm), (F.dropout, TF.dropout),
    (nn.Conv2d, torch.nn.Conv2d), (nn.Linear, torch.nn.Linear), (nn.MaxPool2d, torch.nn.MaxPool2d),
    (nn.AvgPool2d, torch.nn.AvgPool2d), (nn.BatchNorm1d, torch.nn.BatchNorm1d),
    (nn.BatchNorm2d, torch.nn.BatchNorm2d), (nn.Dropout, torch.nn.Dropout), (nn.Flatten, torch.nn.Flatten),
    (nn.Softmax, torch.nn.Softmax), (nn.LogSoftmax, torch.nn.LogSoftmax),
    (nn.Module.state_dict, torch.nn.Module.state_dict),
    (nn.Module.load_state_dict, torch.nn.Module.load_state_dict),
]


@pytest.mark.parametrize("ours, theirs", SIGNATURE_PAIRS, ids=lambda f: getattr(f, "__qualname__", "?"))
def test_signature_matches_pytorch(ours, theirs):
    """Torch's positional parameters, in order, with the same defaults; torch's keyword
    options (and device/dtype) accepted by name with the same default."""
    mine = {p.name: p for p in inspect.signature(ours).parameters.values()}
    positional = [p for p in mine.values() if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]
    expected = [(name, default) for name, kind, default in torch_parameters(theirs)
                if kind == inspect.Parameter.POSITIONAL_OR_KEYWORD and name not in ("device", "dtype")]
    assert [(p.name, p.default) for p in positional] == expected
    for name, kind, default in torch_parameters(theirs):
        assert name in mine, f"{ours.__qualname__} lacks torch's option {name!r}"
        assert mine[name].default == default, f"{ours.__qualname__}: {name} defaults to {mine[name].default!r}"


# --- helpers ---------------------------------------------------------------------------------

def ours_and_theirs(ours, theirs, *arrays, seed=0):
    """Run both on the same float64 inputs, backprop the same random upstream gradient;
    return (our output, torch output, our input grads, torch input grads)."""
    xs = [Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, tout = ours(*xs), theirs(*ts)
    assert out.shape == tuple(tout.shape)
    g = np.random.default_rng(seed).normal(size=out.shape)
    out.backward(g)
    tout.backward(torch.from_numpy(g))
    return out.data, tout.detach().numpy(), [x.grad for x in xs], [t.grad.numpy() for t in ts]


def assert_same(ours, theirs, *arrays, rtol=1e-10, atol=1e-12):
    out, tout, grads, tgrads = ours_and_theirs(ours, theirs, *arrays)
    np.testing.assert_allclose(out, tout, rtol=rtol, atol=atol)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g, tg, rtol=rtol, atol=atol)


def torch_state_into(model, torch_model):
    """Load a torch model's state_dict (as NumPy arrays) into ours; the keys must match."""
    state = {k: v.detach().numpy() for k, v in torch_model.state_dict().items()}
    assert list(model.state_dict()) == list(state)
    model.load_state_dict(state)


rng = np.random.default_rng(14)


# --- convolution -----------------------------------------------------------------------------

CONV_CASES = [
    dict(), dict(stride=2, padding=1), dict(padding=(2, 1), dilation=2), dict(padding="same"),
    dict(padding="same", dilation=(2, 1)), dict(padding="valid", stride=(1, 2)),
    dict(groups=2, padding=1), dict(groups=4, bias=False, dilation=(1, 2)),
    dict(padding=2, padding_mode="reflect"), dict(padding=(1, 2), padding_mode="replicate"),
    dict(padding=2, padding_mode="circular", groups=2, stride=2),
    dict(padding="same", padding_mode="reflect"), dict(kernel_size=(2, 4), padding="same"),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("options", CONV_CASES, ids=str)
def test_conv2d_module_matches_pytorch(options):
    options = {"kernel_size": 3, **options}
    theirs = torch.nn.Conv2d(4, 8, **options).double()
    ours = nn.Conv2d(4, 8, **options, dtype=np.float64)
    torch_state_into(ours, theirs)
    x = rng.normal(size=(2, 4, 9, 8))
    assert_same(ours, theirs, x)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert repr(ours) == repr(theirs)


def test_functional_conv2d_matches_pytorch_positionally():
    x, w, b = rng.normal(size=(2, 4, 7, 7)), rng.normal(size=(6, 2, 3, 3)), rng.normal(size=6)
    assert_same(lambda x, w, b: F.conv2d(x, w, b, 1, 2, 2, 2),
                lambda x, w, b: TF.conv2d(x, w, b, 1, 2, 2, 2), x, w, b)


# --- pooling ---------------------------------------------------------------------------------

MAX_POOL_CASES = [
    dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, ceil_mode=True, stride=2),
    dict(kernel_size=(2, 3), dilation=2), dict(kernel_size=3, stride=1, padding=1, dilation=(2, 1)),
    dict(kernel_size=2, stride=3, padding=1, ceil_mode=True, dilation=2), dict(kernel_size=9),
]


@pytest.mark.parametrize("options", MAX_POOL_CASES, ids=str)
def test_max_pool_matches_pytorch_with_indices(options):
    x = rng.permutation(2 * 3 * 9 * 10).reshape(2, 3, 9, 10) * 0.1   # no ties
    assert_same(nn.MaxPool2d(**options), torch.nn.MaxPool2d(**options), x)
    out, indices = F.max_pool2d(Tensor(x), **options, return_indices=True)
    tout, tindices = TF.max_pool2d(torch.from_numpy(x), **options, return_indices=True)
    np.testing.assert_array_equal(indices.data, tindices.numpy())
    assert indices.data.dtype == np.int64
    assert repr(nn.MaxPool2d(**options)) == repr(torch.nn.MaxPool2d(**options))


AVG_POOL_CASES = [
    dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(2, 3), stride=(3, 2), ceil_mode=True), dict(kernel_size=2, divisor_override=3),
    dict(kernel_size=3, padding=1, divisor_override=2, ceil_mode=True),
]


@pytest.mark.parametrize("options", AVG_POOL_CASES, ids=str)
def test_avg_pool_matches_pytorch(options):
    x = rng.normal(size=(2, 3, 9, 10))
    assert_same(nn.AvgPool2d(**options), torch.nn.AvgPool2d(**options), x)
    assert repr(nn.AvgPool2d(**options)) == repr(torch.nn.AvgPool2d(**options))


def test_global_max_pool_on_28x28_matches_pytorch():
    """Bug 2 regression: 784 cells per window (the argmax map overflowed uint8)."""
    x = rng.normal(size=(3, 2, 28, 28))
    assert_same(lambda x: F.max_pool2d(x, 28), lambda x: TF.max_pool2d(x, 28), x)


# --- batch norm ------------------------------------------------------------------------------

BATCH_NORM_CASES = [
    dict(), dict(affine=False), dict(momentum=None), dict(track_running_stats=False),
    dict(momentum=0.3, eps=1e-3), dict(affine=False, momentum=None),
]


@pytest.mark.parametrize("dims", [(2,), (3,), (4,)], ids=["1d-NC", "1d-NCL", "2d"])
@pytest.mark.parametrize("options", BATCH_NORM_CASES, ids=str)
def test_batch_norm_matches_pytorch_over_batches_then_in_eval(options, dims):
    ours_class, theirs_class = ((nn.BatchNorm2d, torch.nn.BatchNorm2d) if dims == (4,)
                                else (nn.BatchNorm1d, torch.nn.BatchNorm1d))
    ours, theirs = ours_class(3, **options, dtype=np.float64), theirs_class(3, **options).double()
    shape = {2: (6, 3), 3: (4, 3, 5), 4: (4, 3, 3, 2)}[dims[0]]
    if theirs.weight is not None:   # not the trivial ones and zeros
        torch.nn.init.uniform_(theirs.weight)
        torch.nn.init.uniform_(theirs.bias)
    torch_state_into(ours, theirs)
    for step in range(3):
        assert_same(ours, theirs, rng.normal(step, 1 + step, size=shape))
    ours.eval(), theirs.eval()
    assert_same(ours, theirs, rng.normal(size=shape))
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-12, err_msg=key)
    assert repr(ours) == repr(theirs)


def test_batch_norm_refuses_one_value_per_channel_in_training():
    """Bug 8: (1, C, 1, 1) normalised to zeros silently; torch raises."""
    layer = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        layer(Tensor(np.ones((1, 3, 1, 1))))
    with pytest.raises(ValueError):
        torch.nn.BatchNorm2d(3)(torch.ones(1, 3, 1, 1))
    assert int(layer.num_batches_tracked) == 0
    np.testing.assert_allclose(layer.eval()(Tensor(np.ones((1, 3, 1, 1)))).data, 1 / math.sqrt(1 + 1e-5))


def test_functional_batch_norm_defaults_to_evaluation_as_torch():
    x = rng.normal(size=(4, 3, 2, 2))
    mean, var = rng.normal(size=3), 1 + rng.random(3)
    ours_mean, ours_var = mean.copy(), var.copy()
    assert_same(lambda x: F.batch_norm(x, ours_mean, ours_var),
                lambda x: TF.batch_norm(x, torch.from_numpy(mean), torch.from_numpy(var)), x)
    np.testing.assert_array_equal(ours_mean, mean)   # evaluation leaves the statistics alone
    assert_same(lambda x: F.batch_norm(x, None, None, training=True),
                lambda x: TF.batch_norm(x, None, None, training=True), x)


# --- dropout ---------------------------------------------------------------------------------

def test_dropout_p_one_gives_zeros_and_zero_gradients_as_torch():
    x = rng.normal(size=(3, 4))
    out, tout, grads, tgrads = ours_and_theirs(nn.Dropout(1.0), torch.nn.Dropout(1.0), x)
    np.testing.assert_array_equal(out, tout)
    np.testing.assert_array_equal(grads[0], tgrads[0])
    assert not out.any()
    assert F.dropout(Tensor(x), 0.5, True, True, seed=0).shape == x.shape   # inplace accepted
    assert repr(nn.Dropout(0.2, True)) == repr(torch.nn.Dropout(0.2, True))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        nn.Dropout(1.5)


# --- default initialisation ------------------------------------------------------------------

@pytest.mark.parametrize("ours, theirs, fan_in", [
    (lambda: nn.Linear(200, 300, seed=0), lambda: torch.nn.Linear(200, 300), 200),
    (lambda: nn.Conv2d(6, 64, 5, seed=0), lambda: torch.nn.Conv2d(6, 64, 5), 150),
    (lambda: nn.Conv2d(6, 66, 3, groups=3, seed=0), lambda: torch.nn.Conv2d(6, 66, 3, groups=3), 18),
], ids=["Linear", "Conv2d", "Conv2d-groups"])
def test_default_init_has_pytorch_bounds_and_spread(ours, theirs, fan_in):
    """Weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as torch's kaiming_uniform(a=sqrt(5))."""
    bound = 1 / math.sqrt(fan_in)
    torch.manual_seed(0)
    layer, reference = ours(), theirs()
    for p, q in [(layer.weight.data, reference.weight.detach().numpy()),
                 (layer.bias.data, reference.bias.detach().numpy())]:
        for sample in (p, q):
            assert np.abs(sample).max() <= bound
            assert np.abs(sample).max() > 0.9 * bound          # spread over the whole interval
    weight, reference_weight = layer.weight.data, reference.weight.detach().numpy()
    assert weight.var() == pytest.approx(bound ** 2 / 3, rel=0.1)      # variance of U(-b, b)
    assert reference_weight.var() == pytest.approx(bound ** 2 / 3, rel=0.1)


# --- state_dict --------------------------------------------------------------------------------

def model_pair():
    """The same architecture in both, in float64."""
    def layers(L, **f64):
        return [L.Conv2d(1, 4, 3, padding=1, **f64), L.BatchNorm2d(4, **f64), L.ReLU(), L.MaxPool2d(2),
                L.Flatten(), L.Linear(64, 10, **f64), L.BatchNorm1d(10, **f64), L.Dropout(0.0),
                L.Linear(10, 3, **f64)]
    return nn.Sequential(*layers(nn, dtype=np.float64)), torch.nn.Sequential(*layers(torch.nn)).double()


def test_a_torch_state_dict_loads_into_the_same_architecture_and_gives_the_same_outputs():
    ours, theirs = model_pair()
    x = rng.normal(size=(5, 1, 8, 8))
    theirs(torch.from_numpy(x))              # one training step moves the running statistics
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "1.num_batches_tracked" in ours.state_dict() and "buffer:1.running_mean" not in ours.state_dict()
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert int(ours.state_dict()["1.num_batches_tracked"]) == 1
    assert_same(ours, theirs, x)                                  # training mode
    ours.eval(), theirs.eval()
    assert_same(ours, theirs, rng.normal(size=(2, 1, 8, 8)))    # running statistics


def test_our_state_dict_loads_into_torch():
    ours, theirs = model_pair()
    ours(Tensor(rng.normal(size=(4, 1, 8, 8))))
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float64 if v.dtype.kind == "f" else v.dtype))
                            for k, v in ours.state_dict().items()})
    ours.eval(), theirs.eval()
    x = rng.normal(size=(2, 1, 8, 8))
    with torch.no_grad():
        np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.from_numpy(x)).numpy(), rtol=1e-5, atol=1e-6)


def test_load_state_dict_strictness_as_torch():
    ours, theirs = model_pair()
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    del state["0.bias"]
    state["extra.weight"] = np.zeros(3)
    with pytest.raises(RuntimeError, match="missing 0.bias; unexpected extra.weight"):
        ours.load_state_dict(state)
    with pytest.raises(io.CheckpointError):
        ours.load_state_dict(state)
    result = ours.load_state_dict(state, strict=False)
    assert (result.missing_keys, result.unexpected_keys) == (["0.bias"], ["extra.weight"])
    np.testing.assert_array_equal(ours[0].weight.data, state["0.weight"])
    with pytest.raises(RuntimeError, match=r"5.weight has shape \(3, 3\), the model expects \(10, 64\)"):
        ours.load_state_dict({"5.weight": np.zeros((3, 3))}, strict=False)
