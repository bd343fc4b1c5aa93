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


def _layer_signature(model):
    """(layer type, layer as printed, [(name, shape) of its weights]) of every layer."""
    return [(type(layer), repr(layer), [(name, p.shape) for name, p in layer.named_parameters()])
            for layer in model.layers]


def test_lesson_10_the_scratch_model_is_the_transfer_model_with_every_weight_trainable():
    from microdl import nn, optim, train, zoo
    from microdl.data import shapes
    from microdl.nn import losses
    lesson = cli.load_lesson(cli.find_lesson("transfer_learning"))
    backbone = zoo.fashion_backbone(frozen=True)
    transfer = lesson.lesson_cnn(3, seed=0, pretrained=backbone)
    scratch = lesson.lesson_cnn(3, seed=0)
    assert _layer_signature(scratch) == _layer_signature(transfer)  # same layer types and weight shapes
    assert len(transfer) == zoo.BACKBONE_LAYERS + 1 and isinstance(transfer.layers[-1], nn.Linear)
    assert transfer.layers[-1].weight.shape in ((3, zoo.FEATURES), (zoo.FEATURES, 3))
    assert transfer.num_parameters() == scratch.num_parameters() == 5_779
    assert sum(p.size for p in transfer.parameters() if p.requires_grad) == 2_355   # the new head only
    assert all(p.requires_grad for p in scratch.parameters())
    shipped = backbone.state_dict()
    for key, array in transfer[:zoo.BACKBONE_LAYERS].state_dict().items():
        assert np.array_equal(array, shipped[key])           # the pretrained weights, copied in
        assert not np.array_equal(scratch.state_dict()[key], shipped[key])  # a random start
    assert all(not p.requires_grad for p in backbone.parameters())  # the shipped backbone is untouched

    X, y = shapes(60, seed=0)
    y = y % 3
    for model in (transfer, scratch):
        before = model.state_dict()
        trainable = [p for p in model.parameters() if p.requires_grad]
        train.fit(model, losses.cross_entropy, optim.Adam(trainable, lr=lesson.LEARNING_RATE), (X, y),
                  epochs=1, batch_size=lesson.BATCH_SIZE, seed=0, progress=False)
        after = model.state_dict()
        changed = {key for key in before if not np.array_equal(before[key], after[key])}
        head = {key for key in before if key.startswith(f"{zoo.BACKBONE_LAYERS}.")}
        assert changed == (head if model is transfer else set(before)), changed
    for key, array in transfer[:zoo.BACKBONE_LAYERS].state_dict().items():
        assert np.array_equal(array, shipped[key])           # frozen: training left them as they were


@pytest.mark.parametrize("fashion", ["as installed", "missing"])
def test_lesson_10_trains_both_models_alike_and_only_the_transfer_head_moves(fashion, tmp_path, monkeypatch,
                                                                              capsys):
    lesson = cli.load_lesson(cli.find_lesson("transfer_learning"))
    if fashion == "missing":
        def missing(split, download=False):
            raise DatasetNotFoundError(f"Fashion-MNIST ({split} split) is not on this computer")
        monkeypatch.setattr(lesson, "fashion_mnist", missing)
    built, fits = [], []
    lesson_cnn, fit = lesson.lesson_cnn, lesson.train.fit

    def recording_lesson_cnn(classes, seed, pretrained=None):
        model = lesson_cnn(classes, seed, pretrained)
        built.append((model, pretrained, model.state_dict()))
        return model

    def recording_fit(model, loss_fn, optimizer, data, epochs=1, **options):
        fits.append((model, optimizer, data, epochs, options))
        return fit(model, loss_fn, optimizer, data, epochs, **options)

    monkeypatch.setattr(lesson, "lesson_cnn", recording_lesson_cnn)
    monkeypatch.setattr(lesson.train, "fit", recording_fit)
    lesson.main(["--quick", "--out", str(tmp_path), "--labels", "20", "--epochs", "2"])
    printed = capsys.readouterr().out
    if fashion == "missing":  # the shapes: pretrained here on circles and squares, then frozen
        assert printed.count("Fashion-MNIST was not found") == 1 and "triangle, cross, line" in printed

    (transfer, backbone, transfer_start), (scratch, no_backbone, scratch_start) = built
    assert backbone is not None and no_backbone is None
    assert _layer_signature(scratch) == _layer_signature(transfer)
    runs = {id(model): (optimizer, data, epochs, options) for model, optimizer, data, epochs, options in fits}
    (t_opt, t_data, t_epochs, t_options), (s_opt, s_data, s_epochs, s_options) = runs[id(transfer)], runs[id(scratch)]
    assert type(t_opt) is type(s_opt) and t_opt.param_groups[0]["lr"] == s_opt.param_groups[0]["lr"]
    assert t_epochs == s_epochs == 2 and t_options["batch_size"] == s_options["batch_size"] == lesson.BATCH_SIZE
    assert len(t_data[0]) == 60 and all(np.array_equal(a, b) for a, b in zip(t_data, s_data))
    assert sum(p.size for p in s_opt.param_groups[0]["params"]) == scratch.num_parameters()   # every weight
    assert {id(p) for p in t_opt.param_groups[0]["params"]} == {id(p) for p in transfer.layers[-1].parameters()}

    pretrained = backbone.state_dict()
    for model, start in ((transfer, transfer_start), (scratch, scratch_start)):
        for key, array in model.state_dict().items():
            in_backbone = int(key.split(".")[0]) < len(backbone)
            if model is transfer and in_backbone:
                assert np.array_equal(array, pretrained[key])        # frozen: still the pretrained weights
            else:
                assert not np.array_equal(array, start[key]), key    # trained: moved from its start
    assert "from scratch: all 5,779 weights" in printed and "trained: 2,355 (the new head)" in printed
