"""export.to_onnx: every layer type and whole models, written with onnx.helper, pass the ONNX
checker and give microdl's outputs in onnxruntime (float32, to 1e-5), with every weight kept."""
import numpy as np
import pytest

from export_cases import (LAYER_CASES, MODEL_CASES, SCALAR_CASES, ids, inputs, microdl_output, model_a,
                          prepared)
from microdl import export, nn

onnx = pytest.importorskip("onnx", reason="exporting to ONNX needs onnx: pip install -e '.[onnx]'")
onnxruntime = pytest.importorskip("onnxruntime", reason="running ONNX needs onnxruntime: "
                                                        "pip install -e '.[onnx]'")

CLOSE = dict(rtol=1e-5, atol=1e-5)


def run(path, x):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


@pytest.mark.parametrize("name, build, shape", LAYER_CASES + MODEL_CASES, ids=ids(LAYER_CASES + MODEL_CASES))
def test_onnxruntime_gives_microdl_s_outputs(name, build, shape, tmp_path):
    model, x = prepared(build, shape)
    path = export.to_onnx(model, x[:1], tmp_path / f"{name}.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.opset_import[0].version == 17
    stored = {init.name: onnx.numpy_helper.to_array(init) for init in proto.graph.initializer}
    for key, array in model.state_dict().items():   # every weight and running statistic, exactly
        if not key.endswith("num_batches_tracked"):   # (ONNX needs no count of batches)
            kept = stored[key] if key in stored else stored[key + "_transposed"].T   # MatMul's W^T
            assert np.array_equal(kept, array), key
    np.testing.assert_allclose(run(path, x), microdl_output(model, x), **CLOSE)   # a batch of 2+ too


@pytest.mark.parametrize("name, build, size", SCALAR_CASES, ids=ids(SCALAR_CASES))
def test_a_scalar_model_exports_as_linear_layers(name, build, size, tmp_path):
    model = build()
    x = inputs((6, size))
    expected = np.array([[v.data for v in np.atleast_1d(model(row.tolist()))] for row in x.astype(float)])
    path = export.to_onnx(model, x[0].tolist(), tmp_path / "scalar.onnx")   # one example's numbers
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    np.testing.assert_allclose(run(path, x), expected, **CLOSE)


def test_the_graph_has_a_free_batch_axis_and_names_a_student_knows(tmp_path):
    model, x = prepared(model_a, (1, 1, 28, 28))
    proto = onnx.load(str(export.to_onnx(model, x, tmp_path / "a.onnx")))
    shape = [d.dim_param or d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert shape == ["batch", 1, 28, 28]
    assert [n.op_type for n in proto.graph.node] == ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool",
                                                     "Flatten", "Gemm"]
    assert {"0.weight", "0.bias", "3.weight", "7.weight"} <= {i.name for i in proto.graph.initializer}
    assert proto.graph.output[0].name == "output" and proto.producer_name == "microdl"
    assert run(tmp_path / "a.onnx", inputs((7, 1, 28, 28))).shape == (7, 10)


def test_evaluation_mode_is_exported_and_the_model_keeps_its_own_mode(tmp_path):
    model = nn.Sequential(nn.Linear(4, 4, seed=0), nn.BatchNorm1d(4), nn.Dropout(0.5, seed=0))
    model(inputs((8, 4)))                      # training: batch statistics, dropout on
    path = export.to_onnx(model, inputs((1, 4)), tmp_path / "m.onnx")
    assert model.training
    model.eval()
    x = inputs((5, 4), seed=3)
    np.testing.assert_allclose(run(path, x), microdl_output(model, x), **CLOSE)


def test_an_example_input_that_does_not_fit_is_named(tmp_path):
    with pytest.raises(export.ExportError, match=r"layer 0 \(Conv2d\(1, 8.*expects \(N, 1, H, W\) images, "
                                                 r"but gets shape \(1, 3, 28, 28\)"):
        export.to_onnx(model_a(), np.zeros((1, 3, 28, 28)), tmp_path / "m.onnx")
    with pytest.raises(export.ExportError, match=r"layer 7 \(Linear.*expects 784 features on the last axis, "
                                                 r"but gets shape \(1, 400\)"):
        export.to_onnx(model_a(), np.zeros((1, 1, 20, 20)), tmp_path / "m.onnx")
    with pytest.raises(export.ExportError, match="example_input must be a batch of numbers"):
        export.to_onnx(model_a(), "an image", tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("layer, refusal", [
    (nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular"), "padding_mode='circular'"),
    (nn.BatchNorm2d(1, track_running_stats=False), "track_running_stats=False"),
    (nn.MaxPool2d(2, return_indices=True), "return_indices=True"),
    (nn.AvgPool2d(2, ceil_mode=True, divisor_override=2), "divisor_override with ceil_mode"),
], ids=["circular", "no_running_stats", "return_indices", "divisor_and_ceil"])
def test_options_onnx_cannot_express_are_refused_by_name(layer, refusal, tmp_path):
    with pytest.raises(export.ExportError, match=refusal):
        export.to_onnx(nn.Sequential(layer), np.zeros((1, 1, 6, 6), np.float32), tmp_path / "m.onnx")


def test_an_unsupported_layer_is_named(tmp_path):
    class Square(nn.Module):
        def forward(self, x):
            return x * x

    with pytest.raises(export.ExportError, match=r"layer 1 is a .*Square.*Supported layers"):
        export.to_onnx(nn.Sequential(nn.Linear(2, 2), Square()), np.zeros((1, 2)), tmp_path / "m.onnx")


def test_without_onnx_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[onnx\]' in microdl's folder"):
        export.to_onnx(model_a(), np.zeros((1, 1, 28, 28)), tmp_path / "m.onnx")


# --- random settings: convolution and pooling arithmetic in ONNX agrees with microdl's -------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def conv_and_input(draw):
    groups = draw(st.sampled_from([1, 2]))
    kernel, dilation = draw(st.tuples(st.integers(1, 4), st.integers(1, 4))), draw(st.integers(1, 2))
    padding = draw(st.one_of(st.integers(0, 2), st.just("same"), st.just("valid")))
    stride = 1 if padding == "same" else draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate"]))
    size = draw(st.integers(dilation * (max(kernel) - 1) + 3, 10))
    layer = nn.Conv2d(2 * groups, 3 * groups, kernel, stride=stride, padding=padding, dilation=dilation,
                      groups=groups, padding_mode=mode, seed=draw(st.integers(0, 99)))
    return layer, (2, 2 * groups, size, size + 1)


@st.composite
def pool_and_input(draw):
    kernel = draw(st.integers(1, 4))
    padding = draw(st.integers(0, kernel // 2))
    stride = draw(st.integers(1, 3))
    ceil_mode = draw(st.booleans())
    size = draw(st.integers(kernel + 1, 11))
    if draw(st.booleans()):
        layer = nn.MaxPool2d(kernel, stride, padding, dilation=draw(st.integers(1, 2)), ceil_mode=ceil_mode)
        size += kernel * (layer.dilation - 1)
    else:
        layer = nn.AvgPool2d(kernel, stride, padding, ceil_mode=ceil_mode,
                             count_include_pad=draw(st.booleans()))
    return layer, (1, 2, size, size + draw(st.integers(0, 2)))


@settings(max_examples=30, deadline=None)
@given(conv_and_input())
def test_random_convolutions_agree(case):
    check_in_onnxruntime(*case)


@settings(max_examples=40, deadline=None)
@given(pool_and_input())
def test_random_pools_agree(case):
    check_in_onnxruntime(*case)


def check_in_onnxruntime(layer, shape):
    import tempfile
    from pathlib import Path

    from hypothesis import assume
    x = inputs(shape)
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = export.to_onnx(nn.Sequential(layer), x, Path(folder) / "m.onnx")
        except export.ExportError as error:      # the one pooling case ONNX cannot say: refused
            assert "keeps the last window on one axis and drops it on the other" in str(error)
            assume(False)
        np.testing.assert_allclose(run(path, x), microdl_output(layer, x), **CLOSE, err_msg=repr(layer))


def test_a_ceil_mode_pool_onnx_cannot_size_is_refused_and_one_it_can_is_exact(tmp_path):
    pool = nn.MaxPool2d(2, 3, ceil_mode=True)   # torch: a 3x4 input gives 1x2 (keeps W's last window only)
    with pytest.raises(export.ExportError, match=r"to_onnx: layer 0 \(MaxPool2d.*on a 3x4 input.*drops it"):
        export.to_onnx(nn.Sequential(pool), np.zeros((1, 1, 3, 4), np.float32), tmp_path / "m.onnx")
    x = inputs((1, 2, 4, 4))
    path = export.to_onnx(nn.Sequential(pool), x, tmp_path / "m.onnx")   # 4x4: both axes keep it
    np.testing.assert_allclose(run(path, x), microdl_output(pool, x), **CLOSE)
