"""Small ready-made models for the lessons and tools: `shapes_cnn()` trains in seconds on
data that needs no download (circles, squares, triangles, crosses and lines), and
`fashion_backbone()` loads shipped pretrained weights, the way torchvision ships them.

    model, classes = zoo.shapes_cnn()        # ~80 % on the shapes images
    viz.draw_pad(model, classes).show()
    features = zoo.fashion_backbone()        # frozen CNN trained on Fashion-MNIST classes 0-6
"""
import hashlib
from pathlib import Path

from . import nn, optim, train
from .rng import manual_seed

__all__ = ["small_cnn", "shapes_cnn", "fashion_cnn", "fashion_backbone", "WeightsError",
           "FASHION_BACKBONE_CLASSES", "FEATURES"]

WEIGHTS = Path(__file__).resolve().parent / "weights"
FASHION_BACKBONE_FILE = WEIGHTS / "fashion_backbone.npz"
#: Fashion-MNIST classes the shipped backbone was trained on (T-shirt .. Shirt)
FASHION_BACKBONE_CLASSES = (0, 1, 2, 3, 4, 5, 6)
FEATURES = 16 * 7 * 7  # the backbone's output: 16 feature maps of 7x7, flattened; a new head reads them


def small_cnn(X, y, classes, seed=0, epochs=4):
    """Conv(1, 8, 5)-ReLU-MaxPool(4)-Linear trained on images X (N, 1, 28, 28): (model, classes)."""
    manual_seed(seed)
    side = X.shape[-1] // 4
    model = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2, seed=seed), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten(),
                          nn.Linear(8 * side * side, len(classes), seed=seed + 1))
    train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=3e-3), (X, y),
              epochs=epochs, batch_size=32, seed=seed, progress=False)
    return model, tuple(classes)


def shapes_cnn(seed=0, images=1200, epochs=4):
    """A small CNN trained on the shapes images (no download; ~80% in 10-25 s on 2 cores)."""
    from .data import SHAPE_CLASSES, shapes
    X, y = shapes(images, seed=seed)
    return small_cnn(X, y, SHAPE_CLASSES, seed, epochs)


# --- the shipped Fashion-MNIST backbone ---------------------------------------------------
# Written by benchmarks/pretrain_backbone.py; a changed file must change these numbers too.
FASHION_BACKBONE_SHA256 = "755551dfab957890b74d4e3af037568cbe0a0904a0a206a444371c6c18fdd363"
#: its test accuracy on the first 1,000 Fashion-MNIST test images of classes 0-6 (with its head)
FASHION_BACKBONE_ACCURACY = 0.878


class WeightsError(RuntimeError):
    """Shipped weights that are missing or not the file that was recorded."""


def fashion_cnn(classes=len(FASHION_BACKBONE_CLASSES), seed=0):
    """The lesson-10 CNN, random start: a convolutional backbone (layers 0-6) and a classifier.

    (B, 1, 28, 28) -conv5-> (B, 8, 28, 28) -pool-> (B, 8, 14, 14) -conv5-> (B, 16, 14, 14)
    -pool-> (B, 16, 7, 7) -flatten-> (B, 784) = FEATURES | -linear-> (B, 64) -> (B, classes)."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2, seed=seed), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2, seed=seed + 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(FEATURES, 64, seed=seed + 2), nn.ReLU(),
        nn.Linear(64, classes, seed=seed + 3))


BACKBONE_LAYERS = 7  # fashion_cnn's layers 0-6: the convolutions, as torchvision's `features`


def sha256(path):
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_weights(path, expected):
    """`path`, after checking that it exists and that its SHA-256 is `expected`."""
    path = Path(path)
    if not path.exists():
        raise WeightsError(f"the pretrained weights {path} are missing: reinstall microdl "
                           f"(pip install .) or recreate them with benchmarks/pretrain_backbone.py")
    found = sha256(path)
    if found != expected:
        raise WeightsError(f"the pretrained weights {path} are not the shipped file: SHA-256 {found}, "
                           f"expected {expected}. The file was altered or damaged; reinstall microdl "
                           f"or rerun benchmarks/pretrain_backbone.py, which records the new checksum.")
    return path


def fashion_backbone(frozen=True, head=False, path=FASHION_BACKBONE_FILE):
    """The shipped CNN pretrained on all Fashion-MNIST training images of classes 0-6.

    Returns nn.Sequential: images (B, 1, 28, 28) -> features (B, FEATURES), the two
    convolution blocks, every weight frozen (requires_grad=False) unless frozen=False.
    head=True keeps its classifier (784 -> 64 -> 7), so it names T-shirt .. Shirt.
    The file's SHA-256 is checked first. Convolutional features carry over to new
    classes better than the last hidden layer, which is specific to the old ones."""
    from . import io
    model = fashion_cnn()
    io.load(model, verified_weights(path, FASHION_BACKBONE_SHA256))
    model = model if head else model[:BACKBONE_LAYERS]
    return model.freeze() if frozen else model
