"""export.to_torch_code builds the same network when run, and checkpoints cross between
microdl and PyTorch: io.save's keys are torch's state_dict keys, io.load_torch_state_dict
reads a .pt safely."""
import numpy as np
import pytest

from export_cases import MODEL_CASES, ids, inputs, microdl_output, model_a, model_b, model_mlp, prepared
from microdl import export, io, nn, optim
from microdl.io import CheckpointError
from microdl.nn import functional as F
from microdl.nn import losses

torch = pytest.importorskip("torch", reason="the generated code and .pt files need torch: "
                                            "pip install -e '.[torch]'")


def run_code(code):
    namespace = {}
    exec(compile(code, "<to_torch_code>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name, build, shape", MODEL_CASES, ids=ids(MODEL_CASES))
def test_the_generated_code_builds_the_same_network(name, build, shape):
    model, x = prepared(build, shape)
    namespace = run_code(export.to_torch_code(model))
    built, exported = namespace["model"], export.to_torch(model)
    assert repr(built) == repr(exported)
    built.load_state_dict(exported.state_dict())
    built.eval()
    with torch.no_grad():
        np.testing.assert_allclose(built(torch.from_numpy(x)).numpy(), microdl_output(model, x),
                                   rtol=1e-5, atol=1e-5)


def test_the_code_reads_as_one_would_write_it():
    model = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
                          nn.Dropout(0.25), nn.Linear(8 * 7 * 7, 5), nn.LogSoftmax(dim=1))
    code = export.to_torch_code(model, nn.NLLLoss(), optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
    assert code.startswith("import torch\nfrom torch import nn\n")
    for line in ["nn.Conv2d(1, 8, 5, padding=2),", "nn.MaxPool2d(4),", "nn.Dropout(p=0.25),",
                 "nn.Linear(392, 5),", "nn.LogSoftmax(dim=1),", "loss_fn = nn.NLLLoss()",
                 "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)"]:
        assert line in code, line
    assert repr(code) == str(code)        # shows as code in a notebook, not as a quoted string


def test_the_loss_and_optimizer_come_with_their_settings_and_a_training_step_runs():
    model = model_a()
    optimizer = optim.Adam(model.parameters(), lr=3e-3, betas=(0.8, 0.99), weight_decay=1e-4)
    namespace = run_code(export.to_torch_code(model, nn.CrossEntropyLoss(label_smoothing=0.1), optimizer))
    loss_fn, torch_optimizer = namespace["loss_fn"], namespace["optimizer"]
    assert type(loss_fn) is torch.nn.CrossEntropyLoss and loss_fn.label_smoothing == 0.1
    assert type(torch_optimizer) is torch.optim.Adam
    group = torch_optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["weight_decay"], group["eps"]) == (3e-3, (0.8, 0.99), 1e-4, 1e-8)
    x, y = torch.from_numpy(inputs((4, 1, 28, 28))), torch.tensor([0, 1, 2, 3])
    first = namespace["train_step"](x, y)
    assert np.isfinite(first) and namespace["train_step"](x, y) < first


@pytest.mark.parametrize("loss, expected", [(F.cross_entropy, "nn.CrossEntropyLoss()"),
                                            (losses.mse_loss, "nn.MSELoss()"),
                                            (nn.BCEWithLogitsLoss(reduction="sum"),
                                             "nn.BCEWithLogitsLoss(reduction='sum')")])
def test_loss_functions_and_modules_name_torch_s_loss(loss, expected):
    assert f"loss_fn = {expected}" in export.to_torch_code(model_mlp(), loss)


def test_a_scalar_mlp_and_a_frozen_backbone_get_their_code():
    code = export.to_torch_code(nn.MLP(2, [16, 16, 1]))
    assert "nn.Linear(2, 16),\n    nn.ReLU(),\n    nn.Linear(16, 16),\n    nn.ReLU(),\n    nn.Linear(16, 1),\n)" in code
    model = model_b()
    model[:7].freeze()
    trainable = [p for p in model.parameters() if p.requires_grad]
    code = export.to_torch_code(model, optimizer=optim.Adam(trainable))
    assert "torch.optim.Adam([p for p in model.parameters() if p.requires_grad])" in code


def test_a_loss_without_a_torch_twin_is_refused():
    with pytest.raises(export.ExportError, match="hinge_loss.*known losses: "):
        export.to_torch_code(model_mlp(), losses.hinge_loss)


# --- checkpoints -----------------------------------------------------------------------

def benchmark_models():
    """benchmarks/bench_tensor.py's MODELS: {name: layers(L)}, for L = microdl.nn or torch.nn."""
    import importlib.util
    from pathlib import Path
    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    spec = importlib.util.spec_from_file_location("bench_tensor_for_export_tests", folder / "bench_tensor.py")
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(folder))  # the benchmark imports its harness, benchmarks/alone.py
        spec.loader.exec_module(module)
    return module.MODELS


@pytest.mark.parametrize("name", ["A", "B", "MLP"])
def test_io_save_keys_are_torch_s_own_sequential_keys_one_to_one(name, tmp_path):
    """The benchmark's models built by torch.nn itself: microdl's .npz loads into them strictly."""
    layers = benchmark_models()[name]
    model, torch_model = nn.Sequential(*layers(nn)), torch.nn.Sequential(*layers(torch.nn))
    path = io.save(model, tmp_path / "model.npz")
    with np.load(path) as stored:
        keys = list(stored.files)
        assert keys == list(torch_model.state_dict())
        torch_model.load_state_dict({key: torch.from_numpy(stored[key]) for key in keys}, strict=True)
    fresh = torch_model
    x = inputs((2, 1, 28, 28))
    with torch.no_grad():
        np.testing.assert_allclose(fresh(torch.from_numpy(x)).numpy(), microdl_output(model, x),
                                   rtol=1e-5, atol=1e-5)


def test_batch_norm_buffers_have_torch_s_names(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 2), nn.BatchNorm1d(2))
    torch_model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                                      torch.nn.Linear(8, 2), torch.nn.BatchNorm1d(2))
    with np.load(io.save(model, tmp_path / "bn.npz")) as stored:
        assert list(stored.files) == list(torch_model.state_dict())


@pytest.mark.parametrize("name, build, shape", MODEL_CASES, ids=ids(MODEL_CASES))
def test_a_torch_checkpoint_loads_into_the_same_microdl_architecture(name, build, shape, tmp_path):
    model, x = prepared(build, shape)
    torch_model = export.to_torch(model)
    with torch.no_grad():
        for parameter in torch_model.parameters():
            parameter.mul_(-1.5)                  # PyTorch trained it further
    torch.save(torch_model.state_dict(), tmp_path / "model.pt")
    loaded = io.load_torch_state_dict(build(), tmp_path / "model.pt").eval()
    for key, value in torch_model.state_dict().items():
        assert np.array_equal(loaded.state_dict()[key], value.numpy()), key
    with torch.no_grad():
        np.testing.assert_allclose(microdl_output(loaded, x), torch_model(torch.from_numpy(x)).numpy(),
                                   rtol=1e-5, atol=1e-5)


def test_a_scalar_mlp_reads_the_checkpoint_of_its_torch_twin(tmp_path):
    torch.manual_seed(0)
    twin = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    torch.save(twin.state_dict(), tmp_path / "mlp.pt")
    mlp = io.load_torch_state_dict(nn.MLP(2, [4, 1], seed=5), tmp_path / "mlp.pt")
    for x in ([0.5, -1.0], [2.0, 0.25]):
        assert mlp(x).data == pytest.approx(twin(torch.tensor([x])).item(), abs=1e-6)


def test_a_checkpoint_that_does_not_fit_changes_nothing(tmp_path):
    torch.save(export.to_torch(model_b()).state_dict(), tmp_path / "b.pt")
    model = model_a()
    before = model.state_dict()
    with pytest.raises(CheckpointError, match="does not fit this model: unexpected 9.weight"):
        io.load_torch_state_dict(model, tmp_path / "b.pt")
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    narrower = export.to_torch(nn.Sequential(*model_a().layers[:-1], nn.Linear(784, 5)))
    torch.save(narrower.state_dict(), tmp_path / "five_classes.pt")
    with pytest.raises(CheckpointError, match=r"7.weight has shape \(5, 784\), the model expects \(10, 784\)"):
        io.load_torch_state_dict(model, tmp_path / "five_classes.pt")
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


def test_files_that_are_not_a_plain_state_dict_are_refused_safely(tmp_path):
    torch_model = export.to_torch(model_mlp())
    torch.save(torch_model, tmp_path / "whole_model.pt")              # a pickled module: code
    with pytest.raises(CheckpointError, match=r"weights_only=True never runs code.*model.state_dict\(\)"):
        io.load_torch_state_dict(model_mlp(), tmp_path / "whole_model.pt")
    torch.save({"model": torch_model.state_dict(), "epoch": 3}, tmp_path / "training.pt")
    with pytest.raises(CheckpointError, match=r"not a plain state_dict.*under 'model'"):
        io.load_torch_state_dict(model_mlp(), tmp_path / "training.pt")
    with pytest.raises(FileNotFoundError, match="no PyTorch checkpoint"):
        io.load_torch_state_dict(model_mlp(), tmp_path / "missing.pt")


def test_without_torch_loading_a_pt_file_is_refused_with_the_install_line(monkeypatch, tmp_path):
    torch.save(export.to_torch(model_mlp()).state_dict(), tmp_path / "mlp.pt")
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]' in microdl's folder"):
        io.load_torch_state_dict(model_mlp(), tmp_path / "mlp.pt")


def test_the_readme_recipe_runs(tmp_path, monkeypatch, capsys):
    """README's "Graduating to PyTorch" block (fenced as py: test_readme runs only the blocks
    that need no extras), on a trained-looking model."""
    import re
    from pathlib import Path
    pytest.importorskip("onnx", reason="the recipe writes ONNX: pip install -e '.[onnx]'")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Graduating to PyTorch")[1].split("\n## ")[0]
    recipe = re.search(r"```py\n(.*?)```", section, flags=re.S).group(1)
    model = model_a()
    namespace = {"model": model, "X": inputs((4, 1, 28, 28)), "loss_fn": nn.CrossEntropyLoss(),
                 "optimizer": optim.Adam(model.parameters())}
    monkeypatch.chdir(tmp_path)
    exec(compile(recipe, "README.md", "exec"), namespace)
    assert isinstance(namespace["torch_model"], torch.nn.Module) and (tmp_path / "model.onnx").is_file()
    assert "optimizer = torch.optim.Adam(model.parameters())" in capsys.readouterr().out
