"""Lesson 9 - a CNN on real images: Fashion-MNIST (or MNIST digits), >= 91% in minutes.

Two convolution layers learn edge and texture detectors, pooling shrinks the maps, and a
small fully connected head turns them into 10 class scores. Trained with Adam and a
cosine learning-rate schedule; the figures show the training curves, the confusion
matrix, the mistakes it makes, and what the first layers see.
Data: the Debian package dataset-fashion-mnist, $MICRODL_DATA, ~/.cache/microdl, or a
download; with --quick and no data installed, the procedural `shapes` images stand in.
"""
import time

import numpy as np

from microdl import manual_seed, nn, optim, train
from microdl.data import (FASHION_CLASSES, MNIST_CLASSES, SHAPE_CLASSES,
                          DatasetNotFoundError, fashion_mnist, mnist, shapes)
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
EPOCHS = 10            # full run: about 4 minutes on 2 cores
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
QUICK_TRAIN, QUICK_TEST = 2000, 500


def build_model(seed=0, width=16):
    """Conv(1,16,5)-ReLU-Pool-Conv(16,32,5)-ReLU-Pool-Linear(1568,128)-ReLU-Dropout-Linear(128,10)."""
    return nn.Sequential(
        nn.Conv2d(1, width, 5, padding=2, seed=seed), nn.ReLU(), nn.MaxPool2d(2),          # 28 -> 14
        nn.Conv2d(width, 2 * width, 5, padding=2, seed=seed + 1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
        nn.Flatten(),
        nn.Linear(2 * width * 49, 128, seed=seed + 2), nn.ReLU(), nn.Dropout(0.25, seed=seed),
        nn.Linear(128, 10, seed=seed + 3))


def load(dataset, quick, seed):
    """(X, y, X_test, y_test, class names, dataset name)."""
    loaders = {"fashion": (fashion_mnist, FASHION_CLASSES, "Fashion-MNIST"),
               "mnist": (mnist, MNIST_CLASSES, "MNIST")}
    load_split, classes, name = loaders[dataset]
    try:
        X, y = load_split("train", download=not quick)
        Xt, yt = load_split("test", download=not quick)
    except DatasetNotFoundError as error:
        if not quick:
            raise
        print(f"  {name} is not installed ({str(error).splitlines()[0]}); using the shapes images")
        X, y = shapes(QUICK_TRAIN, seed=seed)
        Xt, yt = shapes(QUICK_TEST, seed=seed + 1)
        return X, y, Xt, yt, SHAPE_CLASSES, "shapes"
    if quick:
        X, y, Xt, yt = X[:QUICK_TRAIN], y[:QUICK_TRAIN], Xt[:QUICK_TEST], yt[:QUICK_TEST]
    return X, y, Xt, yt, classes, name


def train_model(X, y, Xt, yt, epochs, seed=0, width=16, progress=None):
    """Train build_model() and return (model, history, seconds of training)."""
    manual_seed(seed)
    model = build_model(seed, width)
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    schedule = optim.CosineAnnealingLR(optimizer, T_max=epochs)
    started = time.perf_counter()
    history = train.fit(model, losses.cross_entropy, optimizer, (X, y), epochs=epochs,
                        batch_size=BATCH_SIZE, seed=seed, validation=(Xt, yt), scheduler=schedule,
                        progress=progress)
    return model, history, time.perf_counter() - started


def options(parser):
    parser.add_argument("--dataset", choices=["fashion", "mnist"], default="fashion")
    parser.add_argument("--epochs", type=int, default=None, help=f"default {EPOCHS} (2 with --quick)")


def main(argv=None):
    args = demo_args(__doc__, argv, options)
    print(__doc__.strip().splitlines()[0])
    X, y, Xt, yt, classes, name = load(args.dataset, args.quick, args.seed)
    epochs = args.epochs or (2 if args.quick else EPOCHS)
    print(f"  {name}: {len(X):,} training and {len(Xt):,} test images of {X.shape[2]}x{X.shape[3]}, "
          f"{len(classes)} classes; {epochs} epochs at batch size {BATCH_SIZE}")
    model, history, seconds = train_model(X, y, Xt, yt, epochs, args.seed, width=8 if args.quick else 16,
                                          progress=None if not args.quick else False)
    test_accuracy = history.epoch["val_accuracy"][-1]
    print(f"  trained in {seconds:.0f} s: test accuracy {test_accuracy:.2%} "
          f"(train {history.epoch['accuracy'][-1]:.2%})")

    from microdl import viz
    predicted = train.predict(model, Xt).argmax(axis=1)
    save(viz.plot_history(history), args, "training_curves.png")
    save(viz.plot_confusion_matrix(yt, predicted, classes), args, "confusion_matrix.png")
    save(viz.plot_misclassified(Xt, yt, predicted, classes, max_images=18, ncols=6), args, "misclassified.png")
    save(viz.plot_feature_maps(model, Xt[0]), args, "feature_maps.png")
    save(viz.plot_filters(model.layers[0]), args, "filters.png")
    finish(args)
    return test_accuracy


if __name__ == "__main__":
    main()
