"""Lesson 10 - transfer learning: reuse a trained CNN, train only a new 3-class head.

First a CNN learns 7 kinds of clothing (Fashion-MNIST classes 0-6). Then we freeze all
its weights, replace its last layer by a new one with 3 outputs, and train only that
layer - batches of 32, 4 epochs - on 3 classes it has never seen: sneakers, bags and
ankle boots. The frozen layers already extract useful features, so the small head
learns fast. (Without Fashion-MNIST installed, --quick uses the shapes images.)
"""

import numpy as np

from microdl import manual_seed, nn, optim, train
from microdl.data import FASHION_CLASSES, SHAPE_CLASSES, DatasetNotFoundError, fashion_mnist, shapes
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
PRETRAIN_CLASSES = [0, 1, 2, 3, 4, 5, 6]     # T-shirt .. Shirt
NEW_CLASSES = [7, 8, 9]                      # Sneaker, Bag, Ankle boot: never seen before
PRETRAIN_EPOCHS = 3
BATCH_SIZE, EPOCHS = 32, 4                   # small batches, few epochs: the new head learns fast
HEAD_LR = 5e-3
QUICK_PER_CLASS = 150


def select(X, y, classes, limit=None):
    """The examples of `classes`, relabelled 0..len(classes)-1."""
    keep = np.flatnonzero(np.isin(y, classes))[:limit]
    return X[keep], np.searchsorted(classes, y[keep])


def load(quick, seed):
    try:
        X, y = fashion_mnist("train", download=not quick)
        Xt, yt = fashion_mnist("test", download=not quick)
        return X, y, Xt, yt, PRETRAIN_CLASSES, NEW_CLASSES, FASHION_CLASSES
    except DatasetNotFoundError:
        if not quick:
            raise
        print("  Fashion-MNIST is not installed: pretraining on circles and squares, "
              "transferring to triangles, crosses and lines")
        X, y = shapes(5 * QUICK_PER_CLASS, seed=seed)
        Xt, yt = shapes(5 * QUICK_PER_CLASS // 2, seed=seed + 1)
        return X, y, Xt, yt, [0, 1], [2, 3, 4], SHAPE_CLASSES


def backbone_and_head(classes, seed):
    """A CNN whose last layer is `head`: the part we will replace."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, seed=seed), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, seed=seed + 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128, seed=seed + 2), nn.ReLU(),
        nn.Linear(128, classes, seed=seed + 3))


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    X, y, Xt, yt, old, new, names = load(args.quick, args.seed)
    limit = lambda k: len(k) * QUICK_PER_CLASS if args.quick else None  # noqa: E731
    manual_seed(args.seed)

    # 1. pretrain on the old classes
    Xa, ya = select(X, y, old, limit(old))
    Xat, yat = select(Xt, yt, old, limit(old))
    model = backbone_and_head(len(old), args.seed)
    history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=2e-3), (Xa, ya),
                        epochs=1 if args.quick else PRETRAIN_EPOCHS, batch_size=64, seed=args.seed,
                        validation=(Xat, yat), progress=False if args.quick else None)
    print(f"  pretrained on {len(Xa):,} images of {', '.join(names[k] for k in old)}: "
          f"test accuracy {history.epoch['val_accuracy'][-1]:.1%}")

    # 2. freeze everything, put a new 3-class head on top, train only the head
    model.freeze()
    model.layers[-1] = nn.Linear(128, len(new), seed=args.seed + 10)
    trainable = [p for p in model.parameters() if p.requires_grad]
    frozen = model.num_parameters() - sum(p.size for p in trainable)
    print(f"  frozen: {frozen:,} weights; trained: {sum(p.size for p in trainable):,} (the new head)")
    Xb, yb = select(X, y, new, limit(new))
    Xbt, ybt = select(Xt, yt, new, limit(new))
    transfer = train.fit(model, losses.cross_entropy, optim.Adam(trainable, lr=HEAD_LR), (Xb, yb),
                         epochs=EPOCHS, batch_size=BATCH_SIZE, seed=args.seed, validation=(Xbt, ybt),
                         progress=False if args.quick else None)
    accuracy = transfer.epoch["val_accuracy"][-1]
    print(f"  new head on {', '.join(names[k] for k in new)} ({len(Xb):,} images, batches of "
          f"{BATCH_SIZE}, {EPOCHS} epochs): validation accuracy {accuracy:.1%}")

    from microdl import viz
    save(viz.plot_history(transfer, title="Training only the new head"), args, "transfer_curves.png")
    predicted = train.predict(model, Xbt).argmax(axis=1)
    save(viz.plot_confusion_matrix(ybt, predicted, [names[k] for k in new]), args, "transfer_confusion.png")
    finish(args)
    return accuracy


if __name__ == "__main__":
    main()
