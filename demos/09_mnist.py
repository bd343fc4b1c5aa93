"""Lesson 9 - a CNN on real images: Fashion-MNIST (or MNIST digits), >= 91% in minutes.

Two convolution layers learn edge and texture detectors, pooling shrinks the maps, and a
small fully connected head turns them into 10 class scores. Trained with Adam and a
cosine learning-rate schedule; the figures show the training curves, the confusion
matrix, the mistakes it makes, and what the first layers see.
The full run (10 epochs on all 60,000 images) reaches >= 91% on the 10,000 test images;
it takes about 3 minutes on a free 2-core machine (measured: 3 min 5 s, 92.3 %), longer
when other programs share the cores (6 min 45 s on 2 busy cores). --quick is a 30-second preview (2,000 images, 2 epochs, a half-width
CNN) that reaches about 75%.
Data: the Debian package dataset-fashion-mnist, $MICRODL_DATA, ~/.cache/microdl, or a
download (full run only); where the data cannot be found, quick and full runs alike say
so and use the procedural `shapes` images instead.
"""
import time

import numpy as np

from microdl import manual_seed, nn, optim, train
from microdl.data import (FASHION_CLASSES, MNIST_CLASSES, SHAPE_CLASSES,
                          DatasetNotFoundError, fashion_mnist, mnist, shapes)
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
EPOCHS = 10            # full run: about 3 minutes on 2 free cores (more on busy ones)
BATCH_SIZE = 64
LEARNING_RATE = 2e-3
QUICK_TRAIN, QUICK_TEST = 2000, 500
# the loss landscape (viz.plot_loss_landscape): full batch, mini-batch, SGD from the lesson's
# start on a subset; a 15 x 15 grid on 256 images (under a minute: benchmarks/bench_landscape.py).
# The plane is centred where the last run ends: SGD, the one that trains furthest in 2 epochs
# (the full batch takes only 2 steps), so the centre is a trained point, not the start.
LANDSCAPE_IMAGES, LANDSCAPE_EPOCHS = 500, 2
LANDSCAPE_BATCHES, LANDSCAPE_LRS = (None, 16, 1), (0.3, 0.05, 0.01)


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
    except (DatasetNotFoundError, OSError) as error:
        print(missing_data_message(name, error))
        X, y = shapes(QUICK_TRAIN, seed=seed)
        Xt, yt = shapes(QUICK_TEST, seed=seed + 1)
        return X, y, Xt, yt, SHAPE_CLASSES, "shapes (stand-in)"
    if quick:
        X, y, Xt, yt = X[:QUICK_TRAIN], y[:QUICK_TRAIN], Xt[:QUICK_TEST], yt[:QUICK_TEST]
    return X, y, Xt, yt, classes, name


def missing_data_message(name, error):
    """One message, the same in quick and full runs: what is missing, how to fix it, what we do."""
    details = "\n".join("    " + line.strip() for line in str(error).strip().splitlines())
    return (f"  {name} was not found, so this lesson uses the procedural shapes images "
            f"({len(SHAPE_CLASSES)} classes) instead. Why:\n{details}")


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


def filter_figure(model, start, epochs):
    """The first layer's 5x5 kernels, each on its own colour scale, and how far training moved them."""
    from microdl import viz
    kernels = model.layers[0].weight.data
    moved = np.linalg.norm(kernels - start) / np.linalg.norm(start)
    print(f"  the first layer's kernels moved {moved:.0%} away from their random start (|W - W0| / |W0|)")
    # "bright" would mislead: the other figures draw high pixel values (the garment) dark
    meaning = ("still mostly their random start: too little training for edge detectors to form"
               if moved < 0.3 else "red: high pixel values (the object) there raise the kernel's output, "
                                   "blue: lower it")
    return viz.plot_filters(model.layers[0], per_filter=True,
                            title=f"First-layer kernels after {epochs} epochs: {moved:.0%} changed from "
                                  f"their random start\n{meaning}")


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
    first_kernels = build_model(args.seed, width=8 if args.quick else 16).layers[0].weight.data.copy()
    model, history, seconds = train_model(X, y, Xt, yt, epochs, args.seed, width=8 if args.quick else 16,
                                          progress=None if not args.quick else False)
    test_accuracy = history.epoch["val_accuracy"][-1]
    print(f"  trained in {seconds:.0f} s: test accuracy {test_accuracy:.2%} (train "
          f"{history.epoch['accuracy'][-1]:.2%}, averaged over the last epoch's batches, while the "
          f"weights were still learning and dropout was on)"
          + (" - a quick preview; the full run (without --quick) reaches >= 91% on Fashion-MNIST"
             if args.quick else ""))

    from microdl import viz
    predicted = train.predict(model, Xt).argmax(axis=1)
    save(viz.plot_history(history, held_out="test"), args, "training_curves.png",
         f"A CNN on {name}: loss and accuracy, training vs test")
    save(viz.plot_confusion_matrix(yt, predicted, classes), args, "confusion_matrix.png",
         "Which classes it confuses (test images)")
    save(viz.plot_misclassified(Xt, yt, predicted, classes, max_images=18, ncols=6), args, "misclassified.png",
         "Test images it gets wrong, titled true → predicted")
    # what the two convolutions detect (after their ReLU); 6 channels each fit a slide
    save(viz.plot_feature_maps(model, Xt[0], layers=[1, 4], max_channels=6), args, "feature_maps.png",
         "What its two convolutions detect in one test image (after ReLU)")
    save(filter_figure(model, first_kernels, epochs), args, "filters.png",
         "The kernels of its first layer, and how far training moved them")
    save(landscape_figure(X, y, args), args, "loss_landscape.png",
         "The real loss around the weights, with SGD, mini-batch and full-batch runs projected")
    finish(args)
    return test_accuracy


def landscape_figure(X, y, args):
    """The CNN's loss on a plane (Li et al. 2018), three runs from the lesson's start projected."""
    from microdl import viz
    images = 128 if args.quick else LANDSCAPE_IMAGES
    start = build_model(args.seed, width=8 if args.quick else 16)
    return viz.plot_loss_landscape(start, (X[:images], y[:images]), losses.cross_entropy, batch_sizes=LANDSCAPE_BATCHES,
                                   lr=LANDSCAPE_LRS, epochs=1 if args.quick else LANDSCAPE_EPOCHS,
                                   resolution=7 if args.quick else "auto", seed=args.seed)


if __name__ == "__main__":
    main()
