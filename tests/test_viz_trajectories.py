"""viz.landscape (batch_sizes, batches): SGD vs mini-batch vs full batch on the same data, start and budget."""
import math

import numpy as np
import pytest

from microdl import Tensor, optim
from microdl.data import DataLoader, house_prices
from microdl.viz import batch_trajectory, compare_batch_sizes, linear_regression_loss

pytestmark = pytest.mark.usefixtures("close_figures")



@pytest.fixture
def data():
    return house_prices(50, seed=0)


@pytest.mark.parametrize("batch_size", [1, 7, 16, None])
def test_iterations_per_epoch_and_examples_seen(data, batch_size):
    X, y = data
    run = batch_trajectory(X, y, batch_size, lr=0.05, epochs=3)
    per_epoch = math.ceil(50 / (batch_size or 50))
    assert run.iterations_per_epoch == per_epoch
    assert run.steps == 3 * per_epoch
    assert run.points.shape == (run.steps + 1, 2) and run.losses.shape == (run.steps + 1,)
    assert run.batch_losses.shape == (run.steps,)
    assert run.examples_seen[-1] == 3 * 50 and run.epochs[-1] == 3
    sizes = np.diff(run.examples_seen)
    assert sizes.max() == min(batch_size or 50, 50) and sizes.sum() == 150


def test_every_method_sees_the_same_number_of_examples(data):
    runs = [batch_trajectory(*data, size, lr=0.05, epochs=4) for size in (1, 16, None)]
    assert {run.examples_seen[-1] for run in runs} == {200}
    assert [run.steps for run in runs] == [200, 16, 4]
    assert all(np.array_equal(run.points[0], runs[0].points[0]) for run in runs)


def test_points_are_the_sgd_steps_on_the_loaders_batches(data):
    X, y = data
    run = batch_trajectory(X, y, batch_size=8, lr=0.1, epochs=2, start=(0.5, -0.5), seed=3)
    theta = Tensor([0.5, -0.5], requires_grad=True, dtype=np.float64)
    opt = optim.SGD([theta], lr=0.1)
    loader = DataLoader(X[:, 0].astype(float), y.astype(float), batch_size=8, shuffle=True, seed=3)
    step = 0
    for _ in range(2):
        for xb, yb in loader:
            opt.zero_grad()
            loss = ((theta[0] * Tensor(xb) + theta[1] - Tensor(yb)) ** 2).mean()
            assert np.isclose(run.batch_losses[step], float(loss.data), rtol=1e-12)
            loss.backward()
            opt.step()
            step += 1
            assert np.allclose(run.points[step], theta.data, rtol=1e-12, atol=1e-12)
    assert step == run.steps


def test_losses_are_the_exact_full_data_loss(data):
    run = batch_trajectory(*data, batch_size=1, lr=0.05, epochs=1)
    loss = linear_regression_loss(*data)
    assert np.allclose(run.losses, [loss(*p) for p in run.points])


def test_sgd_stumbles_and_full_batch_does_not(data):
    sgd = batch_trajectory(*data, batch_size=1, lr=0.1, epochs=5)
    full = batch_trajectory(*data, batch_size=None, lr=0.1, epochs=5)
    assert np.any(np.diff(sgd.losses) > 0)      # some SGD steps make the full loss worse
    assert np.all(np.diff(full.losses) < 0)     # full-batch steps never do (small lr)


def test_a_too_large_learning_rate_is_flagged(data):
    run = batch_trajectory(*data, batch_size=1, lr=2.0, epochs=5)
    assert run.diverged and "diverged" in run.label and run.steps < 250


def test_compare_batch_sizes_writes_a_picture_and_says_the_budget(tmp_path, data, assert_png_not_blank):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    figure = compare_batch_sizes(X, y, batch_sizes=(1, 16, None), epochs=3)
    assert_png_not_blank(figure, tmp_path / "batches.png")
    titles = [ax.get_title() for ax in figure.axes]
    assert "Same examples seen: 3 epochs = 150" in titles and "Same number of steps: 30" in titles
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert any("SGD" in t for t in labels) and any("full batch" in t for t in labels)
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)


def test_one_learning_rate_per_batch_size_or_a_clear_error(data):
    compare_batch_sizes(*data, batch_sizes=(1, None), lr=(0.05, 0.3), epochs=2)
    with pytest.raises(ValueError, match="one lr, or one per batch size"):
        compare_batch_sizes(*data, batch_sizes=(1, 8, None), lr=(0.1, 0.2), epochs=1)


def test_the_cost_panel_shows_measured_step_times_and_the_epoch_they_make(close_figures):
    """Each bar's name: steps per epoch x the measured time of one step = an epoch's time."""
    import re
    from microdl.viz.landscape.batches import timed_step
    x, y = house_prices(50, seed=0)
    assert 0 < timed_step(x, y, 1) < 0.1 and 0 < timed_step(x, y, None) < 0.1
    figure = compare_batch_sizes(x, y)
    cost = [ax for ax in figure.axes if ax.get_xlabel() == "examples per step"][0]
    names = [tick.get_text() for tick in cost.get_yticklabels()]
    assert len(names) == 3
    for name in names:
        steps, micro, milli = re.search(r"(\d+) steps? x (\d+) µs\n= ([\d.]+) ms", name).groups()
        assert float(milli) == pytest.approx(int(steps) * int(micro) / 1000, abs=0.01 + 0.01 * float(milli))
    assert [int(re.search(r"(\d+) steps?", n).group(1)) for n in names] == [50, 5, 1]
