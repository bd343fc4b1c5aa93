"""viz.features: feature maps and kernels of a CNN, drawn without changing the model."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl.nn import (BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU,
                        Sequential)
from microdl.nn.module import evaluation_mode
from microdl.viz import plot_feature_maps, plot_filters


def small_cnn():
    return Sequential(Conv2d(1, 4, 3, padding=1, seed=0), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                      Conv2d(4, 6, 3, seed=1), ReLU(), Dropout(0.5, seed=0), Flatten(),
                      Linear(6 * 2 * 2, 3, seed=2))


def image(shape=(1, 8, 8)):
    return np.random.default_rng(0).random(shape).astype(np.float32)


def snapshot(model):
    return {
        "params": [p.data.copy() for p in model.parameters()],
        "grads": [None if p._grad is None else p._grad.copy() for p in model.parameters()],
        "modes": [(name, m.training, "training" in vars(m)) for name, m in model.named_modules()],
        "bn": (model[1].running_mean.copy(), model[1].running_var.copy()),
    }


def assert_same(before, after):
    assert all(np.array_equal(a, b) for a, b in zip(before["params"], after["params"]))
    assert [g is None for g in before["grads"]] == [g is None for g in after["grads"]]
    assert all(a is None or np.array_equal(a, b) for a, b in zip(before["grads"], after["grads"]))
    assert before["modes"] == after["modes"]
    assert all(np.array_equal(a, b) for a, b in zip(before["bn"], after["bn"]))


def test_feature_maps_default_layers_and_png(tmp_path, assert_png_not_blank):
    fig = plot_feature_maps(small_cnn(), image())
    labels = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(l.startswith("layers[0]: Conv2d\n4 × 8 × 8") for l in labels)
    assert any(l.startswith("layers[3]: MaxPool2d\n4 × 4 × 4") for l in labels)
    assert not any("Flatten" in l or "Linear" in l or "Dropout" in l for l in labels)
    assert_png_not_blank(fig, tmp_path / "features.png")


@pytest.mark.parametrize("training", [True, False])
def test_feature_maps_leave_the_model_unchanged(training):
    model = small_cnn().train(training)
    model.parameters()[0].grad = np.ones_like(model.parameters()[0].data)  # one grad set, the rest None
    before = snapshot(model)
    plt.close(plot_feature_maps(model, image((1, 1, 8, 8)), layers=[0, "2", model[4]]))
    assert_same(before, snapshot(model))


def test_evaluation_mode_restores_class_defaults():
    model = small_cnn()
    assert "training" not in vars(model[0])
    with evaluation_mode(model):
        assert not model[0].training and not model[6].training
    assert "training" not in vars(model[0]) and model[0].training


def test_feature_maps_errors_say_what_to_do():
    model = small_cnn()
    with pytest.raises(ValueError, match="ONE image"):
        plot_feature_maps(model, image((2, 1, 8, 8)))
    with pytest.raises(ValueError, match="not .C, H, W. maps"):
        plot_feature_maps(model, image(), layers=[8])
    with pytest.raises(ValueError, match="not in the model"):
        plot_feature_maps(model, image(), layers=[42])


def test_max_channels_limits_the_columns():
    fig = plot_feature_maps(small_cnn(), image(), layers=[4], max_channels=3)
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 1 + 3
    plt.close(fig)


@pytest.mark.parametrize("source", [
    lambda m: m[0],                                   # a Conv2d: one input channel
    lambda m: m[4].weight,                            # its weight Tensor: 4 input channels
    lambda m: np.random.default_rng(0).normal(size=(3, 2, 5, 5)),
])
def test_filters(tmp_path, source, assert_png_not_blank):
    model = small_cnn()
    before = snapshot(model)
    fig = plot_filters(source(model))
    assert any(ax.images for ax in fig.axes)
    assert_png_not_blank(fig, tmp_path / "filters.png")
    assert_same(before, snapshot(model))


def test_filters_share_one_scale_centred_on_zero():
    weight = np.zeros((2, 1, 3, 3))
    weight[0, 0, 0, 0], weight[1, 0, 1, 1] = 2.0, -0.5
    fig = plot_filters(weight)
    norms = {(ax.images[0].norm.vmin, ax.images[0].norm.vcenter, ax.images[0].norm.vmax)
             for ax in fig.axes if ax.images}
    assert norms == {(-2.0, 0.0, 2.0)}
    plt.close(fig)


def test_filters_reject_a_linear_weight():
    with pytest.raises(ValueError, match="out_channels, in_channels, KH, KW"):
        plot_filters(np.zeros((3, 4)))


def test_a_relu_row_s_colour_bar_shows_no_negative_values():
    """After a ReLU nothing is negative: its bar runs from 0, a convolution's spans both signs."""
    fig = plot_feature_maps(small_cnn(), image())
    bars = [ax for ax in fig.axes if ax.get_ylabel() == "activation"]
    labels = [t.get_text().split(":")[1].split("\n")[0].strip()
              for ax in fig.axes for t in ax.texts if t.get_text().startswith("layers[")]
    lows = {kind: bar.get_ylim()[0] for kind, bar in zip(labels, bars)}
    assert lows["ReLU"] == 0 and lows["Conv2d"] < 0
