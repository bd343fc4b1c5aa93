"""The playground: driven by code under Agg (controls, keys, buttons), headless from the command
line, and its own CSV data."""
import time

import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest

from microdl import cli, data
from microdl.viz import playground
from microdl.viz.live.playground import DATASETS, Playground
from microdl.viz import projector, style
from microdl.viz.canvas import SceneWindow
from text_layout import texts_in_trouble


def test_headless_moons_two_layers_of_eight_reach_97_percent_quickly(tmp_path, capsys):
    started = time.perf_counter()
    cli.main(["playground", "--dataset", "moons", "--layers", "8,8", "--steps", "300",
              "--save", str(tmp_path / "pg.png")])
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    test_accuracy = float(out.split("test accuracy ")[1].split("%")[0]) / 100
    assert test_accuracy >= 0.97, out
    assert elapsed < 30, f"took {elapsed:.1f} s"
    assert (tmp_path / "pg.png").stat().st_size > 10_000


def test_every_dataset_trains_on_both_engines():
    before = plt.get_fignums()
    for name in DATASETS:
        pg = Playground(name, layers=(4,), points=60, seed=1)
        start = pg.losses()["train"]
        pg.train(30, redraw=False)
        assert pg.step_count == 30 and pg.losses()["train"] < start, name
    scalar = Playground("xor", layers=(4,), points=40, engine="scalar", seed=0)
    assert type(scalar.model).__name__ == "MLP"
    scalar.train(5)
    fig = scalar.figure()
    assert any("scalar engine" in t.get_text() and "seed 0" in t.get_text() for t in fig.texts)
    assert plt.get_fignums() == before          # no figure left with pyplot


def test_controls_reset_the_network_or_apply_from_the_next_step():
    pg = playground("moons", layers=(8, 8), seed=0)
    pg.train(20)
    pg.set(lr=0.1)                                     # applies from the next step, no reset
    assert pg.step_count == 20 and pg.optimizer.param_groups[0]["lr"] == pytest.approx(0.1)
    pg.set(hidden_layers=3, width=4)                   # a new network: start again
    assert pg.step_count == 0 and pg.layers == [4, 4, 4]
    assert [len(p.data) for p in pg.model.parameters()][::2] == [4, 4, 4, 2]
    with pytest.raises(ValueError, match="activation must be one of"):
        pg.set(activation="swish")


def test_the_window_is_driven_by_keys_and_widgets():
    before = plt.get_fignums()
    pg = Playground("circles", layers=(6,), seed=3, steps_per_frame=7)
    window = SceneWindow(pg)
    window.press(" ")
    assert window.playing and window.widgets["play"].label.get_text().endswith("pause")
    window.tick()
    window.tick()
    window.press(" ")
    assert not window.playing and pg.step_count == 14
    window.tick()                                      # paused: nothing happens
    window.press("right")
    assert pg.step_count == 15
    title = [t.get_text() for t in window.picture.texts if "step" in t.get_text()][0]
    assert "step 15" in title
    window.widgets["activation"].set_active(1)         # a click on "tanh"
    assert pg.state["activation"] == "tanh" and pg.step_count == 0
    window.widgets["lr"].set_val(np.log10(0.3))         # the learning-rate slider
    assert pg.state["lr"] == pytest.approx(0.3)
    pg.set(dataset="xor")                               # code moves the widgets too
    assert window.widgets["dataset"].value_selected == "xor"
    window.press("r")
    assert pg.step_count == 0
    assert plt.get_fignums() == before          # no figure left with pyplot


@pytest.mark.parametrize("on_projector", [False, True], ids=["normal", "projector"])
@pytest.mark.parametrize("settings", [dict(layers=(8, 8)), dict(layers=(16, 16, 16, 16), dataset="spiral"),
                                      dict(layers=(3,), engine="scalar", points=60)],
                         ids=["8-8", "four-layers-of-16", "scalar"])
def test_no_control_label_or_title_is_clipped_or_overlaps_another_at_slide_size(on_projector, settings):
    before = plt.get_fignums()
    with projector(on_projector):
        pg = Playground(**settings, seed=0)
        pg.train(20)
        with style.context():
            window = SceneWindow(pg)          # the window: the controls in a column, the picture
        window.redraw()
        assert tuple(window.figure.get_size_inches() * window.figure.dpi) == (1280, 720)
        assert texts_in_trouble(window.figure) == []
        saved = pg.figure()                   # what --save writes: the picture alone
        assert texts_in_trouble(saved) == []
    names = [t.get_text() for t in window.figure.findobj(matplotlib.text.Text)]
    assert "adam" in names and any(n.startswith("accuracy: train") for n in names)
    assert plt.get_fignums() == before


def test_your_own_csv(tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    labels = np.where(X[:, 0] * X[:, 1] > 0, "blue", "red")
    path.write_text("x1,x2,label\n" + "\n".join(f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(X, labels)))
    Xr, y, classes = data.load_points_csv(path)
    assert Xr.shape == (80, 2) and classes == ["blue", "red"] and (y == (labels == "red")).all()
    pg = Playground(csv=path, layers=(8,), seed=0)
    assert pg.state["dataset"] == "csv" and pg.class_names == ["blue", "red"]
    pg.train(50)
    assert pg.accuracy()["train"] > 0.5


def test_csv_errors_name_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,0\n3,4\n")
    with pytest.raises(ValueError, match=r"bad.csv, line 2: expected 3 values"):
        data.load_points_csv(bad)
    bad.write_text("1,2,0\nx,4,1\n")
    with pytest.raises(ValueError, match="line 2: x1 and x2 must be numbers"):
        data.load_points_csv(bad)
    bad.write_text("1,2,0\n3,4,0\n")
    with pytest.raises(ValueError, match="at least 2 classes"):
        data.load_points_csv(bad)
    with pytest.raises(SystemExit) as refused:
        cli.main(["playground", "--csv", str(tmp_path / "missing.csv"), "--save", str(tmp_path / "x.png")])
    assert refused.value.code == 2 and "no file" in capsys.readouterr().err


def test_cli_knows_the_playground_datasets():
    assert cli.PLAYGROUND_DATASETS == DATASETS


def test_in_jupyter_the_playground_gets_play_and_step_widgets_from_canvas():
    pytest.importorskip("ipywidgets", reason="the widgets need ipywidgets (pip install -e '.[jupyter]')")
    pg = Playground("xor", layers=(4,), points=60, seed=0, steps_per_frame=3)
    box = pg.widget()                                   # canvas.notebook.scene_widget
    run = box.children[0]
    run.step.click()                                    # one step
    assert pg.step_count == 1
    run.play.value = 1                                  # what the Play widget does while playing
    run.play.value = 2
    assert pg.step_count == 1 + 2 * 3
    box.controls["activation"].value = "tanh"           # a control: a new network, step 0
    assert pg.step_count == 0 and pg.state["activation"] == "tanh"
    reset = [w for w in box.children if hasattr(w, "children") and w.children
             and getattr(w.children[0], "description", "") == "reset"][0].children[0]
    pg.train(5)
    reset.click()
    assert pg.step_count == 0
    assert box.image.value[:4] == b"\x89PNG"
