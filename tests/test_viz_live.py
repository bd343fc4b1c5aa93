"""The live training view, driven by code under Agg: what each frame shows, what the model did."""
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl import data, nn, optim, train
from microdl.nn.losses import cross_entropy
from microdl.viz import LiveView, train_live
from microdl.viz.live import dead_relu_verdicts, gradient_verdicts, health_verdicts
from microdl.viz.live.layout import choose_panels


def _texts(fig):
    return [t.get_text() for t in fig.findobj(plt.Text) if t.get_text()]


def _tensor_mlp(seed=0):
    return nn.Sequential(nn.Linear(2, 8, seed=seed), nn.ReLU(), nn.Linear(8, 8, seed=seed + 1), nn.ReLU(),
                         nn.Linear(8, 2, seed=seed + 2))


# --- verdicts: numbers in, sentences out ---------------------------------------------------

def test_verdicts_name_the_layer_and_what_to_do():
    dead = dead_relu_verdicts({"1 (ReLU)": 0.2, "3 (ReLU)": 0.71})
    assert dead == ["layer 3 (ReLU): 71 % of its ReLUs dead: lower the learning rate or use leaky_relu"]
    named = dead_relu_verdicts({"layer 2 (Linear 8\u21928)": 0.8})       # a label is not prefixed twice
    assert named[0].startswith("layer 2 (Linear 8\u21928): 80 % of its ReLUs dead")
    vanishing = gradient_verdicts({"0 (Linear)": 2e-9, "2 (Linear)": 0.4})
    assert len(vanishing) == 1 and vanishing[0].startswith("layer 0 (Linear)") and "vanishing" in vanishing[0]
    exploding = gradient_verdicts({"0": 50.0, "2": float("inf")}, first_norms={"0": 0.1})
    assert "exploding" in exploding[0] and "500x" in exploding[0] and "exploded" in exploding[1]
    assert health_verdicts({"0": 1.0, "2": 0.5}, {"1": 0.0})[0].startswith("all layers learning")
    assert health_verdicts({}, {}) == []


# --- panels chosen from the model and the data ----------------------------------------------

def test_panels_follow_the_model_and_the_data():
    points = np.zeros((10, 2))
    assert choose_panels(_tensor_mlp(), points) == ["boundary", "loss", "accuracy", "health", "network"]
    assert choose_panels(nn.MLP(2, [3, 1], seed=0), points)[-1] == "graph"            # 13 parameters
    cnn = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 26 * 26, 3))
    assert choose_panels(cnn, np.zeros((4, 1, 28, 28))) == ["examples", "loss", "accuracy", "health",
                                                           "histograms"]
    assert choose_panels(_tensor_mlp(), np.zeros((4, 5)), classify=False) == ["loss", "health", "histograms"]


# --- fit(live=...) on both engines -----------------------------------------------------------

def test_fit_live_tensor_records_redraws_and_learns():
    before = plt.get_fignums()
    X, y = data.moons(200, noise=0.1, seed=0)
    Xv, yv = data.moons(100, noise=0.1, seed=1)
    model = _tensor_mlp()
    view = LiveView(show="offscreen", every=5)
    history = train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y),
                        epochs=4, batch_size=32, validation=(Xv, yv), live=view, seed=0)
    steps = len(history.iteration["loss"])
    assert view.record.steps == list(range(1, steps + 1))
    assert view.record.loss == pytest.approx(history.iteration["loss"])
    assert view.redraws == steps // 5 + 1 + 1        # the first step, every 5th, and close()
    assert view._display.frames == view.redraws and view._display.last_png[:4] == b"\x89PNG"
    assert view.record.val_accuracy[-1] == pytest.approx(history.epoch["val_accuracy"][-1])
    texts = _texts(view.figure())
    assert any(t.startswith(f"step {steps}") and "epoch 4" in t for t in texts)
    assert any("decision boundary" in t for t in texts)
    assert any(t.startswith("all layers learning") for t in texts)
    assert plt.get_fignums() == before          # no figure left with pyplot


def test_live_view_on_a_scalar_mlp_in_a_hand_written_loop_draws_the_graph():
    X, y = data.moons(20, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    view = LiveView(X, y, show="offscreen", every=4)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for step in range(1, 9):
        loss = (model(X[step].tolist()) - (2.0 * y[step] - 1)) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        grads = [p.grad for p in model.parameters()]
        view.update(model, loss=loss, step=step)
        assert [p.grad for p in model.parameters()] == grads       # drawing leaves training alone
    assert view.panels == ["boundary", "loss", "accuracy", "health", "graph"]
    fig = view.figure()
    graph_axes = [ax for ax in fig.axes if ax.get_title().startswith("computational graph")]
    assert len(graph_axes) == 1 and graph_axes[0].images            # the graph, as a picture
    assert view.record.loss[-1] == pytest.approx(loss.data)


def test_a_dying_layer_is_named_in_the_frame():
    X, y = data.moons(300, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Linear(16, 16, seed=1), nn.ReLU(),
                          nn.Linear(16, 16, seed=2), nn.ReLU(), nn.Linear(16, 2, seed=3))
    view = LiveView(show="none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train.fit(model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=1.0, momentum=0.9),
                  (X, y), epochs=5, live=view, seed=0)
    dead = view.record.dead
    worst = max(dead, key=dead.get)
    assert dead[worst] > 0.5                            # measured on the model, not invented
    footer = [t for t in _texts(view.figure()) if "ReLUs dead" in t][0]
    assert f"{worst}: {dead[worst]:.0%}".replace("%", " %") in footer and "leaky_relu" in footer
    assert worst.startswith("layer ") and "(Linear 16\u219216)" in worst


def test_one_layer_numbering_in_bars_verdicts_and_lesson_figures():
    """The bars, the verdicts and lesson 6's figures (viz.curves.layer_names) count the same way:
    layers with weights from 1 at the input; a ReLU is named after the layer it follows."""
    from microdl.diagnostics import layer_gradient_norms, layer_labels
    from microdl.viz.curves import layer_names
    model = _tensor_mlp()
    labels = layer_labels(model)
    assert labels == {"0 (Linear)": "layer 1 (Linear 2\u21928)", "1 (ReLU)": "layer 1 (Linear 2\u21928)",
                      "2 (Linear)": "layer 2 (Linear 8\u21928)", "3 (ReLU)": "layer 2 (Linear 8\u21928)",
                      "4 (Linear)": "layer 3 (Linear 8\u21922, output)"}
    for key, short in layer_names(list(layer_gradient_norms(model))).items():     # lesson 6's legend
        assert labels[key].startswith(short.split(" (")[0] + " (")
    scalar = layer_labels(nn.MLP(2, [4, 4, 2], seed=0))
    assert list(scalar.values()) == ["layer 1 (Layer 2\u21924 relu)", "layer 2 (Layer 4\u21924 relu)",
                                     "layer 3 (Layer 4\u21922 linear, output)"]
    X, y = data.moons(64, seed=0)
    view = LiveView(X, y, show="none", every=1)
    for step in range(1, 3):
        loss = nn.functional.cross_entropy(model(X), y)
        model.zero_grad()
        loss.backward()
        view.update(model, loss=loss, step=step)
    fig = view.figure()
    health = [ax for ax in fig.axes if ax.get_title() == "gradient per layer"][0]
    bars = [text.get_text() for text in health.texts if text.get_text().startswith("layer")]
    assert bars == ["layer 1 (Linear 2\u21928)", "layer 2 (Linear 8\u21928)", "layer 3 (Linear 8\u21922, output)"]
    assert set(view.record.dead) <= set(bars)          # dead ReLUs sit on their layer's bar


def test_images_get_a_strip_of_predictions():
    X, y = data.shapes(40, seed=0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(4 * 13 * 13, 5, seed=1))
    view = LiveView(show="offscreen", class_names=data.SHAPE_CLASSES, every=100)
    train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.01), (X, y), epochs=1,
              batch_size=10, live=view, seed=0)
    fig = view.figure()
    strip = [ax for ax in fig.axes if ax.images and "\n" in ax.get_title()]
    assert len(strip) == 8
    for ax in strip:
        first, second = ax.get_title().split("\n")
        words = (first + " " + second).split()
        assert words[0] in data.SHAPE_CLASSES and any(w.endswith("%") for w in words)
        if second.startswith("is "):                    # a mistake names the true class
            assert second[3:] in data.SHAPE_CLASSES


def test_auto_interval_keeps_redrawing_under_the_budget():
    view = LiveView(np.zeros((4, 2)), np.array([0, 1, 0, 1]), show="none")
    view.record.steps = list(range(1, 102))           # 100 gaps between 101 updates
    view._train_seconds = 1.0                          # 10 ms a step
    assert view._choose_interval(0.5) == 200           # 0.5 s a redraw: 0.5 / (0.5 + 2.0) = 20 %
    assert view._choose_interval(0.001) == 1


def test_the_budget_account_pays_for_the_first_and_last_frame():
    X, y = data.moons(40, noise=0.1, seed=0)
    model = _tensor_mlp()
    view = LiveView(X, y, show="none")
    view.update(model, loss=1.0)                       # the first frame is always drawn
    assert view.redraws == 1
    view._interval, view._since_redraw = 1, 5          # the forecast says: redraw
    view.redraw_seconds, view._last_redraw_seconds = 0.3, 0.3
    view._train_seconds = 2.0                          # 20 % of 2 s = 0.4 s < 0.3 + 2 * 0.3
    assert not view._redraw_due()
    view._train_seconds = 4.5                          # 0.9 s affordable >= 0.9 s
    assert view._redraw_due()
    view.every = 7                                     # a fixed interval is the student's choice
    view._train_seconds = 0.0
    assert view._redraw_due()


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_numpy_forward_computes_what_the_scalar_model_computes(activation):
    from microdl.train import dead_relu_fractions, forward, outputs_to_array
    from microdl.viz.live.neurons import neuron_maps
    from microdl.viz.live.numpy_mlp import numpy_dead_relus, numpy_forward
    X, _ = data.moons(30, noise=0.2, seed=1)
    for model in (nn.MLP(2, [5, 4, 3], activation=activation, seed=0),
                  nn.MLP(2, [4, 1], activation=activation, output_activation="sigmoid", seed=1),
                  nn.Neuron(2, activation=activation, seed=2)):
        expected = outputs_to_array(forward(model, X))
        assert np.allclose(numpy_forward(model)(X).reshape(expected.shape), expected, atol=1e-12)
    model = nn.MLP(2, [6, 5, 2], activation=activation, seed=3)
    assert numpy_dead_relus(model, X) == dead_relu_fractions(model, X)
    maps, _ = neuron_maps(model, np.array([-1.0, -1.0]), np.array([2.0, 1.0]), resolution=4)
    grid = maps[0].reshape(2, -1).T                    # the (16, 2) points, in the maps' order
    first_layer = [[v.data for v in model.layers[0](list(p))] for p in grid]
    assert np.allclose(maps[1].reshape(6, -1).T, first_layer, atol=1e-12)
    assert numpy_forward(nn.Sequential(nn.Linear(2, 2))) is None     # not a scalar MLP: no shortcut


def test_pause_and_step_hold_the_training_loop(monkeypatch):
    X, y = data.moons(40, noise=0.1, seed=0)
    model = _tensor_mlp()
    view = LiveView(X, y, show="offscreen", every=1000)
    view.update(model, loss=1.0)
    waits = []

    def wait(seconds):            # what the window does while paused: a key arrives
        waits.append(seconds)
        view.press("right" if len(waits) == 1 else " ")
    monkeypatch.setattr(view._display, "alive", lambda: True)
    monkeypatch.setattr(view._display, "wait", wait)
    view.press(" ")
    assert view.paused and "PAUSED" in " ".join(_texts(view.figure()))
    view.update(model, loss=0.9)          # paused: waits, a right arrow lets this step through
    assert len(waits) == 1 and view.paused
    view.update(model, loss=0.8)          # paused again until space
    assert len(waits) == 2 and not view.paused
    view.update(model, loss=0.7)
    assert len(waits) == 2 and view.record.loss == [1.0, 0.9, 0.8, 0.7]


def test_save_every_writes_frames_and_a_gif(tmp_path):
    from PIL import Image
    X, y = data.moons(64, noise=0.1, seed=0)
    model = _tensor_mlp()
    view = LiveView(show="none", save_every=2, save_to=tmp_path / "frames")
    train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y), epochs=3,
              batch_size=32, live=view, seed=0)
    frames = sorted((tmp_path / "frames").glob("frame_*.png"))
    assert [f.name for f in frames] == ["frame_000002.png", "frame_000004.png", "frame_000006.png"]
    gif = Image.open(tmp_path / "frames" / "training.gif")
    assert gif.n_frames == 3 and gif.size == (1280, 720)


def test_bad_settings_say_what_to_do():
    with pytest.raises(ValueError, match="every must be"):
        LiveView(every=0)
    with pytest.raises(ValueError, match="show must be"):
        LiveView(show="tv")


def test_projector_mode_frames_have_large_text():
    from microdl import viz
    from microdl.viz import style
    X, y = data.moons(60, noise=0.1, seed=0)
    model = _tensor_mlp()
    view = LiveView(X, y, show="none")
    view.update(model, loss=0.5)
    with viz.projector():
        fig = view.figure()
        smallest = min(t.get_fontsize() for t in fig.findobj(plt.Text) if t.get_text())
        assert smallest >= style.font_size() > style.FONT_SIZE


def test_frames_are_drawn_in_place_on_one_figure():
    """The displays draw on one figure: its Axes are kept, only what the panels show changes."""
    X, y = data.moons(64, seed=0)
    model = _tensor_mlp()
    view = LiveView(X, y, show="none", every=1)
    view.update(model, loss=0.7, step=1)
    first = view.current_figure()
    axes = list(first.axes)
    lines = len([ax for ax in axes if ax.get_title().startswith("loss")][0].lines)
    view.update(model, loss=0.5, step=2)
    again = view.current_figure()
    assert again is first and again.axes == axes                      # nothing rebuilt
    loss_ax = [ax for ax in axes if ax.get_title().startswith("loss")][0]
    assert len(loss_ax.lines) == lines                                 # replaced, not piled up
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2]
    assert _texts(again)[0].startswith("step 2") or any(t.startswith("step 2") for t in _texts(again))
    assert plt.get_fignums() == []


def test_training_in_the_background_obeys_pause_step_play_and_stop():
    """train_live(view, ..., background=True): what Jupyter does so its buttons reach the loop."""
    import time
    X, y = data.moons(200, seed=0)
    model = _tensor_mlp()
    view = LiveView(X, y, show="none", every=50)
    assert train_live(view, model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.05), (X, y),
                      epochs=10_000, background=True) is view
    deadline = time.time() + 60
    while view.record.step < 5 and time.time() < deadline:
        time.sleep(0.02)
    assert view.running and view.record.step >= 5
    view.pause()
    time.sleep(0.3)                                   # the loop reaches its next step and waits there
    held = view.record.step
    time.sleep(0.5)
    assert view.record.step == held and view.running  # paused: no step
    view.step_once()
    while view.record.step == held and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    assert view.record.step == held + 1               # exactly one step
    view.play()
    while view.record.step < held + 20 and time.time() < deadline:
        time.sleep(0.02)
    assert view.record.step >= held + 20
    view.stop()
    assert view.wait(timeout=30) is None and not view.running     # stopped: no History
    with pytest.raises(RuntimeError, match="still training"):
        view._background.thread = type("Alive", (), {"is_alive": lambda self: True})()
        train_live(view, model, None, None, (X, y), background=True)


def test_train_in_a_script_runs_fit_here_and_keeps_its_history():
    X, y = data.moons(64, seed=0)
    model = _tensor_mlp()
    view = LiveView(show="none")
    history = train_live(view, model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X, y),
                         epochs=2, batch_size=32, progress=False)
    assert view.wait() is history and len(history.iteration["loss"]) == 4 == view.record.step
    assert not view.running


def _legend_crosses_a_curve(ax):
    """Does any line or histogram outline of `ax` pass under its legend (as drawn)?"""
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    for artist in [*ax.lines, *ax.patches]:
        path = artist.get_transform().transform_path(artist.get_path())
        if path.intersects_bbox(box, filled=False):
            return True
    return False


@pytest.mark.parametrize("shape", ["falling", "flat", "rising", "zigzag"])
@pytest.mark.parametrize("on_projector", [False, True], ids=["normal", "projector"])
def test_legends_of_small_panels_sit_where_the_curves_are_not(shape, on_projector):
    from microdl.viz import projector, style
    from microdl.viz.canvas import new_figure
    from microdl.viz.live.panels import draw_accuracy, draw_loss
    from microdl.viz.live.record import LiveRecord
    steps = np.arange(1, 61)
    curve = {"falling": 2.0 * np.exp(-steps / 15) + 0.1, "flat": np.full(60, 0.69),
             "rising": 0.1 + steps / 70, "zigzag": 0.5 + 0.4 * (steps % 2)}[shape]
    record = LiveRecord()
    record.steps, record.loss = list(steps), list(curve)
    record.accuracy_steps, record.accuracy = list(steps), list(np.clip(1 - curve / 2.2, 0, 1))
    record.val_steps, record.val_loss = list(steps[::10]), list(curve[::10] * 1.1)
    record.val_accuracy = list(np.clip(1 - curve[::10] / 2, 0, 1))
    with projector(on_projector), style.context():
        for draw in (draw_loss, draw_accuracy):
            fig, ax = new_figure(width=3.2, height=2.6)       # the size of a panel in a live frame
            draw(ax, record)
            assert ax.get_legend() is not None
            assert not _legend_crosses_a_curve(ax), (shape, draw.__name__)
            top_of_data = max(np.nanmax(line.get_ydata()) for line in ax.lines)
            assert ax.get_ylim()[1] >= top_of_data          # every curve still shows
    assert plt.get_fignums() == []


@pytest.mark.parametrize("on_projector", [False, True], ids=["normal", "projector"])
def test_live_frames_have_no_clipped_or_overlapping_text(on_projector):
    from microdl.viz import projector
    from text_layout import texts_in_trouble
    X, y = data.moons(200, noise=0.15, seed=0)
    Xc, yc = data.shapes(120, seed=0)
    with projector(on_projector):
        mlp = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 8, seed=1), nn.ReLU(),
                            nn.Linear(8, 2, seed=2))
        view = LiveView(show="offscreen", every=5)
        train.fit(mlp, nn.functional.cross_entropy, optim.Adam(mlp.parameters(), lr=0.01), (X, y),
                  epochs=2, live=view, seed=0, progress=False)
        assert texts_in_trouble(view.current_figure()) == []
        cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(4 * 14 * 14, 5, seed=1))
        view = LiveView(show="offscreen", every=2, class_names=data.SHAPE_CLASSES)
        train.fit(cnn, nn.functional.cross_entropy, optim.Adam(cnn.parameters(), lr=0.01), (Xc, yc),
                  epochs=1, live=view, seed=0, progress=False)
        assert texts_in_trouble(view.current_figure()) == []
    assert plt.get_fignums() == []
