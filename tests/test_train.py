"""The training loop for both engines: it learns, it counts, it records, it stays quiet."""
import numpy as np
import pytest

from microdl import Tensor, nn, optim, train
from microdl.data import DataLoader, moons, shapes
from microdl.nn import losses


def test_micrograd_demo_reaches_full_training_accuracy():
    X, y = moons(100, noise=0.1, seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=1.0)
    schedule = optim.LambdaLR(opt, lambda t: 1.0 - 0.9 * t / 100)

    def loss_fn(scores, labels):
        return losses.hinge_loss(scores, labels) + losses.l2_regularization(model.parameters(), 1e-4)
    history = train.fit(model, loss_fn, opt, (X, y), epochs=100, batch_size=None,
                        scheduler=schedule, progress=False)
    assert history.epoch["accuracy"][-1] == 1.0
    assert history.epoch["loss"][-1] < history.epoch["loss"][0] / 10


def test_a_cnn_on_shapes_reduces_the_loss_and_validates():
    X, y = shapes(600, seed=0)
    Xv, yv = shapes(200, seed=1)
    model = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(6 * 14 * 14, 5, seed=1))
    history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=3e-3),
                        (X, y), epochs=2, batch_size=32, seed=0, validation=(Xv, yv),
                        progress=False, track_gradients=True)
    it = history.iteration
    assert len(it["loss"]) == 2 * 19 == 2 * history.iterations_per_epoch
    assert it["examples_seen"][-1] == 1200
    assert np.mean(it["loss"][-5:]) < np.mean(it["loss"][:5])
    assert set(history.epoch) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch["val_accuracy"][-1] > 0.5
    assert list(history.grad_norms) == ["0 (Conv2d)", "4 (Linear)"]
    assert len(history.grad_norms["0 (Conv2d)"]) == 38
    assert list(history.dead_relu) == ["1 (ReLU)"] and len(history.dead_relu["1 (ReLU)"]) == 2
    assert model.training


def test_fit_on_real_fashion_mnist_subset_learns():
    from microdl.data import find_dataset, fashion_mnist
    if find_dataset("fashion-mnist") is None:
        pytest.skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    X, y = fashion_mnist("train", download=False)
    Xt, yt = fashion_mnist("test", download=False)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(8 * 14 * 14, 10, seed=1))
    before = train.evaluate(model, losses.cross_entropy, (Xt[:1000], yt[:1000]))
    train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=2e-3),
              (X[:3000], y[:3000]), epochs=1, batch_size=64, progress=False)
    after = train.evaluate(model, losses.cross_entropy, (Xt[:1000], yt[:1000]))
    assert after["loss"] < before["loss"] and after["accuracy"] > 0.6


def test_regression_without_accuracy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 1)).astype(np.float32)
    y = (3 * X[:, 0] + 1).astype(np.float32)
    model = nn.Sequential(nn.Linear(1, 1))
    history = train.fit(model, lambda out, t: losses.mse_loss(out.reshape(-1), t), optim.SGD(model.parameters(), lr=0.1),
                        (X, y), epochs=30, batch_size=16, progress=False, classify=False)
    assert "accuracy" not in history.epoch and history.iteration["accuracy"] == []
    assert model.layers[0].weight.data[0, 0] == pytest.approx(3, abs=0.05)


def test_batch_sizes_name_the_kind_of_descent_and_count_iterations():
    X, y = moons(50, seed=0)
    for batch_size, iterations in [(1, 50), (10, 5), (None, 1)]:
        model = nn.MLP(2, [4, 1], seed=0)
        h = train.fit(model, losses.hinge_loss, optim.SGD(model.parameters(), lr=0.05), (X, y),
                      epochs=2, batch_size=batch_size, progress=False)
        assert h.iterations_per_epoch == iterations and len(h.iteration["loss"]) == 2 * iterations
        assert h.iteration["examples_seen"][-1] == 100
    loader = DataLoader(X, y, batch_size=10, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    h = train.fit(model, losses.hinge_loss, optim.SGD(model.parameters(), lr=0.05), loader, progress=False)
    assert len(h.iteration["loss"]) == 5


def test_evaluate_and_predict_leave_the_model_as_it_was():
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 2))
    X = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    y = np.zeros(10, dtype=np.int64)
    a, b = train.predict(model, X), train.predict(model, X)
    np.testing.assert_array_equal(a, b)                    # eval mode: no dropout
    assert model.training and model.layers[1].training
    scores = train.evaluate(model, losses.cross_entropy, (X, y))
    assert set(scores) == {"loss", "accuracy"}
    assert all(not p.grad.any() for p in model.parameters())


def test_accuracy_reads_labels_and_outputs_of_every_kind():
    assert train.accuracy(Tensor([[0.1, 0.9], [0.8, 0.2]]), [1, 0]) == 1.0
    assert train.accuracy(Tensor([[2.0], [-1.0]]), [1, -1]) == 1.0
    assert train.accuracy(Tensor([0.7, 0.2]), [1, 0], threshold=0.5) == 1.0
    from microdl import Value
    assert train.accuracy([Value(1.0), Value(-2.0)], np.array([1.0, -1.0])) == 1.0


def test_dead_relus_are_counted():
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU())
    model.layers[0].bias.data[:] = [-100, -100, 0, 0]      # two units can never fire
    model.layers[0].weight.data[:] = [[1, 1], [1, 1], [1, 0], [0, 1]]
    X = np.random.default_rng(0).uniform(0.1, 1, size=(20, 2)).astype(np.float32)
    assert train.dead_relu_fractions(model, X) == {"1 (ReLU)": 0.5}
    scalar = nn.MLP(2, [3, 1], seed=0)
    for n in scalar.layers[0].neurons:
        n.b.data = -100.0
    assert train.dead_relu_fractions(scalar, X) == {"L1 (Layer)": 1.0}


def test_progress_bar_postfix(capsys):
    X, y = moons(20, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    train.fit(model, losses.hinge_loss, optim.SGD(model.parameters(), lr=0.1), (X, y),
              batch_size=10, progress=True)
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "loss" in err and "acc" in err


def test_divergence_warns():
    X, y = moons(20, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=1e200)
    with pytest.warns(RuntimeWarning):
        train.fit(model, losses.mse_loss, opt, (X, y), epochs=3, batch_size=None, progress=False)
