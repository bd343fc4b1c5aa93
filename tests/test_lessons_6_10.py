"""Lessons 6-10 show what they claim: gradients vanish and explode, missing data is said once."""
import numpy as np
import pytest

from microdl import cli
from microdl.data import DatasetNotFoundError


def test_lesson_6_gradients_vanish_stay_level_and_explode_toward_the_input(tmp_path, capsys):
    histories = cli.run_lesson(cli.find_lesson("activations"), ["--quick", "--out", str(tmp_path)])
    growth = {}  # |dL/dW| of layer 1 (input side) / layer 9 (output) at the first update
    for name, history in histories.items():
        first = [norms[0] for norms in history.grad_norms.values()]
        assert len(first) == 9  # 8 hidden layers + the output layer: "layer 1 .. layer 9"
        growth[name] = first[0] / first[-1]
    vanishing, level, exploding = growth.values()
    assert vanishing < 1e-3 and 0.1 < level < 10 and exploding > 10
    printed = capsys.readouterr().out
    assert "(vanishing)" in printed and "(level)" in printed and "(exploding)" in printed
    assert "hidden layer 1" in printed and "(ReLU)" not in printed  # one naming, no "1 (ReLU)"


@pytest.mark.parametrize("quick", [True, False])
def test_lesson_9_without_the_data_says_so_once_and_uses_the_shapes_in_quick_and_full_runs(quick, monkeypatch,
                                                                                          capsys):
    lesson = cli.load_lesson(cli.find_lesson("mnist"))

    def missing(split, download=False):
        raise DatasetNotFoundError(f"MNIST ({split} split) is not on this computer: looked for "
                                   f"train-images-idx3-ubyte(.gz) in\n    /nowhere\nand did not download it.")

    monkeypatch.setattr(lesson, "mnist", missing)
    X, y, Xt, yt, classes, name = lesson.load("mnist", quick, seed=0)
    printed = capsys.readouterr().out
    assert name.startswith("shapes") and len(classes) == 5 and len(X) == lesson.QUICK_TRAIN
    assert printed.count("MNIST was not found") == 1
    assert "ubyte(.gz) in\n" in printed and "/nowhere" in printed  # the whole reason, not cut off


def test_lesson_9_filter_title_says_how_far_training_moved_the_kernels():
    lesson = cli.load_lesson(cli.find_lesson("mnist"))
    model = lesson.build_model(seed=0, width=4)
    start = model.layers[0].weight.data.copy()
    model.layers[0].weight.data[...] = start * 1.5  # moved by half its size
    fig = lesson.filter_figure(model, start, epochs=3)
    title = fig._suptitle.get_text()
    assert "50% changed from their random start" in title
    # the other figures draw high pixel values dark: the title speaks of values, never "bright"
    assert "high pixel values" in title and "bright" not in title
    assert np.isclose(fig.axes[-1].get_ylim()[1], 1.0)  # each kernel on its own scale: -1 .. 1
