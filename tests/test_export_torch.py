"""export.to_torch / from_torch: every layer type and whole models give the same outputs in
PyTorch (float32, to 1e-5), and every weight and buffer survives the round trip bit for bit."""
import numpy as np
import pytest

from export_cases import (LAYER_CASES, MODEL_CASES, SCALAR_CASES, ids, inputs, microdl_output, model_a,
                          prepared)
from microdl import Tensor, export, nn

torch = pytest.importorskip("torch", reason="exporting to PyTorch needs torch: pip install -e '.[torch]'")

CLOSE = dict(rtol=1e-5, atol=1e-5)
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")


def torch_output(module, x):
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


def assert_same_state(model, other):
    """Every parameter and buffer: the same names, dtypes and bits."""
    ours, theirs = model.state_dict(), other.state_dict()
    assert list(ours) == list(theirs)
    for key, array in ours.items():
        other_array = theirs[key].detach().numpy() if hasattr(theirs[key], "detach") else theirs[key]
        assert other_array.dtype == array.dtype, key
        assert np.array_equal(other_array, array), key


@pytest.mark.parametrize("name, build, shape", LAYER_CASES + MODEL_CASES, ids=ids(LAYER_CASES + MODEL_CASES))
def test_to_torch_gives_the_same_outputs_and_weights(name, build, shape):
    model, x = prepared(build, shape)
    torch_model = export.to_torch(model)
    assert not torch_model.training
    assert_same_state(model, torch_model)
    np.testing.assert_allclose(torch_output(torch_model, x), microdl_output(model, x), **CLOSE)


@pytest.mark.parametrize("name, build, shape", LAYER_CASES + MODEL_CASES, ids=ids(LAYER_CASES + MODEL_CASES))
def test_from_torch_brings_it_back_bit_for_bit(name, build, shape):
    model, x = prepared(build, shape)
    back = export.from_torch(export.to_torch(model))
    assert repr(back) == repr(model)
    assert_same_state(model, back)
    np.testing.assert_array_equal(microdl_output(back, x), microdl_output(model, x))


@pytest.mark.parametrize("name, build, size", SCALAR_CASES, ids=ids(SCALAR_CASES))
def test_a_scalar_model_becomes_linear_layers_with_its_activations(name, build, size):
    model = build()
    x = inputs((5, size)).astype(np.float64)
    expected = np.array([[v.data for v in np.atleast_1d(model(row.tolist()))] for row in x])
    torch_model = export.to_torch(model)
    assert all(type(m).__name__ in ("Linear", "ReLU", "Tanh", "Sigmoid", "LeakyReLU") for m in torch_model)
    np.testing.assert_allclose(torch_output(torch_model, x.astype(np.float32)), expected, **CLOSE)
    exact = export.to_torch(model, dtype=np.float64)   # float64 keeps the Values' numbers exactly
    torch_weights = np.concatenate([t.detach().numpy().ravel() for t in exact.parameters()])
    assert sorted(p.data for p in model.parameters()) == sorted(torch_weights.tolist())
    np.testing.assert_allclose(torch_output(exact, x), expected, rtol=1e-12, atol=1e-12)


def test_the_scalar_mlp_has_a_linear_last_layer_as_microdl_s():
    torch_model = export.to_torch(nn.MLP(2, [16, 16, 1], seed=0))
    assert [type(m).__name__ for m in torch_model] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


@pytest.mark.parametrize("name, build, shape", MODEL_CASES, ids=ids(MODEL_CASES))
def test_a_torch_model_comes_back_into_microdl_with_the_same_predictions(name, build, shape):
    torch.manual_seed(0)
    torch_model = export.to_torch(build())        # the architecture; now torch's own random weights
    for module in torch_model.modules():
        for parameter in module.parameters(recurse=False):
            torch.nn.init.normal_(parameter, std=0.2)
    torch_model(torch.randn(shape) * 2)            # batch norms learn some running statistics
    torch_model.eval()
    model = export.from_torch(torch_model)
    x = inputs(shape)
    assert_same_state(model, torch_model)
    np.testing.assert_allclose(microdl_output(model, x), torch_output(torch_model, x), **CLOSE)


def test_from_torch_reads_named_children_float64_and_frozen_weights():
    from collections import OrderedDict
    torch_model = torch.nn.Sequential(OrderedDict(
        conv=torch.nn.Conv2d(1, 2, 3), act=torch.nn.ReLU(inplace=True), flat=torch.nn.Flatten(),
        head=torch.nn.Linear(2 * 6 * 6, 3))).double()
    torch_model.conv.requires_grad_(False)
    model = export.from_torch(torch_model)
    assert model[0].weight.data.dtype == np.float64 and not model[0].weight.requires_grad
    assert model[3].weight.requires_grad and model.training
    x = np.random.default_rng(0).standard_normal((2, 1, 8, 8))
    np.testing.assert_allclose(model(Tensor(x)).data, torch_output(torch_model, x), rtol=1e-12)


def test_training_mode_and_frozen_parameters_carry_over():
    model = model_a()
    model[0].freeze()
    model[7].eval()
    torch_model = export.to_torch(model)
    assert torch_model.training and not torch_model[7].training
    assert not torch_model[0].weight.requires_grad and torch_model[3].weight.requires_grad


def test_the_torch_copy_shares_no_memory_with_the_model():
    model = model_a()
    torch_model = export.to_torch(model)
    with torch.no_grad():
        torch_model[0].weight.add_(1.0)
    assert not np.array_equal(model[0].weight.data, torch_model[0].weight.detach().numpy())


def test_an_unsupported_microdl_layer_is_named_with_the_supported_list():
    class Square(nn.Module):
        def forward(self, x):
            return x * x

    with pytest.raises(export.ExportError, match=r"the model\[1\] is a .*Square.*Supported layers: Linear, Conv2d"):
        export.to_torch(nn.Sequential(nn.Linear(2, 2), Square()))


def test_a_torch_layer_microdl_lacks_is_refused_by_name():
    torch_model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.GELU(), torch.nn.Linear(4, 1))
    with pytest.raises(export.ExportError, match=r"the torch module\[1\] is a torch GELU, a layer microdl "
                                                 r"does not have. Supported layers: .*Softmax"):
        export.from_torch(torch_model)
    with pytest.raises(export.ExportError, match="torch Identity"):
        export.from_torch(torch.nn.Identity())


def test_a_torch_subclass_of_a_supported_layer_is_refused():
    class MyLinear(torch.nn.Linear):
        def forward(self, x):
            return super().forward(x) * 2

    with pytest.raises(export.ExportError, match="MyLinear"):
        export.from_torch(torch.nn.Sequential(MyLinear(2, 2)))


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]' in microdl's folder"):
        export.to_torch(model_a())
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]' in microdl's folder"):
        export.from_torch(object())


def test_dtype_converts_a_tensor_model_too():
    model, x = prepared(model_a, (2, 1, 28, 28))
    doubled = export.to_torch(model, dtype=np.float64)
    assert all(p.dtype == torch.float64 for p in doubled.parameters())
    np.testing.assert_allclose(torch_output(doubled, x.astype(np.float64)), microdl_output(model, x), **CLOSE)
