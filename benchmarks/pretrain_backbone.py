"""Pretrain the backbone that lesson 10 starts from, and write it into the package.

Trains microdl.zoo.fashion_cnn() on ALL Fashion-MNIST training images of classes 0-6
(T-shirt .. Shirt, 42,000 images) for a few epochs, writes microdl/weights/fashion_backbone.npz
with microdl.io.save (float32, no pickle, ~0.2 MB), and prints the two lines to paste into
microdl/zoo.py: the file's SHA-256 and the accuracy on the first 1,000 test images of those
classes, which tests/test_zoo.py checks again. Deterministic: the same seed writes the same
numbers on the same machine (BLAS may differ in the last bits elsewhere, so the checksum is
recorded, never recomputed by the loader).

    python benchmarks/pretrain_backbone.py [--epochs 4] [--seed 0]
"""
import argparse
import time

import numpy as np

from microdl import io, manual_seed, optim, train, zoo
from microdl.data import fashion_mnist
from microdl.nn import losses

CHECK_IMAGES = 1000  # the test subset whose accuracy is recorded


def old_classes(X, y):
    """The images of the backbone's classes (0-6; their labels are already 0..6)."""
    keep = np.flatnonzero(np.isin(y, zoo.FASHION_BACKBONE_CLASSES))
    return X[keep], y[keep]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(zoo.FASHION_BACKBONE_FILE))
    args = parser.parse_args(argv)
    X, y = old_classes(*fashion_mnist("train", download=False))
    Xt, yt = old_classes(*fashion_mnist("test", download=False))
    manual_seed(args.seed)
    model = zoo.fashion_cnn(seed=args.seed)
    optimizer = optim.Adam(model.parameters(), lr=2e-3)
    # the step size shrinks to 0 along half a cosine: big steps first, fine ones at the end
    scheduler = optim.CosineAnnealingLR(optimizer, T_max=args.epochs)
    start = time.perf_counter()
    history = train.fit(model, losses.cross_entropy, optimizer, (X, y), epochs=args.epochs, batch_size=64,
                        seed=args.seed, validation=(Xt, yt), scheduler=scheduler, progress=True)
    print(f"trained on {len(X):,} images, {args.epochs} epochs, {time.perf_counter() - start:.0f} s; "
          f"test accuracy per epoch (7,000 images): "
          + ", ".join(f"{a:.2%}" for a in history.epoch["val_accuracy"]))
    path = io.save(model, args.out)
    check = float((train.predict(model, Xt[:CHECK_IMAGES]).argmax(axis=1) == yt[:CHECK_IMAGES]).mean())
    print(f"wrote {path} ({path.stat().st_size:,} bytes). Paste into microdl/zoo.py:")
    print(f'FASHION_BACKBONE_SHA256 = "{zoo.sha256(path)}"')
    print(f"FASHION_BACKBONE_ACCURACY = {check}")


if __name__ == "__main__":
    main()
