"""Which layers cross over to PyTorch and ONNX, and how to read a layer's constructor arguments.

microdl's layers take torch.nn's constructor arguments (same names, order and defaults)
and keep them as attributes of the same names, as torch's layers do. So one reader,
`constructor_arguments(layer)`, serves three directions: build the torch twin of a
microdl layer, build the microdl twin of a torch layer, and write the source code.
"""
import importlib
import inspect

import numpy as np

from .. import nn

__all__ = ["SUPPORTED_LAYERS", "ExportError", "require", "layer_type", "constructor_arguments", "at_default",
           "sub_layers"]

#: the layer types that have a twin in torch.nn and in ONNX (Sequential nests them)
SUPPORTED_LAYERS = ("Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d",
                    "Dropout", "Flatten", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax",
                    "LogSoftmax", "Sequential")

#: keyword-only options of microdl's constructors that are not attributes to carry over
MICRODL_OPTIONS = ("init", "seed", "device", "dtype")

SCALAR_MODELS = "a scalar MLP, Layer or Neuron"


class ExportError(ValueError):
    """A model (or an example input) that cannot cross over, with what to do instead."""


def require(package, extra):
    """Import an optional package, or say how to install it."""
    try:
        return importlib.import_module(package)
    except ImportError:
        raise ImportError(f"this needs {package}, which is not installed: pip install -e '.[{extra}]' in microdl's folder "
                          f"(or pip install {package})") from None


def layer_type(layer, where, library="microdl"):
    """The layer's type name if it is a supported layer of `library` ('microdl' or 'torch');
    else an ExportError naming it, where it is, and the supported list."""
    name = type(layer).__name__
    home = nn if library == "microdl" else importlib.import_module("torch.nn")
    if name in SUPPORTED_LAYERS and type(layer) is getattr(home, name):
        return name
    if library == "microdl":
        reason = f"is a {_qualified(layer)}, which has no PyTorch/ONNX twin here"
    else:
        reason = f"is a torch {_qualified(layer)}, a layer microdl does not have"
    raise ExportError(f"{where} {reason}. Supported layers: {', '.join(SUPPORTED_LAYERS)}"
                      + (f", and {SCALAR_MODELS}" if library == "microdl" else "")
                      + ". Rebuild the model from these layers.")


def _qualified(layer):
    cls = type(layer)
    return cls.__name__ if cls.__module__.startswith(("microdl.nn", "torch.nn")) \
        else f"{cls.__module__}.{cls.__qualname__}"


def sub_layers(layer):
    """A Sequential's layers as [(name, layer)]: '0', '1', ... or torch's own names."""
    if hasattr(layer, "named_children") and not isinstance(layer, nn.Module):   # torch
        return list(layer.named_children())
    return [(str(i), child) for i, child in enumerate(layer)]


def constructor_arguments(layer, name):
    """[(argument, value, default)] to rebuild `layer` (microdl or torch) as a `name` layer;
    a required argument's default is inspect.Parameter.empty.

    The arguments are microdl's class's parameters (torch's, by the parity contract), read
    from the layer's attributes of the same names, minus microdl's own options."""
    signature = inspect.signature(getattr(nn, name).__init__)
    arguments = []
    for parameter in list(signature.parameters.values())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) \
                or parameter.name in MICRODL_OPTIONS:
            continue
        value = _attribute(layer, parameter.name, name)
        arguments.append((parameter.name, value, parameter.default))
    return arguments


def _attribute(layer, argument, name):
    """The constructor argument `argument` as the layer remembers it."""
    value = getattr(layer, argument)
    if argument == "bias":                     # the bias parameter, or None for bias=False
        return value is not None
    if argument == "stride" and name in ("MaxPool2d", "AvgPool2d") and value == layer.kernel_size:
        return None                            # stride=None means "as kernel_size"
    if isinstance(value, (tuple, list)) and len(set(value)) == 1:
        return value[0]                        # (5, 5) -> 5, as one would write it
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return value


def at_default(value, default):
    """Is this argument at its default (so code can leave it out)?"""
    if default is inspect.Parameter.empty or isinstance(value, np.ndarray) or hasattr(value, "shape"):
        return False
    if value is None or default is None:
        return value is default
    if isinstance(value, bool) or isinstance(default, bool):
        return value is default
    return value == default
