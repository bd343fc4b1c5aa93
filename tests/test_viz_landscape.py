"""viz.landscape: named losses, descent paths from real optimizers, and their pictures."""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl import Tensor, Value, optim
from microdl.data import house_prices
from microdl.viz import landscape
from microdl.viz.landscape import (compare_learning_rates, compare_optimizers, contour_levels,
                                   descent_path, landscape_view, linear_regression_loss,
                                   loss_grid, plot_landscape, plot_surface, quadratic_bowl,
                                   rosenbrock)

pytestmark = pytest.mark.usefixtures("close_figures")



@pytest.fixture
def data():
    X, y = house_prices(50, seed=0)
    return X, y


# --- losses --------------------------------------------------------------------------------

def test_linear_regression_minimum_is_least_squares(data):
    X, y = data
    loss = linear_regression_loss(X, y)
    slope, intercept = np.polyfit(X[:, 0].astype(float), y.astype(float), 1)
    assert np.allclose(loss.minimum, (slope, intercept), atol=1e-9)
    residual = slope * X[:, 0].astype(float) + intercept - y
    assert np.isclose(loss.minimum_loss, np.mean(residual ** 2))


@pytest.mark.parametrize("engine", ["tensor", "value"])
def test_linear_regression_loss_on_parameters_equals_the_grid_formula(data, engine):
    loss = linear_regression_loss(*data)
    for w, b in [(0.0, 0.0), (2.5, -1.0), (3.1, 0.9)]:
        params = Tensor([w, b], requires_grad=True, dtype=np.float64) if engine == "tensor" \
            else [Value(w), Value(b)]
        assert np.isclose(float(loss.on_parameters(params).data), float(loss(w, b)), rtol=1e-12)


@pytest.mark.parametrize("make", [quadratic_bowl, rosenbrock,
                                  lambda: linear_regression_loss(*house_prices(30, seed=1))])
def test_gradients_come_from_autodiff_and_match_finite_differences(make):
    loss = make()
    point = np.array([0.3, -0.7])
    theta = Tensor(point.copy(), requires_grad=True, dtype=np.float64)
    loss.on_parameters(theta).backward()
    eps = 1e-6
    numeric = [(loss(*(point + eps * e)) - loss(*(point - eps * e))) / (2 * eps) for e in np.eye(2)]
    assert np.allclose(theta.grad, numeric, rtol=1e-6, atol=1e-6)


def test_minimum_is_where_the_loss_is_lowest_on_a_grid():
    for loss in (quadratic_bowl(), rosenbrock()):
        _, _, L = loss_grid(loss, loss.view)
        assert loss.minimum_loss <= L.min() + 1e-12


def test_bad_loss_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="elongation"):
        quadratic_bowl(0.5)
    with pytest.raises(ValueError, match="all x are equal"):
        linear_regression_loss(np.ones(5), np.arange(5.0))
    with pytest.raises(ValueError, match="shape"):
        quadratic_bowl().on_parameters(Tensor([1.0, 2.0, 3.0]))


# --- descent paths -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, cls, options", [
    ("sgd", optim.SGD, {}),
    ("momentum", optim.SGD, {"momentum": 0.9}),
    ("nesterov", optim.SGD, {"momentum": 0.9, "nesterov": True}),
    ("adam", optim.Adam, {}),
    ("rmsprop", optim.RMSprop, {}),
    ("adagrad", optim.Adagrad, {}),
])
def test_path_points_are_exactly_the_optimizer_steps(name, cls, options):
    bowl = quadratic_bowl()
    path = descent_path(bowl, start=(-4.0, 1.5), optimizer=name, lr=0.05, steps=15)
    theta = Tensor([-4.0, 1.5], requires_grad=True, dtype=np.float64)
    opt = cls([theta], lr=0.05, **options)
    assert np.array_equal(path.points[0], theta.data)
    for i in range(15):
        opt.zero_grad()
        loss = (theta[0] ** 2 + 10.0 * theta[1] ** 2) * 0.5     # the bowl, written by hand
        assert path.losses[i] == float(loss.data)
        loss.backward()
        opt.step()
        assert np.array_equal(path.points[i + 1], theta.data), f"step {i + 1}"
    assert path.points.shape == (16, 2) and path.losses.shape == (16,) and not path.diverged


def test_the_value_engine_walks_the_same_path():
    loss = rosenbrock()
    tensor_path = descent_path(loss, optimizer="adam", lr=0.05, steps=25, engine="tensor")
    value_path = descent_path(loss, optimizer="adam", lr=0.05, steps=25, engine="value")
    assert np.allclose(tensor_path.points, value_path.points, rtol=1e-12, atol=1e-12)


def test_an_optimizer_class_or_factory_can_be_given():
    bowl = quadratic_bowl()
    by_name = descent_path(bowl, optimizer="momentum", lr=0.05, momentum=0.8, steps=10)
    by_class = descent_path(bowl, optimizer=optim.SGD, lr=0.05, momentum=0.8, steps=10)
    by_factory = descent_path(bowl, optimizer=lambda p, lr: optim.SGD(p, lr, momentum=0.8), lr=0.05, steps=10)
    assert np.array_equal(by_name.points, by_class.points)
    assert np.array_equal(by_name.points, by_factory.points)
    assert "momentum 0.8" in by_name.label and "lr=0.05" in by_name.label


def test_teaching_defaults_come_from_the_loss():
    bowl = quadratic_bowl()
    path = descent_path(bowl, optimizer="momentum")
    assert path.lr == bowl.settings["momentum"]["lr"] and path.steps == bowl.steps
    assert f"momentum {bowl.settings['momentum']['momentum']:g}" in path.label


def test_divergence_is_detected_and_the_path_stops_there():
    bowl = quadratic_bowl()          # stable for lr < 2 / 10
    path = descent_path(bowl, lr=0.25, steps=100)
    assert path.diverged and "diverged" in path.label
    assert path.steps < 100
    assert path.losses[-1] > 1e4 * path.losses[0] and np.all(path.losses[:-1] <= 1e4 * path.losses[0])
    assert np.all(np.isfinite(path.points))
    calm = descent_path(bowl, lr=0.19, steps=100)
    assert not calm.diverged and calm.points.shape == (101, 2)


def test_a_non_finite_step_counts_as_diverged():
    path = descent_path(rosenbrock(), start=(-1.5, 2.0), lr=10.0, steps=50, blowup=np.inf)
    assert path.diverged and path.steps < 50
    assert not np.isfinite(path.losses[-1]) or not np.all(np.isfinite(path.points[-1]))


def test_unknown_optimizer_and_bad_start_are_explained():
    with pytest.raises(ValueError, match="unknown optimizer 'sgdd'"):
        descent_path(quadratic_bowl(), optimizer="sgdd", lr=0.1)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        descent_path(quadratic_bowl(), start=(1.0, np.nan))


def test_paths_are_read_only():
    path = descent_path(quadratic_bowl(), steps=3)
    with pytest.raises(ValueError):
        path.points[0, 0] = 99.0


# --- levels and windows --------------------------------------------------------------------

def test_log_levels_are_chosen_for_rosenbrock_and_even_ones_for_the_bowl():
    for loss, expected in ((rosenbrock(), True), (quadratic_bowl(), False)):
        _, _, L = loss_grid(loss, loss.view)
        levels = contour_levels(loss, L)
        assert levels.is_log is expected
        assert np.all(np.diff(levels.values) > 0)
    _, _, L = loss_grid(rosenbrock(), rosenbrock().view)
    values = contour_levels(rosenbrock(), L).values
    assert values[-1] / values[1] > 1e3      # spans orders of magnitude


def test_a_diverging_path_widens_the_window_only_within_reason():
    bowl = quadratic_bowl()
    path = descent_path(bowl, lr=0.25, steps=100)
    (x0, x1), (y0, y1) = landscape_view(bowl, [path])
    (a0, a1), (b0, b1) = bowl.view
    assert y1 > b1 and y0 < b0                              # it shows where the path went
    assert y1 - y0 <= 2 * (b1 - b0) + 1e-9                  # but at most twice as tall
    assert abs(path.points[-1, 1]) > y1                      # the last point is off the window


# --- pictures --------------------------------------------------------------------------------

def test_plot_landscape_writes_a_picture(tmp_path, assert_png_not_blank):
    bowl = quadratic_bowl()
    paths = [descent_path(bowl, optimizer="sgd"), descent_path(bowl, lr=0.25, steps=30)]
    figure = plot_landscape(bowl, paths)
    assert_png_not_blank(figure, tmp_path / "bowl.png")
    labels = figure.axes[0].get_legend().get_texts()
    assert any("diverged" in t.get_text() for t in labels)
    assert any("start" in t.get_text() for t in labels)
    assert any("minimum" in t.get_text() for t in labels)


def test_plot_landscape_accepts_ax_and_returns_it(tmp_path, assert_png_not_blank):
    figure, ax = plt.subplots()
    out = plot_landscape(rosenbrock(), descent_path(rosenbrock(), steps=50), ax=ax)
    assert out is ax
    assert_png_not_blank(figure, tmp_path / "rosenbrock.png")


def test_plot_landscape_3d_and_surface(tmp_path, assert_png_not_blank):
    bowl = quadratic_bowl()
    figure = plot_landscape(bowl, descent_path(bowl), surface3d=True)
    assert_png_not_blank(figure, tmp_path / "surface.png")
    figure = plt.figure()
    ax = figure.add_subplot(projection="3d")
    assert plot_surface(rosenbrock(), ax=ax) is ax
    with pytest.raises(ValueError, match="3-D Axes"):
        plot_surface(bowl, ax=plt.subplots()[1])


def test_compare_optimizers_and_learning_rates(tmp_path, data, assert_png_not_blank):
    bowl = quadratic_bowl()
    assert_png_not_blank(compare_optimizers(bowl), tmp_path / "optimizers.png")
    figure = compare_learning_rates(linear_regression_loss(*data))
    assert_png_not_blank(figure, tmp_path / "learning_rates.png")
    titles = [ax.get_title() for ax in figure.axes]
    assert any("diverged" in t for t in titles) and any("converged" in t for t in titles)


def test_animation_has_one_frame_per_step(tmp_path):
    from PIL import Image
    bowl = quadratic_bowl()
    paths = [descent_path(bowl, steps=12), descent_path(bowl, optimizer="adam", steps=7)]
    scene = landscape.animate_descent(bowl, paths, size=(320, 240))
    assert len(scene) == 12
    axes = scene.step(4).figure().axes[0]
    assert axes.get_title().endswith("step 5 of 12")
    drawn = [line for line in axes.get_lines() if line.get_label() in {p.label for p in paths}]
    assert [len(line.get_xdata()) for line in drawn] == [6, 6]    # start + 5 steps, each path
    scene.save(tmp_path / "descent.gif")
    with Image.open(tmp_path / "descent.gif") as gif:
        assert gif.n_frames == 12 and gif.size[0] <= 320 and gif.size[1] <= 240


def test_animation_steps_in_a_window_with_the_keys():
    from microdl.viz.canvas import SceneWindow
    bowl = quadratic_bowl()
    scene = landscape.animate_descent(bowl, descent_path(bowl, steps=5))
    window = SceneWindow(scene)
    window.press("right")
    window.press("right")
    assert scene.state == {"step": 3}
    assert any(ax.get_title().endswith("step 3 of 5") for ax in window.picture.axes)


def test_animation_spreads_long_paths_over_max_frames():
    bowl = quadratic_bowl()
    scene = landscape.animate_descent(bowl, descent_path(bowl, steps=100), max_frames=10)
    steps = scene.controls["step"].choices
    assert len(steps) == 10 and steps[0] == 1 and steps[-1] == 100


def test_plotting_mutates_nothing(tmp_path, data):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    loss = linear_regression_loss(X, y)
    paths = [descent_path(loss), descent_path(loss, lr=0.6, steps=40)]
    copies = [(p.points.copy(), p.losses.copy()) for p in paths]
    plot_landscape(loss, paths)
    plot_surface(loss, paths)
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)
    for path, (points, losses) in zip(paths, copies):
        assert np.array_equal(path.points, points) and np.array_equal(path.losses, losses)


def test_animation_plays_in_a_real_window_under_xvfb(tmp_path):
    """Opens the descent animation in a Tk window on a virtual screen, steps it with the
    keys and takes a screenshot (tmp_path/window.png) that shows the picture and the slider."""
    import shutil
    import subprocess
    import sys
    pytest.importorskip("tkinter", reason="the window test needs tkinter")
    if not (shutil.which("xvfb-run") and shutil.which("import")):
        pytest.skip("the window test needs xvfb-run and imagemagick's import")
    shot = tmp_path / "window.png"
    script = tmp_path / "window.py"
    script.write_text(
        "import subprocess, matplotlib.pyplot as plt\n"
        "from microdl import viz\nfrom microdl.viz.canvas import SceneWindow\n"
        "bowl = viz.quadratic_bowl()\n"
        "scene = viz.animate_descent(bowl, viz.descent_path(bowl, steps=8))\n"
        "window = SceneWindow(scene).show(block=False)\n"
        "window.press('right'); window.press('right')\n"
        "for _ in range(5):\n    plt.pause(0.2)\n"
        f"subprocess.run(['import', '-window', 'root', {str(shot)!r}], check=True)\n"
        "print(scene.state['step'], [ax.get_title() for ax in window.picture.axes][0].splitlines()[-1],\n"
        "      window.widgets['frame'].valtext.get_text())\n")
    import os
    env = dict(os.environ, MPLBACKEND="TkAgg", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, str(script)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "3 step 3 of 8 3"   # the slider shows step 3 (frame 2)
    from PIL import Image
    with Image.open(shot) as image:
        colours = np.asarray(image.convert("RGB"))[:400, :600].reshape(-1, 3)
    assert len(np.unique(colours, axis=0)) > 50      # the contours are on screen, not a blank window


def test_animation_square_marks_where_the_path_is_now_and_its_end_only_at_the_end():
    bowl = quadratic_bowl()
    scene = landscape.animate_descent(bowl, descent_path(bowl, steps=6))

    def legend_texts(i):
        return [t.get_text() for t in scene.figure(i).axes[0].get_legend().get_texts()]
    assert "now: after step 3" in legend_texts(2)
    assert not any(text.startswith("end") for text in legend_texts(2))
    assert "end, after the last step" in legend_texts(5)


def test_animation_window_slider_shows_the_step_number_not_the_frame_index():
    from microdl.viz.canvas import SceneWindow
    bowl = quadratic_bowl()
    scene = landscape.animate_descent(bowl, descent_path(bowl, steps=40), max_frames=10)
    window = SceneWindow(scene)
    slider = window.widgets["frame"]
    assert slider.label.get_text() == "step" and slider.valtext.get_text() == "1"
    window.press("right")                                   # frame 1 is step 5 of 40
    assert slider.valtext.get_text() == str(scene.controls["step"].choices[1]) == "5"
    slider.set_val(9)                                       # the student drags it to the end
    assert scene.state == {"step": 40} and slider.valtext.get_text() == "40"
