"""The layers and models the export tests carry over to PyTorch and ONNX, and back.

Each case: an id, a function building the microdl layer or model, and an input shape.
`prepared(case)` builds it, trains its batch norms a little (so running statistics and
affine weights are not their starting values), and puts it in evaluation mode.
"""
import numpy as np

from microdl import Tensor, nn, zoo

LAYER_CASES = [
    ("linear", lambda: nn.Linear(6, 3, seed=0), (4, 6)),
    ("linear_no_bias", lambda: nn.Linear(6, 3, bias=False, seed=0), (4, 6)),
    ("linear_on_3d_input", lambda: nn.Linear(6, 3, seed=0), (2, 5, 6)),
    ("conv", lambda: nn.Conv2d(2, 4, 3, seed=0), (2, 2, 9, 9)),
    ("conv_stride_padding", lambda: nn.Conv2d(2, 4, 3, stride=2, padding=1, seed=0), (2, 2, 9, 9)),
    ("conv_rectangular", lambda: nn.Conv2d(2, 4, (3, 5), stride=(2, 1), padding=(1, 2), seed=0), (2, 2, 9, 8)),
    ("conv_dilation", lambda: nn.Conv2d(2, 4, 3, padding=2, dilation=2, seed=0), (2, 2, 9, 9)),
    ("conv_groups", lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, seed=0), (2, 4, 7, 7)),
    ("conv_depthwise", lambda: nn.Conv2d(4, 4, 3, groups=4, seed=0), (2, 4, 7, 7)),
    ("conv_same_even_kernel", lambda: nn.Conv2d(2, 3, 4, padding="same", seed=0), (2, 2, 8, 8)),
    ("conv_valid", lambda: nn.Conv2d(2, 3, 3, padding="valid", seed=0), (2, 2, 8, 8)),
    ("conv_no_bias", lambda: nn.Conv2d(2, 3, 3, bias=False, seed=0), (2, 2, 8, 8)),
    ("conv_reflect", lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect", seed=0), (2, 2, 8, 8)),
    ("conv_replicate", lambda: nn.Conv2d(2, 3, 3, padding=2, padding_mode="replicate", seed=0), (2, 2, 8, 8)),
    ("max_pool", lambda: nn.MaxPool2d(2), (2, 3, 8, 8)),
    ("max_pool_stride_padding", lambda: nn.MaxPool2d(3, stride=2, padding=1), (2, 3, 9, 9)),
    ("max_pool_dilation", lambda: nn.MaxPool2d(2, dilation=2), (2, 3, 9, 9)),
    ("max_pool_ceil_mode", lambda: nn.MaxPool2d(2, ceil_mode=True), (2, 3, 9, 9)),
    ("avg_pool", lambda: nn.AvgPool2d(2), (2, 3, 8, 8)),
    ("avg_pool_padding", lambda: nn.AvgPool2d(3, stride=2, padding=1), (2, 3, 9, 9)),
    ("avg_pool_padding_excluded", lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
     (2, 3, 9, 9)),
    ("avg_pool_ceil_mode", lambda: nn.AvgPool2d(2, ceil_mode=True), (2, 3, 9, 9)),
    ("avg_pool_divisor_override", lambda: nn.AvgPool2d(2, divisor_override=3), (2, 3, 8, 8)),
    ("batch_norm_1d", lambda: nn.BatchNorm1d(5), (8, 5)),
    ("batch_norm_1d_sequences", lambda: nn.BatchNorm1d(5), (8, 5, 7)),
    ("batch_norm_2d", lambda: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    ("batch_norm_2d_no_affine", lambda: nn.BatchNorm2d(3, affine=False), (4, 3, 5, 5)),
    ("batch_norm_2d_no_bias", lambda: nn.BatchNorm2d(3, bias=False), (4, 3, 5, 5)),
    ("batch_norm_2d_cumulative", lambda: nn.BatchNorm2d(3, eps=1e-3, momentum=None), (4, 3, 5, 5)),
    ("dropout", lambda: nn.Dropout(0.4), (4, 6)),
    ("flatten", lambda: nn.Flatten(), (2, 3, 4, 5)),
    ("flatten_from_axis_2", lambda: nn.Flatten(2), (2, 3, 4, 5)),
    ("flatten_middle_axes", lambda: nn.Flatten(1, 2), (2, 3, 4, 5)),
    ("relu", lambda: nn.ReLU(), (4, 6)),
    ("tanh", lambda: nn.Tanh(), (4, 6)),
    ("sigmoid", lambda: nn.Sigmoid(), (4, 6)),
    ("leaky_relu", lambda: nn.LeakyReLU(), (4, 6)),
    ("leaky_relu_slope", lambda: nn.LeakyReLU(0.2), (4, 6)),
    ("softmax", lambda: nn.Softmax(dim=1), (4, 6)),
    ("softmax_last_axis", lambda: nn.Softmax(dim=-1), (2, 3, 4)),
    ("log_softmax", lambda: nn.LogSoftmax(dim=1), (4, 6)),
    ("sequential_nested", lambda: nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1, seed=0), nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)),
        nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(2 * 4 * 4, 3, seed=1)))), (2, 1, 8, 8)),
]


def model_a():   # benchmarks/bench_tensor.py's model A
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1, seed=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(784, 10, seed=2))


def model_b():   # benchmarks/bench_tensor.py's model B
    return nn.Sequential(nn.Conv2d(1, 16, 5, padding=2, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 5, padding=2, seed=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1568, 128, seed=2), nn.ReLU(), nn.Linear(128, 10, seed=3))


def model_mlp():  # benchmarks/bench_tensor.py's MLP
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128, seed=0), nn.ReLU(), nn.Linear(128, 10, seed=1))


def model_with_everything():
    return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1, seed=0), nn.BatchNorm2d(6), nn.LeakyReLU(0.1),
                         nn.AvgPool2d(2), nn.Conv2d(6, 6, 3, groups=3, dilation=2, padding=2, seed=1),
                         nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.3),
                         nn.Linear(6 * 7 * 7, 16, seed=2), nn.BatchNorm1d(16), nn.Sigmoid(),
                         nn.Linear(16, 5, seed=3), nn.LogSoftmax(dim=1))


def shapes_cnn():  # zoo.shapes_cnn's network (zoo.small_cnn), untrained
    return nn.Sequential(nn.Conv2d(1, 8, 5, padding=2, seed=0), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
                         nn.Linear(8 * 7 * 7, 5, seed=1))


MODEL_CASES = [
    ("model_A", model_a, (3, 1, 28, 28)),
    ("shapes_cnn", shapes_cnn, (3, 1, 28, 28)),
    ("zoo_fashion_backbone_trained", lambda: zoo.fashion_backbone(head=True), (3, 1, 28, 28)),
    ("model_B", model_b, (3, 1, 28, 28)),
    ("MLP", model_mlp, (3, 1, 28, 28)),
    ("lesson_10_cnn", zoo.fashion_cnn, (3, 1, 28, 28)),
    ("every_layer", model_with_everything, (3, 1, 28, 28)),
]

SCALAR_CASES = [
    ("scalar_MLP", lambda: nn.MLP(2, [16, 16, 1], seed=0), 2),
    ("scalar_MLP_tanh_sigmoid", lambda: nn.MLP(3, [5, 4], activation="tanh", output_activation="sigmoid",
                                               seed=1), 3),
    ("scalar_MLP_leaky_relu", lambda: nn.MLP(3, [4, 2], activation="leaky_relu", seed=2), 3),
    ("scalar_Layer", lambda: nn.Layer(3, 4, activation="tanh", seed=3), 3),
    ("scalar_Neuron", lambda: nn.Neuron(3, activation="sigmoid", seed=4), 3),
]


def ids(cases):
    return [case[0] for case in cases]


def inputs(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def prepared(build, shape):
    """(layer or model, input batch): batch norms trained on 3 batches with random affine
    weights, then everything in evaluation mode."""
    model = build()
    rng = np.random.default_rng(1)
    for name, module in model.named_modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and module.weight is not None:
            module.weight.data[...] = rng.uniform(0.5, 1.5, module.weight.shape)
            if module.bias is not None:
                module.bias.data[...] = rng.uniform(-0.5, 0.5, module.bias.shape)
    if any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for _, m in model.named_modules()):
        for seed in range(3):
            model(Tensor(inputs(shape, seed + 10) * 2 + 0.5))
    model.eval()
    return model, inputs(shape)


def microdl_output(model, x):
    return model(Tensor(x)).data
