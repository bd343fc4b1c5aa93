"""Errors that teach: fit / evaluate / predict name the classroom mistake and its fix."""
import warnings

import numpy as np
import pytest

from microdl import Tensor, nn, optim, train
from microdl.data import DataLoader, moons
from microdl.nn import functional as F
from microdl.nn import losses


@pytest.fixture
def data():
    return moons(40, seed=0)


def scalar_model():
    return nn.MLP(2, [4, 2], seed=0)


def tensor_model():
    return nn.Sequential(nn.Linear(2, 4, seed=0), nn.ReLU(), nn.Linear(4, 2, seed=1))


def sgd(model, lr=0.1):
    return optim.SGD(model.parameters(), lr=lr)


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
def test_swapped_x_and_y_is_named(data, make_model):
    X, y = data
    model = make_model()
    with pytest.raises(ValueError, match=r"X has shape \(40,\).*y has shape \(40, 2\).*look swapped"):
        train.fit(model, losses.cross_entropy, sgd(model), (y, X), progress=False)
    with pytest.raises(ValueError, match="look swapped"):
        train.evaluate(model, losses.cross_entropy, (y, X))


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
def test_wrong_number_of_features_names_both_sizes(data, make_model):
    X, y = data
    model = make_model()
    X3 = np.hstack([X, X[:, :1]])
    with pytest.raises(ValueError, match=r"takes 2 input features.*shape \(40, 3\), 3 features"):
        train.fit(model, losses.cross_entropy, sgd(model), (X3, y), progress=False)
    with pytest.raises(ValueError, match=r"takes 2 input features"):
        train.predict(model, X3)


def test_one_feature_as_a_flat_array_says_reshape():
    X = np.linspace(0, 1, 10)
    model = nn.Sequential(nn.Linear(1, 1, seed=0))
    with pytest.raises(ValueError, match=r"X.reshape\(-1, 1\)"):
        train.fit(model, losses.mse_loss, sgd(model), (X, 2 * X), progress=False, classify=False)
    history = train.fit(model, losses.mse_loss, sgd(model), (X.reshape(-1, 1), 2 * X),
                        progress=False, classify=False)
    assert len(history.epoch["loss"]) == 1


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
def test_string_labels_show_how_to_map_them(data, make_model):
    X, y = data
    names = np.where(y == 1, "cat", "dog")
    model = make_model()
    with pytest.raises(TypeError, match=r"(?s)text \('cat', 'dog'\).*np.unique\(y, return_inverse=True\)"):
        train.fit(model, losses.cross_entropy, sgd(model), (X, names), progress=False)
    with pytest.raises(TypeError, match="return_inverse"):
        train.fit(model, losses.cross_entropy, sgd(model), DataLoader(X, names.astype(object)),
                  progress=False)
    # and the suggested fix works
    classes, labels = np.unique(names, return_inverse=True)
    train.fit(model, losses.cross_entropy, sgd(model), (X, labels), progress=False)
    assert list(classes) == ["cat", "dog"]


def test_tensor_only_loss_on_a_scalar_model_names_the_loss_to_use(data):
    model = scalar_model()
    with pytest.raises(TypeError, match=r"Use microdl.nn.losses.cross_entropy, which serves both"):
        train.fit(model, F.cross_entropy, sgd(model), data, progress=False)
    with pytest.raises(TypeError, match="nn.losses.cross_entropy"):
        train.evaluate(model, F.cross_entropy, data)


def test_the_tensor_loss_still_trains_a_tensor_model(data):
    model = tensor_model()
    history = train.fit(model, F.cross_entropy, sgd(model), data, epochs=2, progress=False)
    assert len(history.epoch["loss"]) == 2


def test_data_that_is_not_a_pair_shows_the_call(data):
    model = tensor_model()
    with pytest.raises(TypeError, match=r"pair \(X, y\).*got a ndarray.*fit\(model, loss_fn, optimizer, \(X, y\)\)"):
        train.fit(model, losses.cross_entropy, sgd(model), data[0], progress=False)


def test_a_cnn_input_is_not_checked_against_its_linear_layer():
    X = np.zeros((4, 1, 8, 8), dtype=np.float32)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2, seed=0))
    assert train.model_input_size(model) is None
    assert train.predict(model, X).shape == (4, 2)


def test_model_input_size_reads_the_first_layer():
    assert train.model_input_size(nn.MLP(3, [4, 1], seed=0)) == 3
    assert train.model_input_size(nn.Sequential(nn.Linear(5, 2, seed=0))) == 5
    assert train.model_input_size(nn.Linear(7, 2, seed=0)) == 7


# --- a learning rate that blows the loss up ------------------------------------------------

@pytest.mark.parametrize("make_model", [lambda: nn.MLP(2, [16, 16, 2], seed=0), tensor_model])
def test_huge_learning_rate_warns_once_early_naming_lr(make_model):
    X, y = moons(200, seed=0)
    model = make_model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = train.fit(model, losses.cross_entropy, sgd(model, lr=100), (X, y), epochs=5,
                            seed=0, progress=False)
    diverging = [w for w in caught if "diverging" in str(w.message)]
    assert len(diverging) == 1  # once per run, not once per iteration
    message = str(diverging[0].message)
    assert "lr=100 is too large" in message and "try lr=10" in message
    assert diverging[0].filename == __file__  # points at the user's fit(...) call
    first = history.iteration["loss"][0]
    blown = next(i for i, v in enumerate(history.iteration["loss"]) if not v < 1e3 * first)
    assert blown < history.iterations_per_epoch  # it happened, and within the first epoch
    assert f"{history.iteration['loss'][blown]:.4g}" in message  # warned at that iteration


def test_a_sensible_learning_rate_does_not_warn(data):
    model = tensor_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train.fit(model, losses.cross_entropy, sgd(model, lr=0.1), data, epochs=3, progress=False)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_non_finite_loss_warns_at_once():
    X = np.array([[1.0, 2.0]] * 4, dtype=np.float64)
    y = np.zeros(4, dtype=np.int64)
    model = nn.Sequential(nn.Linear(2, 2, seed=0))
    model[0].weight.data[:] = np.inf
    with pytest.warns(RuntimeWarning, match=r"diverging in epoch 1: the loss went from nan to nan"):
        history = train.fit(model, F.cross_entropy, sgd(model), (X, y), progress=False)
    assert len(history.iteration["loss"]) == 1
