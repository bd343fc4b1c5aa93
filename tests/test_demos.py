"""Every lesson runs headless in quick mode and writes its figures."""
import matplotlib.image
import numpy as np
import pytest

from microdl import cli

FIGURES = {
    "perceptron": ["perceptron.png", "perceptron_graph.png", "mlp.png"],
    "backprop": ["backprop_graph.png", "backprop.gif"],
    "losses": ["losses.png"],
    "gradient_descent": ["learning_rates.png", "optimizers.png", "explorer_diverging.png"],
    "sgd_vs_batch": ["epochs.png", "sgd_vs_batch.png"],
    "activations": ["activations.png", "softmax.png", "gradient_norms.png", "dead_relus.png"],
    "moons_mlp": ["boundary_evolution.png", "decision_boundary.png", "loss_landscape.png"],
    "convolution": ["convolution_steps.png", "convolution.gif", "pooling_steps.png", "pooling.gif",
                    "explore_convolution.png", "shapes_training.png", "shapes_filters.png", "shapes_feature_maps.png", "draw_pad.png"],
    "mnist": ["training_curves.png", "confusion_matrix.png", "misclassified.png", "feature_maps.png",
              "filters.png", "loss_landscape.png"],
    "transfer_learning": ["transfer_vs_scratch.png", "transfer_confusion.png"],
    "graduation": ["graduation.png"],
}


def test_every_demo_is_listed_with_its_figures():
    assert list(cli.list_lessons()) == list(FIGURES)


@pytest.mark.parametrize("name", list(FIGURES))
def test_demo_runs_in_quick_mode_and_saves_its_figures(name, tmp_path, capsys):
    cli.run_lesson(cli.find_lesson(name), ["--quick", "--out", str(tmp_path), "--seed", "0"])
    printed = capsys.readouterr().out
    assert printed.startswith("Lesson")
    for figure in FIGURES[name]:
        path = tmp_path / figure
        assert path.is_file(), f"{name} did not save {figure}"
        if figure.endswith(".png"):
            pixels = matplotlib.image.imread(path)
            assert np.std(pixels) > 0.01, f"{figure} is blank"


def test_transfer_learning_settings_follow_the_seed_text():
    module = cli.load_lesson(cli.find_lesson("transfer_learning"))
    assert module.BATCH_SIZE == 32 and module.EPOCHS == 4 and len(module.NEW_CLASSES) == 3
    assert module.LABELLED_PER_CLASS == 100  # few labels: where transfer pays


@pytest.mark.parametrize("option", ["--labels", "--epochs"])
@pytest.mark.parametrize("value", ["0", "-3", "ten"])
def test_transfer_learning_refuses_a_label_or_epoch_count_below_one(option, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.run_lesson(cli.find_lesson("transfer_learning"), ["--out", str(tmp_path), option, value])
    assert refused.value.code == 2
    assert f"argument {option}:" in capsys.readouterr().err


def test_the_mnist_lesson_runs_on_mnist_digits_when_the_files_are_present(tmp_path, monkeypatch):
    """Real MNIST is not installed here: a small stand-in in MNIST's own IDX files."""
    from microdl.data import write_idx
    rng = np.random.default_rng(0)
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    for split, n in (("train", 300), ("t10k", 100)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = (rng.random((n, 28, 28)) * 60).astype(np.uint8)
        for k in range(n):  # a bright bar whose position is the digit: learnable
            images[k, 2 + 2 * labels[k]:4 + 2 * labels[k], 4:24] = 255
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path / "data"))
    out = tmp_path / "figures"
    accuracy = cli.run_lesson(cli.find_lesson("mnist"), ["--quick", "--dataset", "mnist", "--out", str(out)])
    assert (out / "confusion_matrix.png").is_file()
    assert accuracy > 0.3
