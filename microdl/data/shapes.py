"""Shapes: a procedural image data set (circles, squares, ...) drawn with NumPy, no download.

The default images for CNN demos and tests: like MNIST (one gray channel, 28x28,
values in [0, 1]) but made in a fraction of a second, in any number and size.

Every shape is a white stroke on black, drawn anti-aliased from its distance field: a
pixel's ink is how much of it lies within half a stroke width of the outline. Each
image gets a random size, position (always fully inside, a black border kept), a turn
of up to 15 degrees (a line: any angle), stroke width and brightness, then Gaussian pixel
noise. The classes are balanced and shuffled. Hard enough to need more than a template
(logistic regression on the pixels: about 73%), easy for a small CNN (about 98%).

>>> X, y = shapes(10, seed=0)
>>> X.shape, X.dtype, y.dtype
((10, 1, 28, 28), dtype('float32'), dtype('int64'))
>>> SHAPE_CLASSES, np.bincount(y).tolist()  # y[i] is an index into SHAPE_CLASSES
(('circle', 'square', 'triangle', 'cross', 'line'), [2, 2, 2, 2, 2])
"""
import numpy as np

from ..rng import generator

__all__ = ["shapes", "SHAPE_CLASSES"]

SHAPE_CLASSES = ("circle", "square", "triangle", "cross", "line")

# Each outline is a set of segments in a unit frame (the shape's "radius" is 1); the
# circle is the exception, drawn from its own distance |distance to centre - radius|.
_OUTLINES = {
    "square": [((-0.8, -0.8), (0.8, -0.8)), ((0.8, -0.8), (0.8, 0.8)),
               ((0.8, 0.8), (-0.8, 0.8)), ((-0.8, 0.8), (-0.8, -0.8))],
    # equilateral, pointing up (y grows downwards in an image), centred on its centroid
    "triangle": [((0.0, -1.1), (0.95, 0.55)), ((0.95, 0.55), (-0.95, 0.55)),
                 ((-0.95, 0.55), (0.0, -1.1))],
    "cross": [((-1.0, 0.0), (1.0, 0.0)), ((0.0, -1.0), (0.0, 1.0))],
    "line": [((-1.1, 0.0), (1.1, 0.0))],
}
# How far each class may turn, in degrees (a line at any angle is still a line).
_MAX_TURN = {"circle": 0, "square": 15, "triangle": 15, "cross": 15, "line": 90}
_CHUNK = 2048


def shapes(n=1000, size=28, noise=0.1, seed=None, classes=None):
    """`n` images of simple shapes: X (n, 1, size, size) float32 in [0, 1], y (n,) int64.

    y[i] indexes `classes` (default SHAPE_CLASSES: circle, square, triangle, cross,
    line); pass e.g. classes=("circle", "square") for a two-class problem.
    `noise` is the standard deviation of the Gaussian noise added to every pixel.
    """
    classes = _check_arguments(n, size, noise, classes)
    rng = generator(seed)
    counts = [n // len(classes) + (1 if k < n % len(classes) else 0) for k in range(len(classes))]
    images = [_draw(name, m, size, rng) for name, m in zip(classes, counts)]
    y = np.repeat(np.arange(len(classes), dtype=np.int64), counts)
    order = rng.permutation(n)
    X = np.concatenate(images)[order]  # (n, size, size)
    if noise:  # drawn last: the same seed gives the same shapes with any noise
        X += np.float32(noise) * rng.standard_normal(X.shape, dtype=np.float32)
    return np.clip(X, 0.0, 1.0)[:, None], y[order]  # (n, 1, size, size)


def _check_arguments(n, size, noise, classes):
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"shapes: n must be an int >= 1 (the number of images), got {n!r}")
    if not isinstance(size, (int, np.integer)) or size < 12:
        raise ValueError(f"shapes: size must be an int >= 12 pixels (smaller shapes are not "
                         f"recognisable), got {size!r}")
    if not noise >= 0:
        raise ValueError(f"shapes: noise is a standard deviation and must be >= 0, got {noise!r}")
    classes = SHAPE_CLASSES if classes is None else tuple(classes)
    unknown = [c for c in classes if c not in SHAPE_CLASSES]
    if unknown or not classes or len(set(classes)) != len(classes):
        raise ValueError(f"shapes: classes must be distinct names from {SHAPE_CLASSES}, got {classes!r}")
    return classes


def _draw(name, m, size, rng):
    """m images of one shape, (m, size, size) float32, each at its own random place and scale."""
    scale = rng.uniform(0.2, 0.36, m) * size       # the shape's radius, in pixels
    stroke = rng.uniform(1.2, 2.4, m) * max(size, 28) / 28  # stroke width, in pixels
    turn = np.deg2rad(rng.uniform(-1, 1, m) * _MAX_TURN[name])
    brightness = rng.uniform(0.75, 1.0, m)
    unit = _place(_OUTLINES.get(name, []), turn)  # (m, k, 2, 2): image, segment, end, xy
    # the ink reaches scale * unit reach + half a stroke + half a pixel of anti-aliasing
    # ramp from the centre; half a pixel more keeps the border pixels black
    margin = stroke / 2 + 1.0
    scale = np.minimum(scale, (size / 2 - margin) / _reach(name, unit).max(axis=1))  # fits
    segments = unit * scale[:, None, None, None]
    reach = scale[:, None] * _reach(name, unit) + margin[:, None]  # (m, 2) along x and y
    # (m, 2) x, y: the whole shape stays inside (a shape as wide as the image has one
    # place, its middle: the max() keeps rounding from making high < low there)
    centre = rng.uniform(reach, np.maximum(reach, size - reach))
    # from here on float32: plenty for a pixel, and twice as fast
    scale, stroke, brightness, segments, centre = (
        a.astype(np.float32) for a in (scale, stroke, brightness, segments, centre))
    images = np.empty((m, size, size), np.float32)
    for start in range(0, m, _CHUNK):  # in chunks, to keep the temporaries small
        part = slice(start, start + _CHUNK)
        distance = _distance(name, size, centre[part], scale[part], segments[part])
        # ink = the part of a 1-pixel-wide ramp inside the stroke: anti-aliasing for free
        ink = np.clip(stroke[part, None, None] / 2 + 0.5 - distance, 0.0, 1.0)
        images[part] = ink * brightness[part, None, None]
    return images


def _distance(name, size, centre, scale, segments):
    """Each pixel's distance to its image's outline: (m, size, size)."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5  # pixel centres
    px, py = xs[None] - centre[:, 0, None, None], ys[None] - centre[:, 1, None, None]
    if name == "circle":
        return np.abs(np.hypot(px, py) - scale[:, None, None])
    return _distance_to_segments(px, py, segments)


def _place(outline, turn):
    """The unit outline's segments turned for each image: (m, k, 2, 2)."""
    if not outline:
        return np.zeros((len(turn), 0, 2, 2))
    cos, sin = np.cos(turn)[:, None, None], np.sin(turn)[:, None, None]
    unit = np.array(outline, dtype=np.float64)[None]  # (1, k, 2, 2)
    x, y = unit[..., 0], unit[..., 1]
    return np.stack([cos * x - sin * y, sin * x + cos * y], axis=-1)


def _reach(name, unit):
    """Per image, how far the unit outline reaches from its centre along x and y: (m, 2)."""
    if name == "circle":
        return np.ones((len(unit), 2))
    return np.abs(unit).max(axis=(1, 2))


def _distance_to_segments(px, py, segments):
    """Distance from every pixel to the nearest segment of its image's outline: (m, H, W)."""
    nearest = np.full(px.shape, np.inf, dtype=px.dtype)
    for k in range(segments.shape[1]):
        (ax, ay), (bx, by) = [segments[:, k, end, :].T[..., None, None] for end in (0, 1)]
        dx, dy = bx - ax, by - ay
        # the closest point on the segment is a + t (b - a), t clipped to [0, 1]
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        nearest = np.minimum(nearest, np.hypot(px - ax - t * dx, py - ay - t * dy))
    return nearest
