"""explore_landscape and network_loss: every control driven from code, the drawn path checked
against the optimizer's own steps, divergence marked, numbers checked against the engine."""
import os
import shutil
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl import Tensor, nn, train
from microdl.data import moons
from microdl.nn import losses
from microdl.viz import explore_landscape, network_loss, saddle
from microdl.viz.canvas import SceneWindow
from microdl.viz.landscape import descent_path, quadratic_bowl
from microdl.viz.landscape.explore import optimizer_options


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    before = plt.get_fignums()         # (whatever earlier tests left is theirs)
    yield
    assert plt.get_fignums() == before


def _drawn_path(fig, label):
    """The (k, 2) points of the line labelled `label` on the landscape panel."""
    lines = [line for line in fig.axes[0].get_lines() if line.get_label() == label]
    assert len(lines) == 1, [line.get_label() for line in fig.axes[0].get_lines()]
    return np.column_stack([lines[0].get_xdata(), lines[0].get_ydata()])


def _expected(loss, state, engine="tensor"):
    return descent_path(loss, (state["start_1"], state["start_2"]), state["optimizer"], lr=state["lr"],
                        steps=state["steps"], engine=engine,
                        **optimizer_options(state["optimizer"], state["momentum"]))


def _diverged_markers(fig):
    return [line for line in fig.axes[0].get_lines() if line.get_marker() == "X"]


@pytest.mark.parametrize("name", ["bowl", "rosenbrock", "saddle", "linear regression"])
def test_each_named_loss_draws_its_default_path(name):
    explorer = explore_landscape(name)
    fig = explorer.figure()
    path = explorer.path()
    np.testing.assert_allclose(_drawn_path(fig, path.label), path.points)
    assert not path.diverged and not _diverged_markers(fig)
    assert explorer.loss.name in fig.texts[0].get_text()


@pytest.mark.parametrize("change", [dict(lr=0.05), dict(momentum=0.8), dict(optimizer="adam", lr=0.3),
                                    dict(optimizer="nesterov", momentum=0.5, lr=0.1), dict(optimizer="rmsprop"),
                                    dict(optimizer="adagrad", lr=1.0), dict(steps=7),
                                    dict(start_1=3.0, start_2=-1.5)])
def test_every_control_reruns_the_optimizer(change):
    explorer = explore_landscape("bowl").set(**change)
    for name, value in change.items():
        assert explorer.state[name] == value
    expected = _expected(explorer.loss, explorer.state)
    fig = explorer.figure()
    np.testing.assert_allclose(_drawn_path(fig, expected.label), expected.points)
    np.testing.assert_allclose(explorer.path().points, expected.points)
    if "steps" in change:
        assert expected.steps == 7


def test_the_momentum_slider_is_what_each_optimizer_calls_momentum():
    assert optimizer_options("sgd", 0.0) == {}
    assert optimizer_options("sgd", 0.9) == {"momentum": 0.9}
    assert optimizer_options("adam", 0.8) == {"betas": (0.8, 0.999)}
    assert optimizer_options("rmsprop", 0.5) == {"momentum": 0.5}
    assert optimizer_options("adagrad", 0.5) == {}
    path = explore_landscape("bowl", momentum=0.9).path()
    assert path.label.startswith("momentum 0.9")


def test_a_large_learning_rate_on_the_bowl_is_marked_as_diverged():
    bowl = quadratic_bowl()
    explorer = explore_landscape("bowl").set(lr=0.25)     # stable only for lr < 2/10
    path = explorer.path()
    assert path.diverged
    fig = explorer.figure()
    assert len(_diverged_markers(fig)) == 1
    assert "diverged" in fig.texts[0].get_text()
    explorer.set(lr=0.19)
    assert not explorer.path().diverged and not _diverged_markers(explorer.figure())
    assert explorer.path().losses[-1] < bowl(*bowl.start)


def test_controls_refuse_values_they_cannot_take():
    explorer = explore_landscape("bowl")
    with pytest.raises(ValueError, match="optimizer must be one of"):
        explorer.set(optimizer="lbfgs")
    with pytest.raises(ValueError, match="lr must be a number"):
        explorer.set(lr=1e9)
    with pytest.raises(ValueError, match="unknown loss"):
        explore_landscape("banana")


def test_window_widgets_drive_the_scene_under_agg():
    explorer = explore_landscape("bowl")
    window = SceneWindow(explorer)
    window.widgets["lr"].set_val(np.log10(0.25))           # the log slider moves in decades
    assert explorer.state["lr"] == pytest.approx(0.25)
    assert explorer.path().diverged and _diverged_markers(window.picture)
    window.widgets["optimizer"].set_active(2)              # adam
    assert explorer.state["optimizer"] == "adam"
    window.widgets["steps"].set_val(5)
    assert explorer.state["steps"] == 5
    expected = _expected(explorer.loss, explorer.state)
    np.testing.assert_allclose(_drawn_path(window.picture, expected.label), expected.points)
    explorer.set(momentum=0.5)                             # code moves the widget too
    assert window.widgets["momentum"].val == pytest.approx(0.5)


def test_jupyter_widgets_drive_the_scene():
    pytest.importorskip("ipywidgets")
    explorer = explore_landscape("saddle")
    assert explorer.prefer_widgets
    box = explorer.widget()
    before = box.image.value
    box.controls["lr"].value = 0.05
    assert explorer.state["lr"] == pytest.approx(0.05)
    assert box.image.value != before
    box.controls["optimizer"].value = "adam"
    assert explorer.state["optimizer"] == "adam"


def test_saddle_lingers_near_the_saddle_point_then_falls_into_a_valley():
    loss = saddle()
    assert float(loss(0.0, 0.0)) == 0.0 and loss.minimum_loss == -0.25
    path = descent_path(loss)
    assert not path.diverged
    np.testing.assert_allclose(path.points[-1], loss.minimum, atol=1e-3)


# --- the real loss of a tiny network ------------------------------------------------------

def _tiny_scalar():
    X, y = moons(40, noise=0.1, seed=1)
    return nn.MLP(2, [4, 1], seed=0), X, y


def test_network_loss_is_the_models_loss_with_two_weights_moved():
    model, X, y = _tiny_scalar()
    loss = network_loss(model, X, y, losses.hinge_loss, weights=("L1.N1.w0", "L2.N1.w1"), resolution=7)
    before = [p.data for p in model.parameters()]
    assert loss.engine == "value" and loss.parameter_names == ("L1.N1.w0", "L2.N1.w1")
    assert float(loss(*loss.start)) == pytest.approx(train.evaluate(model, losses.hinge_loss, (X, y))["loss"])
    w0, w1 = model.layers[0].neurons[0].w[0], model.layers[1].neurons[0].w[1]
    w0.data, w1.data = 0.3, -0.7
    expected = train.evaluate(model, losses.hinge_loss, (X, y))["loss"]
    w0.data, w1.data = before[0], before[4 * 3 + 1]
    assert float(loss(0.3, -0.7)) == pytest.approx(expected)
    assert [p.data for p in model.parameters()] == before          # nothing moved for good


def test_network_loss_gradient_matches_finite_differences_on_both_engines():
    model, X, y = _tiny_scalar()
    loss = network_loss(model, X, y, losses.mse_loss, weights=(1, 5), resolution=5)
    from microdl import Value
    point = [Value(0.2), Value(-0.4)]
    loss.on_parameters(point).backward()
    h = 1e-6
    numeric = [(float(loss(0.2 + h, -0.4)) - float(loss(0.2 - h, -0.4))) / (2 * h),
               (float(loss(0.2, -0.4 + h)) - float(loss(0.2, -0.4 - h))) / (2 * h)]
    np.testing.assert_allclose([p.grad for p in point], numeric, rtol=1e-5, atol=1e-8)

    tensor_model = nn.Sequential(nn.Linear(2, 4, seed=0, dtype=np.float64), nn.Tanh(),
                                 nn.Linear(4, 2, seed=1, dtype=np.float64))
    tloss = network_loss(tensor_model, X, y.astype(int), weights=("0.weight[1, 0]", "2.weight[1, 3]"),
                         resolution=5)
    assert tloss.engine == "tensor"
    theta = Tensor(np.array([0.1, 0.3]), requires_grad=True, dtype=np.float64)
    tloss.on_parameters(theta).backward()
    numeric = [(float(tloss(0.1 + h, 0.3)) - float(tloss(0.1 - h, 0.3))) / (2 * h),
               (float(tloss(0.1, 0.3 + h)) - float(tloss(0.1, 0.3 - h))) / (2 * h)]
    np.testing.assert_allclose(theta.grad, numeric, rtol=1e-5, atol=1e-8)
    weight = tensor_model.layers[0].weight                 # the model's own parameter is back
    assert weight is [p for _, p in tensor_model.named_parameters()][0] and weight._prev == ()


def test_explorer_on_a_network_runs_the_real_optimizer_on_values():
    model, X, y = _tiny_scalar()
    loss = network_loss(model, X, y, losses.hinge_loss, weights=("L1.N1.w0", "L2.N1.w1"), resolution=9)
    explorer = explore_landscape(loss, steps=5).set(lr=0.5)
    expected = _expected(loss, explorer.state, engine="value")
    np.testing.assert_allclose(_drawn_path(explorer.figure(), expected.label), expected.points)


def test_network_loss_names_a_missing_weight():
    model, X, y = _tiny_scalar()
    with pytest.raises(ValueError, match="no parameter named 'L9.N1.w0'"):
        network_loss(model, X, y, weights=("L9.N1.w0", 1))


_WINDOW_SCRIPT = """
import matplotlib
matplotlib.use("TkAgg")
import subprocess, sys
from microdl import viz
from microdl.viz.canvas import SceneWindow
explorer = viz.explore_landscape("bowl")
window = SceneWindow(explorer).show(block=False)
window.widgets["lr"].set_val(__import__("math").log10(0.25))
window.figure.canvas.draw()
window.figure.canvas.flush_events()
import time; time.sleep(0.5); window.figure.canvas.flush_events()
subprocess.run(["import", "-window", "root", sys.argv[1]], check=True)
print(explorer.state["lr"], explorer.path().diverged)
import matplotlib.pyplot as plt; plt.close("all")
"""


def test_explorer_in_a_real_window_under_xvfb(tmp_path, run_in_virtual_window):
    shot = tmp_path / "explorer_window.png"
    result = run_in_virtual_window(textwrap.dedent(_WINDOW_SCRIPT), shot)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.25", "True"]
    from PIL import Image
    image = np.asarray(Image.open(shot).convert("RGB"))
    assert image.shape[:2] == (900, 1400) and image.std() > 20     # a picture, not a blank screen
    if os.environ.get("MICRODL_KEEP_SCREENSHOTS"):
        shutil.copy(shot, os.environ["MICRODL_KEEP_SCREENSHOTS"])


@pytest.mark.parametrize("projector", [False, True])
def test_the_window_s_texts_neither_clip_nor_overlap_converging_or_diverging(projector):
    """At 1280x720, normal and projector mode: titles, labels, legend and controls all fit."""
    from contextlib import nullcontext
    from text_layout import texts_in_trouble
    from microdl import viz
    from microdl.viz.canvas import SceneWindow
    with viz.projector() if projector else nullcontext():
        scene = viz.explore_landscape("bowl")
        window = SceneWindow(scene)
        assert texts_in_trouble(window.figure) == []
        scene.set(lr=0.25)                          # diverges: a rising curve, a red title
        assert texts_in_trouble(window.figure) == []
