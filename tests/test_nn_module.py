"""Module state helpers: evaluation_mode, and the default generator behind manual_seed."""
import numpy as np
import pytest

import microdl
from microdl import nn
from microdl.nn.module import evaluation_mode
from microdl.rng import generator


def model_with_dropout():
    return nn.Sequential(nn.Linear(4, 8, seed=0), nn.ReLU(), nn.Dropout(0.5, seed=1), nn.Linear(8, 2, seed=2))


def test_evaluation_mode_switches_every_module_off_and_back():
    model = model_with_dropout()
    x = microdl.Tensor(np.ones((16, 4), dtype=np.float32))
    with evaluation_mode(model) as inside:
        assert inside is model
        assert not any(m.training for _, m in model.named_modules())
        first, second = model(x).data, model(x).data
        np.testing.assert_array_equal(first, second)       # dropout is off: deterministic
    assert all(m.training for _, m in model.named_modules())
    assert not np.array_equal(model(x).data, model(x).data)  # dropout is back


def test_evaluation_mode_restores_mixed_states_even_after_an_error():
    model = model_with_dropout()
    model[2].eval()                                        # a frozen dropout stays frozen
    with pytest.raises(RuntimeError, match="inside"):
        with evaluation_mode(model):
            raise RuntimeError("inside the block")
    assert model.training and model[0].training and not model[2].training
    assert "training" not in vars(nn.ReLU())              # class default untouched


def test_evaluation_mode_works_for_a_scalar_mlp():
    mlp = nn.MLP(2, [3, 1], seed=0)
    with evaluation_mode(mlp):
        assert not mlp.training and not mlp.layers[0].neurons[0].training
    assert mlp.training and "training" not in vars(mlp.layers[0].neurons[0])


def test_manual_seed_restarts_the_default_generator():
    microdl.manual_seed(7)
    a = generator().random(5)
    b = nn.Linear(3, 2).weight.data.copy()                # seed=None draws from the default
    microdl.manual_seed(7)
    np.testing.assert_array_equal(generator().random(5), a)
    np.testing.assert_array_equal(nn.Linear(3, 2).weight.data, b)
    microdl.manual_seed(8)
    assert not np.array_equal(generator().random(5), a)


def test_manual_seed_leaves_explicit_seeds_alone():
    microdl.manual_seed(1)
    w1 = nn.Linear(3, 2, seed=5).weight.data.copy()
    microdl.manual_seed(2)
    np.testing.assert_array_equal(nn.Linear(3, 2, seed=5).weight.data, w1)
    rng = np.random.default_rng(3)
    assert generator(rng) is rng
    with pytest.raises(TypeError, match="seed must be an int"):
        generator("3")
