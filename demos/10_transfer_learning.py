"""Lesson 10 - transfer learning: reuse a trained CNN, train only a new 3-class head.

We start from a CNN that already learned 7 kinds of clothing (Fashion-MNIST classes 0-6,
all 42,000 training images): microdl ships its weights, checked by SHA-256, the way
torchvision ships pretrained models (zoo.fashion_backbone(); benchmarks/pretrain_backbone.py
made them). We keep its convolutional layers (the features), freeze all their weights, put a
new last layer with 3 outputs on top, and train only that layer on 3 classes it has never
seen: sneakers, bags and ankle boots - batches of 32, 4 epochs, from only 100 labelled
images of each, the usual situation when labels are costly (--quick tests on 450 images
instead of all 3,000). The frozen layers already extract useful features, so the small head
learns fast.

To see the benefit, the same CNN is also trained from scratch. One function, lesson_cnn(),
builds both models - the backbone's layers and the same new head, 5,779 weights - and only
the transfer copy gets the pretrained weights, frozen; the scratch copy starts random and
trains every weight, on the same 300 images with the same epochs, batches and optimizer.
Measured (full run, seed 0): transfer 94.5 %, from scratch 92.3 % (--quick: 93.8 % and
91.6 % on its 450 test images); over seeds 0-9 transfer 94.1-95.1 %, scratch 90.4-94.5 %.
Transfer is ahead in every seed, but on these three easy-to-tell-apart classes only by 1.4
points on average. What the pretrained features buy is a head start: with --labels 10 (30
images, so 4 epochs are only 4 steps) transfer reaches 88.3 % and scratch 54.4 %, yet with
--labels 10 --epochs 40 both reach 93 % (93.7 % and 93.2 %). With all 6,000 training images
of each new class (--labels 6000 --epochs 6: 2 min 20 s) scratch passes transfer: 98.0 %
vs 97.8 %.
Without Fashion-MNIST installed, quick and full runs alike say so, pretrain briefly on
circles and squares, and transfer to the other shapes. The full run takes a few seconds
(measured on 2 cores: 2.6 s, the fastest of 5 runs; 5-7 s while other programs shared the
cores): only 300 images are trained on.
"""

import numpy as np

from microdl import manual_seed, nn, optim, train, zoo
from microdl.data import FASHION_CLASSES, SHAPE_CLASSES, DatasetNotFoundError, fashion_mnist, shapes
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
PRETRAIN_CLASSES = [0, 1, 2, 3, 4, 5, 6]     # T-shirt .. Shirt
NEW_CLASSES = [7, 8, 9]                      # Sneaker, Bag, Ankle boot: never seen before
SHAPES_PRETRAIN_EPOCHS = 1                   # without Fashion-MNIST: a brief pretraining on shapes
LABELLED_PER_CLASS = 100                     # labelled images of each new class we train on (--labels)
BATCH_SIZE, EPOCHS = 32, 4                   # as in the seed text (--epochs)
LEARNING_RATE = 2e-3                          # Adam, for the transfer and the scratch model alike
QUICK_TEST_PER_CLASS = 150                   # --quick tests on 450 images, the full run on all 3,000
SHAPES_PER_CLASS = 150                       # without Fashion-MNIST: shapes images of each class


def select(X, y, classes, per_class=None):
    """The examples of `classes` (the first `per_class` of each), relabelled 0..len(classes)-1."""
    keep = np.sort(np.concatenate([np.flatnonzero(y == k)[:per_class] for k in classes]))
    return X[keep], np.searchsorted(classes, y[keep])


def load(quick, seed):
    try:
        X, y = fashion_mnist("train", download=not quick)
        Xt, yt = fashion_mnist("test", download=not quick)
        return X, y, Xt, yt, PRETRAIN_CLASSES, NEW_CLASSES, FASHION_CLASSES, True
    except (DatasetNotFoundError, OSError) as error:
        details = "\n".join("    " + line.strip() for line in str(error).strip().splitlines())
        print(f"  Fashion-MNIST was not found, so this lesson pretrains on circles and squares and "
              f"transfers to triangles, crosses and lines (the shapes images). Why:\n{details}")
        X, y = shapes(5 * SHAPES_PER_CLASS, seed=seed)
        Xt, yt = shapes(5 * SHAPES_PER_CLASS // 2, seed=seed + 1)
        return X, y, Xt, yt, [0, 1], [2, 3, 4], SHAPE_CLASSES, False


def pretrained_backbone(X, y, Xt, yt, old, names, fashion, args):
    """The frozen feature extractor (images -> zoo.FEATURES numbers) and where it came from."""
    if fashion:  # the shipped weights: all 42,000 training images of classes 0-6, SHA-256 checked
        backbone = zoo.fashion_backbone(frozen=True)
        print(f"  pretrained backbone: zoo.fashion_backbone(), trained on all 42,000 images of "
              f"{', '.join(names[k] for k in old)} ({zoo.FASHION_BACKBONE_ACCURACY:.1%} on 1,000 of their test images)")
        return backbone
    model = zoo.fashion_cnn(len(old), args.seed)  # shapes: pretrain here, briefly
    Xa, ya = select(X, y, old)
    Xat, yat = select(Xt, yt, old)
    history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=2e-3), (Xa, ya),
                        epochs=SHAPES_PRETRAIN_EPOCHS, batch_size=64, seed=args.seed,
                        validation=(Xat, yat), progress=False)
    print(f"  pretrained on {len(Xa):,} images of {', '.join(names[k] for k in old)}: "
          f"test accuracy {history.epoch['val_accuracy'][-1]:.1%}")
    return model[:zoo.BACKBONE_LAYERS].freeze()  # the convolutions; the old classifier goes


def lesson_cnn(classes, seed, pretrained=None):
    """The lesson's CNN, built by this one function for transfer AND from scratch: the backbone's
    layers (zoo.fashion_cnn's layers 0-6: two convolution blocks, flattened to zoo.FEATURES
    numbers) and a new head Linear(zoo.FEATURES, classes).

    pretrained=None: every weight starts random and trains (from scratch).
    pretrained=a trained backbone: its weights are copied into the backbone's layers (the
    shapes must match) and frozen, so only the new head trains (transfer)."""
    backbone = zoo.fashion_cnn(seed=seed)[:zoo.BACKBONE_LAYERS]        # random start
    if pretrained is not None:
        backbone.load_state_dict(pretrained.state_dict())              # the learned features ...
        backbone.freeze()                                              # ... kept as they are
    return nn.Sequential(*backbone, nn.Linear(zoo.FEATURES, classes, seed=seed + 10))


def comparison_figure(model, transfer, scratch, frozen, images):
    """Left: the CNN's layers, frozen (grey) or trained (orange) in the transfer model; right: test
    accuracy per epoch of both, on a scale from at most 80 % to 100 % so a small gap looks small."""
    from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

    from microdl import viz
    with viz.style.context():
        fig, (layers, curves) = viz.canvas.new_figure(1, 2, width=13.0, height=6.0,
                                                     gridspec_kw={"width_ratios": [1, 1.3]})
        draw_frozen_and_trained(layers, model, frozen)
        layers.text(0.5, -0.02, f"from scratch: these same layers and head,\nrandom start, all "
                                f"{model.num_parameters():,} weights trained", transform=layers.transAxes,
                    ha="center", va="top", fontsize=viz.style.FONT_SIZE, color=viz.style.BLUE)
        epochs = np.arange(1, len(transfer.epoch["val_accuracy"]) + 1)
        for history, label, color in ((transfer, "transfer: only the new head trains", viz.style.ORANGE),
                                      (scratch, "from scratch: every weight trains", viz.style.BLUE)):
            curves.plot(epochs, history.epoch["val_accuracy"], marker="o", markersize=9, linewidth=2.5,
                        color=color, label=f"{label} ({history.epoch['val_accuracy'][-1]:.1%})")
        lowest = min(min(transfer.epoch["val_accuracy"]), min(scratch.epoch["val_accuracy"]))
        curves.set(xlabel="epoch", ylabel="test accuracy (3 new classes)",
                   ylim=(min(0.8, np.floor(lowest * 20 - 0.2) / 20), 1.0),
                   title=f"Same CNN, same {images:,} labelled images, same epochs")
        curves.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))  # whole epochs
        curves.yaxis.set_major_locator(MultipleLocator(0.05))
        curves.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        curves.grid(alpha=0.3)
        curves.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1, frameon=False)
        fig.tight_layout()
    return viz.style.projector_text(fig)  # no text under 12 pt


def draw_frozen_and_trained(ax, model, frozen):
    """One box per layer, input at the top: grey = frozen (reused), orange = trained (new)."""
    from matplotlib.patches import FancyBboxPatch

    from microdl import viz
    rows = list(model.layers)
    for i, layer in enumerate(rows):
        trains = any(p.requires_grad for p in layer.parameters())
        count = sum(p.size for p in layer.parameters())
        color = viz.style.ORANGE if trains else "#DDDDDD"
        y = len(rows) - i
        ax.add_patch(FancyBboxPatch((0.05, y - 0.4), 0.9, 0.8, boxstyle="round,pad=0.02", facecolor=color,
                                    edgecolor=viz.style.BLACK))
        weights = f"\n{count:,} weights" if count else ""   # on its own line: never past the box
        name = f"layers[{i}]: {layer!r}"   # as code names it, and lesson 8: model.layers[i]
        for default in (", bias=True", "kernel_size=", ", stride=1", ", stride=(1, 1)", ", padding=0",
                        ", dilation=1", ", ceil_mode=False", "in_features=", "out_features="):
            name = name.replace(default, "")  # the defaults would overflow the box
        ax.text(0.08, y, name + weights, va="center", fontsize=viz.style.FONT_SIZE, linespacing=1.1)
    ax.set(xlim=(0, 1), ylim=(0.4, len(rows) + 0.6), title=f"transfer: grey frozen ({frozen:,} weights), "
                                                            f"orange trained")
    ax.set_axis_off()


def whole_number(text):
    """An option's value: a whole number of at least 1."""
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def options(parser):
    parser.add_argument("--labels", type=whole_number, default=LABELLED_PER_CLASS, metavar="N",
                        help=f"labelled training images of each new class (default {LABELLED_PER_CLASS})")
    parser.add_argument("--epochs", type=whole_number, default=EPOCHS, metavar="N",
                        help=f"epochs, for the transfer and the scratch model alike (default {EPOCHS})")


def main(argv=None):
    args = demo_args(__doc__, argv, options)
    print(__doc__.strip().splitlines()[0])
    X, y, Xt, yt, old, new, names, fashion = load(args.quick, args.seed)
    manual_seed(args.seed)

    # 1. a backbone pretrained on the old classes, frozen
    backbone = pretrained_backbone(X, y, Xt, yt, old, names, fashion, args)

    # 2. the backbone's layers with its weights, frozen, and a new 3-class head; only the head trains
    model = lesson_cnn(len(new), args.seed, pretrained=backbone)
    trainable = [p for p in model.parameters() if p.requires_grad]
    frozen = model.num_parameters() - sum(p.size for p in trainable)
    print(f"  frozen: {frozen:,} weights; trained: {sum(p.size for p in trainable):,} (the new head)")
    Xb, yb = select(X, y, new, args.labels)
    Xbt, ybt = select(Xt, yt, new, QUICK_TEST_PER_CLASS if args.quick else None)
    progress = False if args.quick else None
    transfer = train.fit(model, losses.cross_entropy, optim.Adam(trainable, lr=LEARNING_RATE), (Xb, yb),
                         epochs=args.epochs, batch_size=BATCH_SIZE, seed=args.seed, validation=(Xbt, ybt),
                         progress=progress)
    accuracy = transfer.epoch["val_accuracy"][-1]
    print(f"  transfer: new head on {', '.join(names[k] for k in new)} ({len(Xb):,} images, batches of "
          f"{BATCH_SIZE}, {args.epochs} epochs): test accuracy {accuracy:.1%} on {len(Xbt):,} test images")

    # 3. the baseline: the same CNN (same function, same layers and head) from a random start,
    #    every weight trained, on the same images with the same epochs, batches and optimizer
    manual_seed(args.seed)
    scratch_model = lesson_cnn(len(new), args.seed)
    scratch = train.fit(scratch_model, losses.cross_entropy,
                        optim.Adam(scratch_model.parameters(), lr=LEARNING_RATE),
                        (Xb, yb), epochs=args.epochs, batch_size=BATCH_SIZE, seed=args.seed,
                        validation=(Xbt, ybt), progress=progress)
    print(f"  from scratch: all {scratch_model.num_parameters():,} weights, same images and epochs: "
          f"test accuracy {scratch.epoch['val_accuracy'][-1]:.1%}")
    if scratch.epoch["val_accuracy"][-1] > accuracy:
        print("  here transfer did not pay: with this many labelled images and epochs, training every weight "
              "beat reusing features learned for other classes")

    from microdl import viz
    save(comparison_figure(model, transfer, scratch, frozen, len(Xb)), args, "transfer_vs_scratch.png",
         f"Transfer (frozen backbone, new head) vs the same CNN from scratch, on the same {len(Xb):,} "
         f"labelled images for the same epochs")
    predicted = train.predict(model, Xbt).argmax(axis=1)
    title = f"Transfer model: {np.mean(predicted == ybt):.1%} correct of {len(ybt):,}"
    save(viz.plot_confusion_matrix(ybt, predicted, [names[k] for k in new], title=title), args,
         "transfer_confusion.png",
         "The transferred model on the 3 new classes (test images)")
    finish(args)
    return accuracy


if __name__ == "__main__":
    main()
