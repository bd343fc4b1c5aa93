"""Small ready-made models for the lessons and tools, trained in seconds on data that
needs no download: `shapes_cnn()` names circles, squares, triangles, crosses and lines.

    model, classes = zoo.shapes_cnn()        # ~80 % on the shapes images
    viz.draw_pad(model, classes).show()
"""
from . import nn, optim, train
from .rng import manual_seed

__all__ = ["small_cnn", "shapes_cnn"]


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
