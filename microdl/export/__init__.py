"""Graduation: a microdl model in PyTorch and ONNX, and PyTorch weights back in microdl.

    from microdl import export
    torch_model = export.to_torch(model)            # same layers, weights and outputs in PyTorch
    print(export.to_torch_code(model, loss_fn, optimizer))   # the PyTorch source of it
    export.to_onnx(model, X[:1], "model.onnx")      # for onnxruntime, Netron, phones, browsers
    model = export.from_torch(torch_model)          # and back into microdl

torch and onnx are optional extras (pip install -e '.[torch]' or -e '.[onnx]' in microdl's folder):
importing microdl or this package loads neither; each function imports what it needs
and says how to install it when it is missing.
"""

from .checkpoint import load_torch_state_dict
from .layers import SUPPORTED_LAYERS, ExportError
from .onnx_model import to_onnx
from .torch_code import to_torch_code
from .torch_module import from_torch, to_torch

__all__ = ["to_torch", "from_torch", "to_torch_code", "to_onnx", "load_torch_state_dict",
           "ExportError", "SUPPORTED_LAYERS"]
