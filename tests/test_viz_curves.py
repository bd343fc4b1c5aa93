"""viz.curves: training curves from a History (duck-typed: fake ones here), confusion, mistakes."""
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest

from microdl.viz.curves import (confusion_matrix, layer_names, plot_confusion_matrix, plot_dead_relus,
                                plot_gradient_norms, plot_gradient_profile, plot_history, plot_misclassified)


def fake_history(epochs=4, per_epoch=5, validation=True, accuracy=True, gradients=True):
    rng = np.random.default_rng(0)
    n = epochs * per_epoch
    loss = list(np.exp(-np.arange(n) / n) + 0.1 * rng.random(n))
    iteration = {"loss": loss, "examples_seen": list(range(32, 32 * n + 1, 32)), "lr": [0.1] * n,
                 "accuracy": list(np.linspace(0.3, 0.9, n)) if accuracy else []}
    epoch = {"loss": [np.mean(loss[e * per_epoch:(e + 1) * per_epoch]) for e in range(epochs)]}
    if accuracy:
        epoch["accuracy"] = list(np.linspace(0.4, 0.9, epochs))
    if validation:
        epoch["val_loss"] = [1.0, 0.6, 0.7, 0.9][:epochs]  # overfits after epoch 2
        if accuracy:
            epoch["val_accuracy"] = list(np.linspace(0.35, 0.8, epochs))
    grad_norms = {"0 (Linear)": list(rng.random(n) * 1e-3), "2 (Linear)": list(rng.random(n)),
                  "4 (Linear)": list(rng.random(n) * 10)} if gradients else {}
    dead = {"1 (ReLU)": list(np.linspace(0, 0.5, epochs)), "3 (ReLU)": [0.1] * epochs} if gradients else {}
    return SimpleNamespace(iteration=iteration, epoch=epoch, iterations_per_epoch=per_epoch,
                           grad_norms=grad_norms, dead_relu=dead)


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_history_with_validation(tmp_path, assert_png_not_blank):
    fig = plot_history(fake_history())
    loss_ax, accuracy_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch"
    assert "validation" in legend_texts(loss_ax) and "training, each batch" in legend_texts(loss_ax)
    assert "best validation (epoch 2)" in legend_texts(loss_ax)
    batch_line = loss_ax.lines[0]
    assert batch_line.get_xdata()[0] == pytest.approx(0.2) and batch_line.get_xdata()[-1] == pytest.approx(4)
    assert accuracy_ax.get_title() == "accuracy"
    assert_png_not_blank(fig, tmp_path / "history.png")


def test_history_names_the_held_out_split_as_the_lesson_does():
    fig = plot_history(fake_history(), held_out="test")
    for ax in fig.axes:
        texts = legend_texts(ax)
        assert "test" in texts and not any("validation" in text for text in texts)
    assert "best test (epoch 2)" in legend_texts(fig.axes[0])
    plt.close(fig)


def test_history_without_validation_or_accuracy(tmp_path, assert_png_not_blank):
    fig = plot_history(fake_history(validation=False, accuracy=False), log_loss=True)
    assert len(fig.axes) == 1 and "validation" not in legend_texts(fig.axes[0])
    assert fig.axes[0].get_yscale() == "log"
    assert_png_not_blank(fig, tmp_path / "history_plain.png")


def test_history_with_only_iterations_counts_iterations():
    history = SimpleNamespace(iteration={"loss": [3.0, 2.0, 1.0]}, epoch={}, iterations_per_epoch=0,
                              grad_norms={}, dead_relu={})
    fig = plot_history(history)
    assert fig.axes[0].get_xlabel() == "iteration"
    plt.close(fig)


def test_empty_history_says_to_train_first():
    history = SimpleNamespace(iteration={"loss": []}, epoch={}, iterations_per_epoch=0)
    with pytest.raises(ValueError, match="train with fit"):
        plot_history(history)


def test_gradient_norms_log_axis_and_layer_order(tmp_path, assert_png_not_blank):
    fig = plot_gradient_norms(fake_history())
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert legend_texts(ax) == ["layer 1", "layer 2", "layer 3 (output)"]  # counted from the input
    assert_png_not_blank(fig, tmp_path / "grad_norms.png")


def test_layer_names_count_from_the_input_and_keep_unknown_keys():
    assert layer_names(["0 (Linear)", "2 (Linear)"]) == {"0 (Linear)": "layer 1", "2 (Linear)": "layer 2 (output)"}
    assert layer_names(["1 (ReLU)", "3 (ReLU)"], hidden=True) == {"1 (ReLU)": "hidden layer 1",
                                                                  "3 (ReLU)": "hidden layer 2"}
    assert layer_names(["encoder", "head"]) == {"encoder": "encoder", "head": "head"}


def test_gradient_profile_draws_one_point_per_layer_at_the_chosen_step(tmp_path, assert_png_not_blank):
    history = fake_history()
    fig = plot_gradient_profile({"net": history, "other": history}, step=-1)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and legend_texts(ax) == ["net", "other"]
    expected = [values[-1] for values in history.grad_norms.values()]
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    assert np.allclose(ax.lines[0].get_ydata(), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3\noutput"]
    assert_png_not_blank(fig, tmp_path / "profile.png")
    with pytest.raises(ValueError, match="outside the"):
        plot_gradient_profile({"net": history}, step=10_000)


def test_gradient_norms_and_dead_relus_accept_axes(tmp_path, assert_png_not_blank):
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_gradient_norms(fake_history(), log=False, ax=left) is left
    assert left.get_yscale() == "linear"
    assert plot_dead_relus(fake_history(), ax=right) is right
    assert_png_not_blank(fig, tmp_path / "inside.png")


def test_without_gradient_records_the_error_says_how_to_get_them():
    history = fake_history(gradients=False)
    with pytest.raises(ValueError, match="track_gradients=True"):
        plot_gradient_norms(history)
    with pytest.raises(ValueError, match="track_gradients=True"):
        plot_dead_relus(history)


def test_dead_relus(tmp_path, assert_png_not_blank):
    fig = plot_dead_relus(fake_history())
    assert legend_texts(fig.axes[0]) == ["hidden layer 1", "hidden layer 2"]
    assert_png_not_blank(fig, tmp_path / "dead.png")


def test_dead_relus_draws_the_starting_values_at_epoch_0(tmp_path, assert_png_not_blank):
    history = fake_history()
    fig = plot_dead_relus(history, start={"1 (ReLU)": 0.0, "3 (ReLU)": 0.09}, title="lr = 2.0")
    ax = fig.axes[0]
    first = ax.lines[0]
    assert first.get_xdata()[0] == 0 and first.get_ydata()[0] == 0.0
    assert len(first.get_xdata()) == len(history.dead_relu["1 (ReLU)"]) + 1
    assert ax.get_title() == "lr = 2.0" and "before training" in ax.get_xlabel()
    assert_png_not_blank(fig, tmp_path / "dead_start.png")


def test_confusion_matrix_counts():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_confusion_matrix_plot(tmp_path, assert_png_not_blank):
    y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2])
    fig = plot_confusion_matrix(y_true, y_pred, ["cat", "dog", "bird"])
    ax = fig.axes[0]
    assert "66.7% correct of 6" in ax.get_title()
    assert "2\n67%" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "bird"]
    assert_png_not_blank(fig, tmp_path / "confusion.png")
    fig, ax = plt.subplots()
    assert plot_confusion_matrix(y_true, y_pred, ax=ax) is ax
    plt.close(fig)


def test_confusion_matrix_rejects_scores():
    with pytest.raises(ValueError, match="argmax"):
        plot_confusion_matrix([0, 1], [0.3, 0.7])


def test_misclassified_grid(tmp_path, assert_png_not_blank):
    images = np.random.default_rng(0).random((10, 1, 8, 8))
    y_true = np.arange(10) % 3
    y_pred = y_true.copy()
    y_pred[[1, 4, 7]] = (y_pred[[1, 4, 7]] + 1) % 3
    fig = plot_misclassified(images, y_true, y_pred, ["zero", "one", "two"], max_images=2)
    titles = [ax.get_title() for ax in fig.axes if ax.images and ax.get_title()]
    assert titles == ["one → two", "one → two"]
    assert "2 of the 3 mistakes on 10 images (30.0% wrong)" in fig._suptitle.get_text()
    assert_png_not_blank(fig, tmp_path / "misclassified.png")


def test_misclassified_when_all_are_right(tmp_path, assert_png_not_blank):
    fig = plot_misclassified(np.zeros((3, 4, 4)), [0, 1, 2], [0, 1, 2])
    assert_png_not_blank(fig, tmp_path / "none_wrong.png")


def test_misclassified_checks_lengths():
    with pytest.raises(ValueError, match="one of each per example"):
        plot_misclassified(np.zeros((3, 4, 4)), [0, 1], [0, 1, 2])
