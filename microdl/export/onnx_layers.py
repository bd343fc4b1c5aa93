"""Each microdl layer as ONNX nodes (opset 17), in evaluation mode.

A converter takes the layer, the graph being built, the name of its input and the
input's shape, and returns the name of its output. Weights become initializers named
as in the state_dict (`0.weight`), so Netron shows the names a student knows.
Evaluation mode: BatchNorm uses its running statistics, Dropout is the identity.
"""
import numpy as np

from .layers import ExportError

__all__ = ["CONVERTERS", "OnnxGraph"]


class OnnxGraph:
    """The nodes and initializers of the graph being written, and a counter for names."""

    def __init__(self, helper, numpy_helper, dtype):
        self.helper, self.numpy_helper, self.dtype = helper, numpy_helper, np.dtype(dtype)
        self.nodes, self.initializers = [], []

    def constant(self, where, part, array, dtype=None):
        """An initializer (a weight, a shape) named as in the state_dict (`3.weight`); its name."""
        name = f"{where}.{part}" if where else part
        array = np.asarray(array, dtype=dtype or self.dtype)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, where, **attributes):
        """Add one node `op`; its output is named after the layer (`3.Conv`)."""
        output = f"{where}.{op}" if where else op
        self.nodes.append(self.helper.make_node(op, list(inputs), [output], name=output, **attributes))
        return output


def _refusal(layer, where, reason):
    """The error for a layer option that ONNX cannot express."""
    return ExportError(f"to_onnx: {f'layer {where}' if where else 'the model'} ({layer!r}): {reason}")


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def linear(layer, graph, x, where, shape):
    if len(shape) == 2 and layer.bias is not None:                                   # y = x W^T + b
        weight = graph.constant(where, "weight", layer.weight.data)                  # (out, in)
        bias = graph.constant(where, "bias", layer.bias.data)
        return graph.node("Gemm", [x, weight, bias], where, transB=1)
    weight_t = graph.constant(where, "weight_transposed", layer.weight.data.T)  # (in, out)
    y = graph.node("MatMul", [x, weight_t], where)
    if layer.bias is None:
        return y
    return graph.node("Add", [y, graph.constant(where, "bias", layer.bias.data)], where)


def conv2d(layer, graph, x, where, shape):
    (kh, kw), dilation = layer.kernel_size, layer.dilation
    pads = _conv_padding(layer)                                       # [top, left, bottom, right]
    if layer.padding_mode != "zeros" and any(pads):
        modes = {"reflect": "reflect", "replicate": "edge"}
        if layer.padding_mode not in modes:
            raise _refusal(layer, where, f"padding_mode={layer.padding_mode!r} has no ONNX "
                              f"opset-17 Pad mode; use 'zeros', 'reflect' or 'replicate'")
        top, left, bottom, right = pads
        amounts = graph.constant(where, "pads", [0, 0, top, left, 0, 0, bottom, right], np.int64)
        x = graph.node("Pad", [x, amounts], where, mode=modes[layer.padding_mode])
        pads = [0, 0, 0, 0]
    inputs = [x, graph.constant(where, "weight", layer.weight.data)]
    if layer.bias is not None:
        inputs.append(graph.constant(where, "bias", layer.bias.data))
    return graph.node("Conv", inputs, where, kernel_shape=[kh, kw], strides=list(layer.stride),
                      pads=pads, dilations=list(dilation), group=layer.groups)


def _conv_padding(layer):
    """[top, left, bottom, right]; 'same' puts the odd pixel at the bottom/right, as torch."""
    if layer.padding == "valid":
        return [0, 0, 0, 0]
    if layer.padding == "same":
        total = [d * (k - 1) for d, k in zip(layer.dilation, layer.kernel_size)]
        return [total[0] // 2, total[1] // 2, total[0] - total[0] // 2, total[1] - total[1] // 2]
    return list(layer.padding) * 2


def _ceil_mode(layer, shape, kernel, stride, padding, dilation, where):
    """ONNX's ceil_mode for a torch-style pool. torch drops a last window that would start in
    the right padding or beyond; ONNX keeps it. So: 0 where torch's sizes are floor's, 1 where
    they are ONNX's ceil sizes."""
    if not layer.ceil_mode:
        return 0
    floor, onnx_ceil, torch_ceil = [], [], []
    for size, k, s, p, d in zip(shape[2:], kernel, stride, padding, dilation):
        span = size + 2 * p - d * (k - 1) - 1
        floor.append(span // s + 1)
        onnx_ceil.append(-(-span // s) + 1)
        torch_ceil.append(onnx_ceil[-1] - ((onnx_ceil[-1] - 1) * s >= size + p))
    if torch_ceil == floor:
        return 0
    if torch_ceil == onnx_ceil:
        return 1
    raise _refusal(layer, where, f"with ceil_mode=True on a {shape[2]}x{shape[3]} input, PyTorch's "
                      f"output size rule keeps the last window on one axis and drops it on the other, "
                      f"which ONNX cannot say; pad the input or use ceil_mode=False")


def max_pool2d(layer, graph, x, where, shape):
    if layer.return_indices:
        raise _refusal(layer, where, f"return_indices=True gives two outputs; a Sequential "
                          f"passes one on. Export the model with return_indices=False")
    kernel, stride, padding, dilation = (_pair(v) for v in (layer.kernel_size, layer.stride, layer.padding,
                                                           layer.dilation))
    return graph.node("MaxPool", [x], where, kernel_shape=list(kernel), strides=list(stride),
                      pads=list(padding) * 2, dilations=list(dilation),
                      ceil_mode=_ceil_mode(layer, shape, kernel, stride, padding, dilation, where))


def avg_pool2d(layer, graph, x, where, shape):
    kernel, stride, padding = _pair(layer.kernel_size), _pair(layer.stride), _pair(layer.padding)
    divisor = layer.divisor_override
    y = graph.node("AveragePool", [x], where, kernel_shape=list(kernel), strides=list(stride),
                   pads=list(padding) * 2,
                   ceil_mode=_ceil_mode(layer, shape, kernel, stride, padding, (1, 1), where),
                   count_include_pad=int(layer.count_include_pad or divisor is not None))
    if divisor is None:
        return y
    if layer.ceil_mode:
        raise _refusal(layer, where, f"divisor_override with ceil_mode=True has no ONNX "
                          f"form; use one or the other")
    # the window sum is mean * (kh * kw); torch divides it by divisor_override instead
    scale = graph.constant(where, "divisor_scale", kernel[0] * kernel[1] / divisor)
    return graph.node("Mul", [y, scale], where)


def batch_norm(layer, graph, x, where, shape):
    if layer.running_mean is None:
        raise _refusal(layer, where, f"track_running_stats=False normalises with each batch's "
                          f"own statistics even in eval(); ONNX exports evaluation with running "
                          f"statistics. Train with track_running_stats=True to export it")
    channels = layer.num_features
    weight = layer.weight.data if layer.weight is not None else np.ones(channels)
    bias = layer.bias.data if layer.bias is not None else np.zeros(channels)
    inputs = [x, graph.constant(where, "weight", weight), graph.constant(where, "bias", bias),
              graph.constant(where, "running_mean", layer.running_mean),
              graph.constant(where, "running_var", layer.running_var)]
    return graph.node("BatchNormalization", inputs, where, epsilon=float(layer.eps))


def flatten(layer, graph, x, where, shape):
    ndim = len(shape)
    start, end = layer.start_dim % ndim, layer.end_dim % ndim
    if start == 1 and end == ndim - 1:
        return graph.node("Flatten", [x], where, axis=1)               # (N, ...) -> (N, rest)
    # any other span: Reshape; 0 keeps the batch axis as it is, -1 is the merged span
    target = [0 if i == 0 and start > 0 else size for i, size in enumerate(shape[:start])]
    target += [-1] + list(shape[end + 1:])
    return graph.node("Reshape", [x, graph.constant(where, "shape", target, np.int64)], where)


def softmax(layer, graph, x, where, shape, op="Softmax"):
    dim = layer.dim if layer.dim is not None else (0 if len(shape) in (0, 1, 3) else 1)  # torch's implicit
    return graph.node(op, [x], where, axis=dim)


def log_softmax(layer, graph, x, where, shape):
    return softmax(layer, graph, x, where, shape, op="LogSoftmax")


def _elementwise(op, **attributes):
    return lambda layer, graph, x, where, shape: graph.node(op, [x], where, **attributes)


CONVERTERS = {
    "Linear": linear, "Conv2d": conv2d, "MaxPool2d": max_pool2d, "AvgPool2d": avg_pool2d,
    "BatchNorm1d": batch_norm, "BatchNorm2d": batch_norm, "Flatten": flatten,
    "Dropout": _elementwise("Identity"),                            # evaluation: nothing dropped
    "ReLU": _elementwise("Relu"), "Tanh": _elementwise("Tanh"), "Sigmoid": _elementwise("Sigmoid"),
    "LeakyReLU": lambda layer, graph, x, where, shape: graph.node(
        "LeakyRelu", [x], where, alpha=float(layer.negative_slope)),
    "Softmax": softmax, "LogSoftmax": log_softmax,
}
