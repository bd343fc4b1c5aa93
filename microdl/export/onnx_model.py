"""`to_onnx(model, example_input, path)`: a microdl model as an ONNX file, written with the
`onnx` package's helpers directly (no PyTorch), checked by onnx.checker, in evaluation mode.

    export.to_onnx(model, X[:1], "shapes_cnn.onnx")
    session = onnxruntime.InferenceSession("shapes_cnn.onnx")
    probabilities = session.run(None, {"input": X[:8]})[0]

The graph's input is named "input" and its output "output"; the batch axis is free
("batch"), the other axes are those of `example_input`. Every layer is run once on the
example, so a shape that does not fit is caught, and named, before anything is written.
"""
from pathlib import Path

import numpy as np

from .. import __version__
from ..autodiff import no_grad
from ..nn.module import evaluation_mode
from ..tensor import Tensor
from .layers import ExportError, layer_type, require, sub_layers
from .onnx_layers import CONVERTERS, OnnxGraph
from .scalar import as_tensor_model, is_scalar_model

__all__ = ["to_onnx", "OPSET"]

OPSET = 17          # onnx 1.12+, onnxruntime 1.12+; IR version 8 goes with it
IR_VERSION = 8


def to_onnx(model, example_input, path):
    """Write `model` (evaluation mode) as ONNX to `path`; returns the path.

    example_input: one batch shaped like the training data (an array, a Tensor, or for a
    scalar MLP one example's numbers), e.g. X[:1]. Supported layers: export.SUPPORTED_LAYERS."""
    onnx = require("onnx", "onnx")
    if is_scalar_model(model):
        model = as_tensor_model(model)
    dtype = _model_dtype(model)
    example = _example_array(example_input, dtype, model)
    graph = OnnxGraph(onnx.helper, onnx.numpy_helper, dtype)
    with evaluation_mode(model), no_grad():
        output_name, output = _convert(model, graph, "input", Tensor(example), "")
    proto = _model_proto(onnx, graph, model, example.shape, output_name, output.shape, dtype)
    onnx.checker.check_model(proto, full_check=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(path))
    return path


def _model_dtype(model):
    floats = {np.asarray(p.data).dtype for p in model.parameters()}
    return floats.pop() if len(floats) == 1 else np.dtype(np.float32)


def _example_array(example_input, dtype, model):
    example = np.asarray(example_input.data if isinstance(example_input, Tensor) else example_input)
    if example.dtype.kind not in "biuf" or example.ndim == 0:
        raise ExportError(f"to_onnx: example_input must be a batch of numbers shaped like the training "
                          f"data (e.g. X[:1]), got {type(example_input).__name__} of shape {example.shape}")
    first = next(iter(model), None) if layer_type(model, "the model") == "Sequential" else model
    if example.ndim == 1 and type(first).__name__ == "Linear":
        example = example[None]          # one example's features -> a batch of one
    return example.astype(dtype)


def _where(where):
    return f"layer {where}" if where else "the model"


def _convert(layer, graph, name, x, where):
    """Add `layer`'s nodes after the value `name` (computed: x); returns (output name, output)."""
    kind = layer_type(layer, _where(where))
    if kind == "Sequential":
        for child_name, child in sub_layers(layer):
            name, x = _convert(child, graph, name, x, f"{where}.{child_name}" if where else child_name)
        return name, x
    _check_fits(layer, kind, x.shape, where)
    try:
        y = layer(x)
    except Exception as error:
        raise ExportError(f"to_onnx: {_where(where)} ({layer!r}) cannot run on its input of shape "
                          f"{x.shape}: {error}") from error
    return CONVERTERS[kind](layer, graph, name, where, x.shape), y


#: what a layer needs of its input: (layer type, check on shape and layer, what it expects)
EXPECTATIONS = [
    ("Linear", lambda s, l: len(s) >= 1 and s[-1] == l.in_features,
     lambda l: f"expects {l.in_features} features on the last axis"),
    ("Conv2d", lambda s, l: len(s) == 4 and s[1] == l.in_channels,
     lambda l: f"expects (N, {l.in_channels}, H, W) images"),
    ("MaxPool2d", lambda s, l: len(s) == 4, lambda l: "expects (N, C, H, W) images"),
    ("AvgPool2d", lambda s, l: len(s) == 4, lambda l: "expects (N, C, H, W) images"),
    ("BatchNorm1d", lambda s, l: len(s) in (2, 3) and s[1] == l.num_features,
     lambda l: f"expects (N, {l.num_features}) or (N, {l.num_features}, L)"),
    ("BatchNorm2d", lambda s, l: len(s) == 4 and s[1] == l.num_features,
     lambda l: f"expects (N, {l.num_features}, H, W)"),
]


def _check_fits(layer, kind, shape, where):
    for name, fits, expects in EXPECTATIONS:
        if kind == name and not fits(shape, layer):
            raise ExportError(f"to_onnx: example_input does not fit the model: {_where(where)} ({layer!r}) "
                              f"{expects(layer)}, but gets shape {shape}. Pass one batch shaped like "
                              f"the training data, e.g. X[:1].")


def _model_proto(onnx, graph, model, input_shape, output_name, output_shape, dtype):
    helper = onnx.helper
    element = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    if output_name == "input":                       # an empty Sequential: the identity
        output_name = graph.node("Identity", ["input"], "")
    graph.nodes[-1].output[0] = "output"             # the last node writes the graph's output
    batch = ["batch"] + list(input_shape[1:])
    out = (["batch"] + list(output_shape[1:]) if len(output_shape) and output_shape[0] == input_shape[0]
           else list(output_shape))
    body = helper.make_graph(graph.nodes, "microdl_model",
                             [helper.make_tensor_value_info("input", element, batch)],
                             [helper.make_tensor_value_info("output", element, out)],
                             initializer=graph.initializers, doc_string=repr(model))
    return helper.make_model(body, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                             producer_name="microdl", producer_version=__version__)
