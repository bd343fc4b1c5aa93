"""A microdl model as a torch.nn.Module with the same weights, and a torch model back in microdl.

    torch_model = to_torch(model)      # Sequential -> torch.nn.Sequential, layer by layer
    model = from_torch(torch_model)    # and back, for every layer type microdl has

Each layer is rebuilt from its constructor arguments (the same in both libraries), then
its state (parameters and buffers, under the same names) is copied over exactly: the
numbers, their dtype, train/eval mode, and which parameters are frozen.
"""
import numpy as np

from .. import nn
from .layers import constructor_arguments, layer_type, require, sub_layers
from .scalar import as_tensor_model, is_scalar_model

__all__ = ["to_torch", "from_torch"]


def to_torch(model, dtype=None):
    """An equivalent torch.nn.Module: same layers, same weights and buffers, same mode.

    A tensor `Sequential` becomes a torch `Sequential` of the same layers (a single layer
    its torch layer); a scalar MLP/Layer/Neuron becomes Linear layers with its activations,
    taking a batch (N, inputs). The weights keep their dtype (float32 unless you built the
    model in float64), or become `dtype` if given; a scalar model's float64 numbers become
    float32 (torch's default) unless dtype=np.float64."""
    torch = require("torch", "torch")
    if is_scalar_model(model):
        model = as_tensor_model(model, np.float32 if dtype is None else dtype)
    module = _torch_layer(model, torch, "the model")
    return module if dtype is None else module.to(getattr(torch, np.dtype(dtype).name))


def _torch_layer(layer, torch, where):
    name = layer_type(layer, where)
    if name == "Sequential":
        module = torch.nn.Sequential(*[_torch_layer(child, torch, f"{where}[{i}]")
                                       for i, (_, child) in enumerate(sub_layers(layer))])
    else:
        arguments = {argument: value for argument, value, _ in constructor_arguments(layer, name)}
        with torch.device("meta"):        # no memory, no random initialisation: the state is copied
            module = getattr(torch.nn, name)(**arguments)
        state = {key: torch.from_numpy(array) for key, array in layer.state_dict().items()}
        module.load_state_dict(state, strict=True, assign=True)   # the same names, one to one
        for parameter_name, parameter in layer.named_parameters():
            getattr(module, parameter_name).requires_grad_(parameter.requires_grad)
    module.training = layer.training          # this module only: its children have their own mode
    return module


def from_torch(module):
    """A microdl model with the torch module's layers, weights, buffers and mode.

    torch.nn.Sequential (nested too) and the layers in `export.SUPPORTED_LAYERS`; any other
    torch layer is refused with an ExportError naming it."""
    require("torch", "torch")
    return _microdl_layer(module, "the torch module")


def _microdl_layer(module, where):
    name = layer_type(module, where, library="torch")
    if name == "Sequential":
        layer = nn.Sequential(*[_microdl_layer(child, f"{where}[{_index(child_name)}]")
                                for child_name, child in sub_layers(module)])
    else:
        arguments = {argument: value for argument, value, _ in constructor_arguments(module, name)}
        layer = getattr(nn, name)(**arguments, **_dtype_option(module, name))
        layer.load_state_dict({key: value.detach().cpu().numpy()
                               for key, value in module.state_dict().items()})
        for parameter_name, parameter in module.named_parameters():
            getattr(layer, parameter_name).requires_grad = parameter.requires_grad
    layer.training = module.training
    return layer


def _index(child_name):
    """How a student indexes a torch Sequential's child: [3], or ['conv1'] for a named one."""
    return child_name if child_name.isdigit() else repr(child_name)


def _dtype_option(module, name):
    """{'dtype': np.float64} for a float64 torch layer with parameters; else {} (float32)."""
    floats = [p for p in module.parameters() if p.is_floating_point()]
    if not floats or name not in ("Linear", "Conv2d", "BatchNorm1d", "BatchNorm2d"):
        return {}
    return {"dtype": np.dtype(str(floats[0].dtype).removeprefix("torch."))}
