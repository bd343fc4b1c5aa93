"""Tensor layers on the shared Module base: shapes, parameters, modes, freezing, init."""
import numpy as np
import pytest

import microdl.nn.functional as F
from microdl import Tensor, gradcheck, nn
from microdl.nn import init


def small_cnn(seed=0):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, seed=seed), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, seed=seed + 1), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Dropout(0.2, seed=seed), nn.Linear(6, 5, seed=seed + 2), nn.LeakyReLU(0.1),
        nn.Linear(5, 3, seed=seed + 3), nn.Sigmoid())


def test_a_cnn_runs_and_every_parameter_gets_a_gradient():
    model = small_cnn()
    x = Tensor(np.random.default_rng(0).normal(size=(4, 1, 8, 8)).astype(np.float32))
    out = model(x)
    assert out.shape == (4, 3) and out.dtype == np.float32
    out.sum().backward()
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    for name, p in model.named_parameters():
        assert p.grad.shape == p.shape and np.abs(p.grad).sum() > 0, name


def test_layers_match_finite_differences_in_float64():
    model = small_cnn()
    model.layers = [layer for layer in model.layers if not isinstance(layer, nn.Dropout)]
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    first, last = model.layers[0], model.layers[-2]

    def f(x, conv_weight, linear_weight):
        first.weight, last.weight = conv_weight, linear_weight   # route gradients to the inputs
        return model(x)
    x = np.random.default_rng(1).normal(size=(3, 1, 8, 8))
    gradcheck(f, x, first.weight.data, last.weight.data)


def test_linear_and_conv_follow_pytorch_shapes():
    lin = nn.Linear(784, 10)
    assert lin.weight.shape == (10, 784) and lin.bias.shape == (10,)
    conv = nn.Conv2d(1, 16, 5, padding=2)
    assert conv.weight.shape == (16, 1, 5, 5)
    assert conv(Tensor(np.zeros((2, 1, 28, 28)))).shape == (2, 16, 28, 28)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert "Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))" in repr(conv)  # as torch


def test_batchnorm_train_and_eval_modes():
    bn = nn.BatchNorm2d(2)
    x = Tensor(np.random.default_rng(0).normal(5.0, 3.0, size=(16, 2, 4, 4)).astype(np.float32))
    bn(x)
    assert not np.allclose(bn.running_mean, 0)
    model = nn.Sequential(bn)
    model.eval()
    assert not bn.training
    before = bn.running_mean.copy()
    bn(x)
    np.testing.assert_array_equal(before, bn.running_mean)    # eval does not update
    model.train()
    assert bn.training
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]   # stats are not parameters


def test_dropout_only_in_training():
    drop = nn.Dropout(0.5, seed=0)
    x = Tensor(np.ones(100, np.float32))
    assert (drop(x).data == 0).any()
    drop.eval()
    assert drop(x) is x


def test_freeze_skips_gradients():
    model = small_cnn()
    model.layers[0].freeze()
    x = Tensor(np.ones((2, 1, 8, 8), np.float32))
    model(x).sum().backward()
    assert not model.layers[0].weight.requires_grad
    assert not model.layers[0].weight.grad.any()
    assert model.layers[4].weight.grad.any()
    model.unfreeze()
    assert model.layers[0].weight.requires_grad


def test_init_is_seeded_and_has_the_right_scale():
    a = init.kaiming_uniform((256, 512), seed=0)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, init.kaiming_uniform((256, 512), seed=0))
    assert a.var() == pytest.approx(2 / 512, rel=0.05)
    assert init.xavier_normal((256, 512), seed=1).var() == pytest.approx(2 / 768, rel=0.05)
    assert init.kaiming_normal((64, 8, 3, 3), seed=1).var() == pytest.approx(2 / 72, rel=0.05)
    assert init.fans((16, 8, 3, 3)) == (72, 144)
    assert not np.array_equal(nn.Linear(4, 4, seed=1).weight.data, nn.Linear(4, 4, seed=2).weight.data)
    with pytest.raises(ValueError, match="unknown init"):
        nn.Linear(2, 2, init="magic")


def test_sequential_behaves_like_a_list():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[0], nn.Linear)
    assert len(model[:2]) == 2
    assert [type(l).__name__ for l in model] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(TypeError, match="item 1 is a int"):
        nn.Sequential(nn.ReLU(), 3)


def test_linear_shape_error():
    with pytest.raises(ValueError, match=r"linear: input \(2, 5\) has 5 features, weight \(10, 784\) expects 784"):
        nn.Linear(784, 10)(Tensor(np.zeros((2, 5))))


def test_batchnorm_refuses_one_value_per_channel_in_training():
    """Bug 8: (1, C, 1, 1) in training normalised every value to 0, silently."""
    layer = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        layer(Tensor(np.ones((1, 3, 1, 1))))
    assert layer.eval()(Tensor(np.ones((1, 3, 1, 1)))).shape == (1, 3, 1, 1)   # eval is fine


def test_batchnorm_options_and_buffers():
    layer = nn.BatchNorm2d(2, momentum=None)
    rng = np.random.default_rng(0)
    batches = [rng.normal(3.0, 2.0, size=(4, 2, 3, 3)) for _ in range(3)]
    for x in batches:
        layer(Tensor(x))
    # momentum=None: the running mean is the plain average of the batches' means
    np.testing.assert_allclose(layer.running_mean, np.mean([x.mean(axis=(0, 2, 3)) for x in batches], axis=0),
                               rtol=1e-5)
    assert int(layer.num_batches_tracked) == 3
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    bare = nn.BatchNorm2d(2, affine=False, track_running_stats=False).eval()
    assert bare.parameters() == [] and bare.state_dict() == {}
    out = bare(Tensor(batches[0])).data                     # no running statistics: the batch's own
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-6)
    with pytest.raises(ValueError, match="expected 2 or 3-D input"):
        nn.BatchNorm1d(2)(Tensor(batches[0]))


def test_functional_batch_norm_defaults_to_evaluation():
    mean, var = np.array([1.0, -1.0]), np.array([4.0, 1.0])
    x = Tensor(np.ones((2, 2, 1, 1)))
    out = F.batch_norm(x, mean, var, eps=0.0)
    np.testing.assert_allclose(out.data[0, :, 0, 0], [0.0, 2.0])
    np.testing.assert_array_equal(mean, [1.0, -1.0])         # untouched in evaluation


def test_dropout_p_one_drops_everything():
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    out = nn.Dropout(1.0)(x)
    out.sum().backward()
    assert not out.data.any() and not x.grad.any()
    assert F.dropout(x, 0.5, True, True, seed=0).shape == (3, 4)  # inplace accepted, a new Tensor


def test_default_init_is_pytorchs_uniform_bound():
    layer = nn.Conv2d(4, 32, 3, seed=0)
    bound = 1 / np.sqrt(4 * 9)
    for p in (layer.weight.data, layer.bias.data):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.9 * bound
    assert layer.weight.data.var() == pytest.approx(bound ** 2 / 3, rel=0.1)
    assert not nn.Linear(3, 4, init="kaiming", seed=0).bias.data.any()
