"""Errors that teach: fit / evaluate / predict name the classroom mistake and its fix."""
import re
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
    with pytest.warns(RuntimeWarning, match=r"stopped in epoch 1 at iteration 1: the loss is nan; "
                                             r"some weights were nan/inf before the first step"):
        history = train.fit(model, F.cross_entropy, sgd(model), (X, y), epochs=3, progress=False)
    assert history.iteration["loss"] == [] and "no step was taken" in history.stopped


# --- issue 15: stop at the first nan/inf loss, nothing lost; Ctrl-C keeps the history ------

def weights(model):
    return [np.array(p.data, dtype=float) for p in model.parameters()]


def regression_data():
    X, y = moons(50, seed=0)
    return X * 10, y.astype(float).reshape(-1, 1)   # unnormalised inputs: lr=1 blows up


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("make_model", [lambda: nn.MLP(2, [4, 1], seed=0),
                                        lambda: nn.Sequential(nn.Linear(2, 1, seed=0))])
def test_a_nan_loss_stops_training_with_the_last_finite_weights(make_model):
    X, y = regression_data()
    model = make_model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = train.fit(model, losses.mse_loss, sgd(model, lr=1.0), (X, y), epochs=200,
                            batch_size=None, progress=False, classify=False)
    ours = [str(w.message) for w in caught if "training" in str(w.message)]
    assert len(ours) == 2 and "diverging" in ours[0] and "stopped" in ours[1]  # warned first
    loss = history.iteration["loss"]
    assert 1 < len(loss) < 200 and all(np.isfinite(loss))          # stopped, long before 200
    warned_at = float(re.search(r"went from \S+ to (\S+)\. ", ours[0]).group(1))
    assert np.isfinite(warned_at) and f"{warned_at:.4g}" in [f"{v:.4g}" for v in loss]  # while finite
    assert history.stopped.startswith(f"stopped in epoch {len(loss) + 1} at iteration {len(loss) + 1}")
    assert "lr=1 is too large" in history.stopped and not history.interrupted
    assert all(np.isfinite(w).all() for w in weights(model))
    # the weights are those of the last finite loss: the full-batch loss is that loss again
    restored = train.evaluate(model, losses.mse_loss, (X, y))["loss"]
    assert restored == pytest.approx(loss[-1], rel=1e-5)
    assert history.epoch["loss"] == loss                     # one full batch per epoch


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
@pytest.mark.parametrize("where", ["X", "y"])
def test_nan_in_the_data_is_named_not_blamed_on_the_learning_rate(data, make_model, where):
    X, y = data
    X, y = X.copy(), y.astype(float)
    if where == "X":
        X[7, 1] = np.nan
    else:
        y[7] = np.inf
    model = make_model()
    before = weights(model)
    for given in ((X, y), DataLoader(X, y)):
        with pytest.raises(ValueError, match=rf"{where} holds 1 nan/inf value \(the first in "
                                             rf"example 7\).*whatever the learning rate") as error:
            train.fit(model, losses.cross_entropy, sgd(model), given, progress=False)
        assert "lower the learning rate" not in str(error.value)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(model)))


def test_the_diagnosis_names_the_culprit():
    from microdl.stopping import why_not_finite
    from microdl import Tensor as T
    w = T(np.ones(2), requires_grad=True)
    assert "input batch holds nan" in why_not_finite(np.array([np.nan]), np.zeros(1), None, [w], 0.1)
    assert "targets hold nan" in why_not_finite(np.zeros(1), np.array([np.inf]), None, [w], 0.1)
    assert "outputs overflowed" in why_not_finite(np.zeros(1), np.zeros(1), T([np.inf]), [w], 0.1)
    assert "loss function" in why_not_finite(np.zeros(1), np.zeros(1), T([1.0]), [w], 0.1)
    assert "grew until it overflowed" in why_not_finite(np.zeros(1), np.zeros(1), T([1.0]), [w], 0.1,
                                                         growing=True)
    w.data[0] = np.nan
    assert "last step made some weights nan" in why_not_finite(np.zeros(1), np.zeros(1), None, [w], 0.1)
    assert "before the first step" in why_not_finite(np.zeros(1), np.zeros(1), None, [w], 0.1,
                                                     stepped=False)


class InterruptingLoss:
    """A loss that raises KeyboardInterrupt (Ctrl-C) on its k-th call."""

    def __init__(self, k):
        self.k, self.calls = k, 0

    def __call__(self, outputs, targets):
        self.calls += 1
        if self.calls == self.k:
            raise KeyboardInterrupt
        return losses.cross_entropy(outputs, targets)


def reference_weights(make_model, data, iterations):
    """The weights after exactly `iterations` full-batch steps."""
    model = make_model()
    train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
              data, epochs=iterations, batch_size=None, progress=False, shuffle=False)
    return weights(model)


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
def test_ctrl_c_returns_the_history_of_the_finished_iterations(data, make_model, capsys):
    model = make_model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = train.fit(model, InterruptingLoss(4), opt, data, epochs=10, batch_size=None,
                        progress=False, shuffle=False)
    assert history.interrupted and len(history.iteration["loss"]) == 3
    assert len(history.epoch["loss"]) == 3                  # the cut epoch is not logged
    assert "interrupted (Ctrl-C) in epoch 4/10 after 3 finished iterations" in history.stopped
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fit: interrupted")
    for got, expected in zip(weights(model), reference_weights(make_model, data, 3)):
        np.testing.assert_array_equal(got, expected)
    assert "interrupted" in repr(history)


class InterruptedSGD(optim.SGD):
    """SGD whose k-th step is cut by Ctrl-C after it has written the weights."""

    def __init__(self, params, k, **options):
        super().__init__(params, **options)
        self.k, self.steps = k, 0

    def step(self, closure=None):
        super().step(closure)
        self.steps += 1
        if self.steps == self.k:
            raise KeyboardInterrupt


@pytest.mark.parametrize("make_model", [scalar_model, tensor_model])
def test_ctrl_c_inside_a_step_undoes_that_step(data, make_model, capsys):
    model = make_model()
    opt = InterruptedSGD(model.parameters(), 3, lr=0.1, momentum=0.9)
    history = train.fit(model, losses.cross_entropy, opt, data, epochs=10, batch_size=None,
                        progress=False, shuffle=False, track_gradients=True)
    assert history.interrupted and len(history.iteration["loss"]) == 2
    assert history.grad_norms and all(len(norms) == 2 for norms in history.grad_norms.values())
    for got, expected in zip(weights(model), reference_weights(make_model, data, 2)):
        np.testing.assert_array_equal(got, expected)
    assert capsys.readouterr().err.startswith("fit: interrupted")
    # the momentum buffers went back too: one more step lands where three steps land
    opt.k = None
    train.fit(model, losses.cross_entropy, opt, data, epochs=1, batch_size=None, progress=False,
              shuffle=False)
    for got, expected in zip(weights(model), reference_weights(make_model, data, 3)):
        np.testing.assert_array_equal(got, expected)


def test_ctrl_c_in_a_live_callback_keeps_that_finished_step(data):
    class Live:
        closed = False

        def update(self, model, *, loss, step, accuracy, epoch):
            if step == 5:
                raise KeyboardInterrupt

        def log_epoch(self, epoch, **record):
            pass

        def close(self):
            self.closed = True

    live, model = Live(), tensor_model()
    history = train.fit(model, losses.cross_entropy, sgd(model), data, epochs=3, batch_size=10,
                        live=live, progress=False, shuffle=False)
    assert history.interrupted and len(history.iteration["loss"]) == 5 and live.closed
    assert len(history.epoch["loss"]) == 1                  # 4 iterations per epoch


def test_last_good_step_puts_back_weights_buffers_and_optimizer_state():
    from microdl.stopping import LastGoodStep
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.BatchNorm1d(3))
    opt = optim.Adam(model.parameters(), lr=0.1)
    X = Tensor(np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32))
    model(X).sum().backward()
    opt.step()
    before, buffers = weights(model), [b.copy() for _, b in model.named_buffers()]
    state = {p: dict(s) for p, s in opt.state.items()}
    guard = LastGoodStep(model, opt)
    guard.save()
    model(X).sum().backward()            # moves the running statistics, in place
    opt.step()
    assert not all(np.array_equal(a, b) for a, b in zip(before, weights(model)))
    assert guard.restore()
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(model)))
    assert all(np.array_equal(a, b) for a, (_, b) in zip(buffers, model.named_buffers()))
    assert all(opt.state[p]["step"] == s["step"] == 1 for p, s in state.items())
