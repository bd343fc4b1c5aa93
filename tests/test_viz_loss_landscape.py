"""plot_loss_landscape: the plane through trained weights (Li et al. 2018) and the runs projected
onto it, checked against the engine: grid values are the model's loss, directions are
filter-normalised, projections are exact least squares, the model is left as it was."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl import nn, train
from microdl.data import moons
from microdl.nn import losses
from microdl.viz import Figure, plot_loss_landscape
from microdl.viz.landscape import loss_landscape
from microdl.viz.landscape.model_weights import ModelWeights


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    before = plt.get_fignums()         # (whatever earlier tests left is theirs)
    yield
    assert plt.get_fignums() == before


def _moons(n=40):
    X, y = moons(n, noise=0.1, seed=1)
    return nn.MLP(2, [6, 1], seed=0), X, y


def _small_landscape(model, X, y, **kwargs):
    options = dict(batch_sizes=(1, 8, None), lr=0.1, epochs=2, resolution=7, seed=3)
    return loss_landscape(model, (X, y), losses.hinge_loss, **{**options, **kwargs})


def test_grid_at_the_centre_is_the_trained_models_loss_and_the_model_is_left_alone():
    model, X, y = _moons()
    start = ModelWeights(model).get()
    land = _small_landscape(model, X, y)
    np.testing.assert_array_equal(ModelWeights(model).get(), start)       # put back
    assert land.a[3] == 0 and land.b[3] == 0
    ModelWeights(model).set(land.runs[-1].final)                           # the full-batch run's end
    trained = train.evaluate(model, losses.hinge_loss, (X, y))["loss"]
    assert land.losses[3, 3] == pytest.approx(trained, rel=1e-12)
    ModelWeights(model).set(land.plane.point(land.a[5], land.b[1]))        # and elsewhere on the plane
    assert land.losses[1, 5] == pytest.approx(train.evaluate(model, losses.hinge_loss, (X, y))["loss"])


def test_directions_are_filter_normalised_and_leave_biases_alone():
    model, X, y = _moons()
    land = _small_landscape(model, X, y)
    weights, centre = ModelWeights(model), land.plane.centre
    filters = weights.filters()
    assert len(filters) == 6 + 1                                           # one per neuron
    for direction in land.plane.directions:
        for indices in filters:
            assert np.linalg.norm(direction[indices]) == pytest.approx(np.linalg.norm(centre[indices]))
        biases = [i for i in range(len(weights)) if weights.name_of(i).endswith(".b")]
        assert np.all(direction[biases] == 0)


def test_projection_is_least_squares_on_the_two_directions():
    model, X, y = _moons()
    land = _small_landscape(model, X, y)
    plane = land.plane
    on_plane = plane.point(0.3, -0.2)
    np.testing.assert_allclose(plane.coordinates([plane.filter_dots(on_plane)]), [[0.3, -0.2]], atol=1e-12)
    off = on_plane + np.random.default_rng(0).standard_normal(len(on_plane))
    D = plane.directions
    expected = np.linalg.lstsq(D.T, off - plane.centre, rcond=None)[0]
    np.testing.assert_allclose(plane.coordinates([plane.filter_dots(off)])[0], expected, atol=1e-10)
    np.testing.assert_allclose(land.paths[-1].points[-1], [0, 0], atol=1e-12)  # full batch ends at the centre
    starts = np.array([path.points[0] for path in land.paths])
    np.testing.assert_allclose(starts, starts[[0, 0, 0]], atol=1e-12)          # all from one start


def test_runs_record_the_real_loss_at_every_recorded_step():
    model, X, y = _moons()
    land = _small_landscape(model, X, y)
    sgd, mini, full = land.runs
    assert sgd.batch_size == 1 and mini.batch_size == 8 and full.batch_size == 40
    assert full.epochs == [0.0, 1.0, 2.0] and len(sgd.losses) <= 81
    assert sgd.losses[0] == pytest.approx(train.evaluate(model, losses.hinge_loss, (X, y))["loss"])
    ModelWeights(model).set(full.final)
    assert full.losses[-1] == pytest.approx(train.evaluate(model, losses.hinge_loss, (X, y))["loss"])


def test_deterministic_with_seed():
    model, X, y = _moons()
    first, again = _small_landscape(model, X, y), _small_landscape(model, X, y)
    np.testing.assert_array_equal(first.losses, again.losses)
    np.testing.assert_array_equal(first.paths[0].points, again.paths[0].points)
    other = _small_landscape(model, X, y, seed=4)
    assert not np.array_equal(first.plane.directions, other.plane.directions)


def test_a_tensor_model_without_training_centres_on_its_own_weights():
    X, y = moons(40, noise=0.1, seed=1)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 2, seed=1))
    land = loss_landscape(model, (X.astype(np.float32), y.astype(int)), trajectories=False, resolution=5)
    assert land.paths == [] and land.runs == []
    expected = train.evaluate(model, losses.cross_entropy, (X.astype(np.float32), y.astype(int)))["loss"]
    assert land.losses[2, 2] == pytest.approx(expected, rel=1e-6)
    assert len(ModelWeights(model).filters()) == 8 + 2                    # rows of the two matrices


def test_plot_says_the_paths_are_projections():
    model, X, y = _moons()
    fig = plot_loss_landscape(model, (X, y), losses.hinge_loss, batch_sizes=(1, None), epochs=1,
                              resolution=5)
    assert isinstance(fig, Figure)
    title = fig.texts[0].get_text() if fig.texts else fig._suptitle.get_text()
    assert "projections" in title and "least squares" in title
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert any(label.startswith("SGD (batch size 1)") for label in labels)
    assert any(label.startswith("full batch (batch size 40)") for label in labels)


def test_a_cnn_gets_the_small_budget_and_the_figure_says_so():
    """A convolutional model: 15 x 15 points on the first 256 examples (each point is a forward
    pass), and grid values that are the model's loss there on those examples."""
    from microdl.data import shapes
    from microdl.viz.landscape.model_weights import loss_at
    X, y = shapes(300, seed=0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
                          nn.Linear(2 * 7 * 7, 5, seed=1))
    land = loss_landscape(model, (X, y), trajectories=False)
    assert land.losses.shape == (15, 15) and land.examples == 256
    weights = ModelWeights(model)
    start = weights.get()
    weights.set(land.plane.point(land.a[2], land.b[11]))
    assert land.losses[11, 2] == pytest.approx(loss_at(model, losses.cross_entropy, X[:256], y[:256]), rel=1e-5)
    weights.set(start)
    fig = plot_loss_landscape(model, (X, y), trajectories=False, resolution=5, eval_examples=None)
    assert "5 x 5 grid, loss on 300 examples" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="resolution >= 3"):
        loss_landscape(model, (X, y), trajectories=False, resolution=2)


def _synthetic(low_at):
    """A LossLandscape drawn without training: a bowl with its bottom at `low_at` (a, b)."""
    from microdl.viz.landscape import LossLandscape
    a = b = np.linspace(-1, 1, 9)
    A, B = np.meshgrid(a, b)
    bowl = 0.5 + (A - low_at[0]) ** 2 + 2 * (B - low_at[1]) ** 2
    return LossLandscape(a, b, bowl, paths=[], runs=[], plane=None, model_name="MLP", examples=9)


def _legend_texts(figure):
    return [t.get_text() for legend in figure.legends for t in legend.get_texts()]


def test_the_centre_is_a_star_only_when_it_is_the_planes_lowest_point():
    """A centre that is not the low point (too little training, issue 13) gets a plain marker,
    the lowest grid point its own marker, and the legend both losses."""
    from microdl.viz.landscape.real_landscape import draw_loss_landscape
    at_centre = draw_loss_landscape(_synthetic((0.0, 0.0)))
    stars = [line for line in at_centre.axes[0].lines if line.get_marker() == "*"]
    assert [tuple(line.get_xydata()[0]) for line in stars] == [(0.0, 0.0)]
    assert any("the plane's lowest point" in text for text in _legend_texts(at_centre))
    plt.close(at_centre)

    aside = draw_loss_landscape(_synthetic((0.75, -0.5)))
    markers = {line.get_marker(): tuple(line.get_xydata()[0]) for line in aside.axes[0].lines
               if line.get_linestyle() == "None"}
    assert "*" not in markers and markers["P"] == (0.0, 0.0) and markers["v"] == (0.75, -0.5)
    texts = " ".join(_legend_texts(aside))
    centre = 0.5 + 0.75 ** 2 + 2 * 0.5 ** 2
    assert f"loss {centre:.3g}:\nnot a minimum" in texts and "lowest loss on this plane: 0.5" in texts
    plt.close(aside)


def test_the_centre_says_how_many_steps_the_run_took():
    model, X, y = _moons()
    land = _small_landscape(model, X, y, epochs=1)
    assert land.runs[-1].steps == 1 and land.runs[0].steps == len(X)     # full batch: 1 step an epoch
    from microdl.viz.landscape.real_landscape import _where_training_ended
    assert _where_training_ended(land) == "where the full batch run ended, after 1 step"


def test_the_zoom_label_stays_clear_of_the_connector_lines():
    from microdl.viz.landscape.real_landscape import draw_loss_landscape
    model, X, y = _moons()
    figure = draw_loss_landscape(_small_landscape(model, X, y, resolution=9, span=3.0))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    plane = figure.axes[0]
    insets = [ax for ax in plane.child_axes if ax.get_xlabel().startswith("zoom")]
    assert insets, "the paths are small on this plane: there should be a zoom inset"
    label = insets[0].xaxis.label.get_window_extent(renderer)
    assert label.width > 20 and label.height > 10
    indicators = [child for child in plane.get_children() if hasattr(child, "connectors")]
    connectors = [patch for indicator in indicators for patch in indicator.connectors if patch.get_visible()]
    assert connectors
    for connector in connectors:
        # the connector's line in display pixels, sampled densely: no sample inside the label's box
        samples = connector.get_path().interpolated(50).vertices
        inside = ((label.x0 <= samples[:, 0]) & (samples[:, 0] <= label.x1)
                  & (label.y0 <= samples[:, 1]) & (samples[:, 1] <= label.y1))
        assert not inside.any()
    plt.close(figure)


def test_runs_keep_their_colour_whatever_order_they_are_asked_for():
    """Lesson 9 asks for the full batch first and SGD last (the centre): SGD stays blue,
    the full batch black, as in lesson 5's sgd_vs_batch."""
    from microdl.viz import style
    from microdl.viz.landscape.panel import batch_colors
    assert batch_colors((None, 16, 1)) == [style.BLACK, style.VERMILLION, style.BLUE]
    assert batch_colors((1, 16, None)) == [style.BLUE, style.VERMILLION, style.BLACK]
    assert batch_colors((1, 10, 50), n=50) == [style.BLUE, style.VERMILLION, style.BLACK]
