"""Convolution and max pooling as numbers, one output cell at a time (pure NumPy, no plotting).

    walk = convolution_steps(image, kernel)      # a Walkthrough: padded input, kernel, output
    walk.steps[0].window, walk.steps[0].products, walk.steps[0].value

The numbers come from microdl itself: each output value is taken from
microdl.nn.functional.conv2d / max_pool2d, so the pictures and the framework always
agree. Images are 2-D (H, W); (1, H, W) and (1, 1, H, W) are accepted.
"""
from dataclasses import dataclass

import numpy as np

from ...nn import functional as F
from ...tensor import Tensor

__all__ = ["Step", "Walkthrough", "convolution_steps", "pooling_steps"]


@dataclass(frozen=True)
class Step:
    """One output cell: where the window sits and what it computes."""
    cell: tuple            # (row, col) in the output map
    top_left: tuple        # (row, col) of the window in the (padded) input
    window: np.ndarray     # (KH, KW) the inputs under the window
    products: np.ndarray   # (KH, KW) window * kernel (convolution only)
    value: float           # output[row, col], as microdl computes it
    argmax: tuple = None   # (row, col) of the maximum inside the window (pooling only)


@dataclass(frozen=True)
class Walkthrough:
    """Everything a step figure shows: the padded input, the kernel, the output, the steps."""
    kind: str              # "convolution" or "pooling"
    padded: np.ndarray     # (H + 2p, W + 2p) input with its padding (nan-free)
    padding: int
    kernel: np.ndarray     # (KH, KW); for pooling an array of ones of the window's size
    bias: float
    output: np.ndarray     # (Ho, Wo)
    steps: list


def _as_image(values, name):
    """A 2-D float64 array from (H, W), (1, H, W) or (1, 1, H, W), a list or a Tensor."""
    array = np.asarray(values.data if isinstance(values, Tensor) else values, dtype=np.float64)
    while array.ndim > 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 2:
        raise ValueError(f"{name} must be one 2-D grid (H, W), got shape {np.shape(array)}; "
                         f"for a multi-channel image pick one channel, e.g. image[0]")
    return array


def convolution_steps(image, kernel, stride=1, padding=0, bias=0.0):
    """The Walkthrough of conv2d(image, kernel): one Step per output cell, in reading order.

    image (H, W), kernel (KH, KW) -> output (Ho, Wo) with Ho = (H + 2*padding - KH) // stride + 1.
    """
    image, kernel = _as_image(image, "image"), _as_image(kernel, "kernel")
    output = F.conv2d(Tensor(image[None, None]), Tensor(kernel[None, None]),
                      Tensor(np.array([float(bias)])), stride=stride, padding=padding).data[0, 0]
    padded = np.pad(image, padding)
    kh, kw = kernel.shape
    steps = []
    for (row, col), value in np.ndenumerate(output):
        top, left = row * stride, col * stride
        window = padded[top:top + kh, left:left + kw]
        steps.append(Step((row, col), (top, left), window, window * kernel, float(value)))
    return Walkthrough("convolution", padded, padding, kernel, float(bias), output, steps)


def pooling_steps(image, kernel_size=2, stride=None):
    """The Walkthrough of max_pool2d(image, kernel_size, stride): one Step per output cell.

    Each Step's `argmax` is the window's maximum; on ties the first in reading order,
    the one microdl's max_pool2d sends the gradient to.
    """
    image = _as_image(image, "image")
    stride = kernel_size if stride is None else stride
    output = F.max_pool2d(Tensor(image[None, None]), kernel_size, stride).data[0, 0]
    steps = []
    for (row, col), value in np.ndenumerate(output):
        top, left = row * stride, col * stride
        window = image[top:top + kernel_size, left:left + kernel_size]
        argmax = np.unravel_index(int(np.argmax(window)), window.shape)
        steps.append(Step((row, col), (top, left), window, None, float(value), tuple(map(int, argmax))))
    return Walkthrough("pooling", image, 0, np.ones((kernel_size, kernel_size)), 0.0, output, steps)
