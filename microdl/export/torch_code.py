"""The PyTorch source of a microdl network: your microdl code, in PyTorch.

    print(to_torch_code(model, nn.CrossEntropyLoss(), optimizer))

writes the imports, the `nn.Sequential` with the same layers (only the arguments that
differ from their defaults, as you would write them), the loss and the optimizer with
its settings, and one training step. The weights are not in the code: load them with
`model.load_state_dict(...)` from `to_torch(model).state_dict()` or a checkpoint.
"""
import inspect

import numpy as np

from .. import nn
from .layers import ExportError, at_default, constructor_arguments, layer_type, sub_layers
from .scalar import as_tensor_model, is_scalar_model

__all__ = ["to_torch_code", "TorchCode"]

#: microdl's loss functions (F.cross_entropy, nn.losses.cross_entropy) -> torch's loss module
LOSS_FUNCTIONS = {"cross_entropy": "CrossEntropyLoss", "mse_loss": "MSELoss", "nll_loss": "NLLLoss",
                  "binary_cross_entropy": "BCELoss", "kl_div": "KLDivLoss",
                  "binary_cross_entropy_with_logits": "BCEWithLogitsLoss"}

INDENT = "    "


class TorchCode(str):
    """Python source (a str) that shows itself as code, not as a quoted string, in Jupyter."""

    def __repr__(self):
        return str(self)


def to_torch_code(model, loss=None, optimizer=None):
    """The PyTorch source of `model` (and of the `loss` and `optimizer` you train it with)."""
    if is_scalar_model(model):
        model = as_tensor_model(model)
    lines = ["import torch", "from torch import nn", "", f"model = {layer_code(model, 'the model')}"]
    if loss is not None:
        lines.append(f"loss_fn = {loss_code(loss)}")
    if optimizer is not None:
        lines.append(f"optimizer = {optimizer_code(optimizer, model)}")
    if loss is not None and optimizer is not None:
        lines += ["", "", "def train_step(x, y):",
                  f"{INDENT}optimizer.zero_grad()",
                  f"{INDENT}loss = loss_fn(model(x), y)",
                  f"{INDENT}loss.backward()",
                  f"{INDENT}optimizer.step()",
                  f"{INDENT}return loss.item()"]
    return TorchCode("\n".join(lines) + "\n")


def layer_code(layer, where, depth=0):
    """`nn.Conv2d(1, 8, kernel_size=5, padding=2)`; a Sequential on several lines."""
    name = layer_type(layer, where)
    if name != "Sequential":
        return f"nn.{name}({_call_arguments(constructor_arguments(layer, name))})"
    inner = INDENT * (depth + 1)
    items = [f"{inner}{layer_code(child, f'{where}[{i}]', depth + 1)},"
             for i, (_, child) in enumerate(sub_layers(layer))]
    return "nn.Sequential(\n" + "\n".join(items) + f"\n{INDENT * depth})"


def _call_arguments(arguments):
    """Required arguments by position, the others by name where they differ from the default."""
    return ", ".join(_literal(value) if default is inspect.Parameter.empty else f"{name}={_literal(value)}"
                     for name, value, default in arguments if not at_default(value, default))


def _literal(value):
    """Python source for an argument's value (an array or Tensor as torch.tensor([...]))."""
    if isinstance(value, np.ndarray):
        return f"torch.tensor({value.tolist()!r})"
    if isinstance(value, np.generic):
        return repr(value.item())
    if hasattr(value, "data") and hasattr(value, "shape"):        # a microdl Tensor
        return f"torch.tensor({np.asarray(value.data).tolist()!r})"
    return repr(value)


def loss_code(loss):
    """`nn.CrossEntropyLoss()` for microdl's loss module or function of the same name."""
    name = type(loss).__name__
    if isinstance(loss, nn.Module) and name.endswith("Loss") and type(loss) is getattr(nn, name, None):
        parameters = list(inspect.signature(type(loss).__init__).parameters.values())[1:]
        parts = [f"{p.name}={_literal(getattr(loss, p.name))}" for p in parameters
                 if p.name not in ("size_average", "reduce")      # deprecated: folded into reduction
                 and not at_default(getattr(loss, p.name), p.default)]
        return f"nn.{name}({', '.join(parts)})"
    name = getattr(loss, "__name__", type(loss).__name__)
    if name in LOSS_FUNCTIONS:
        return f"nn.{LOSS_FUNCTIONS[name]}()"
    known = sorted(set(LOSS_FUNCTIONS) | set(LOSS_FUNCTIONS.values()))
    raise ExportError(f"to_torch_code: the loss {name!r} has no PyTorch twin here; known losses: "
                      f"{', '.join(known)}. Pass one of these, or leave loss out and write it by hand.")


def optimizer_code(optimizer, model):
    """`torch.optim.Adam(model.parameters(), lr=0.003)`: the settings of its first group that
    differ from the defaults (the same as torch's, by microdl's parity contract)."""
    cls = type(optimizer)
    group = optimizer.param_groups[0]
    signature = inspect.signature(cls.__init__)
    settings = [f"{p.name}={_literal(group[p.name])}" for p in list(signature.parameters.values())[2:]
                if p.name in group and not at_default(group[p.name], p.default)]
    trained = sum(len(g["params"]) for g in optimizer.param_groups)
    params = "model.parameters()" if trained == len(model.parameters()) else \
        "[p for p in model.parameters() if p.requires_grad]"
    note = "" if len(optimizer.param_groups) == 1 else \
        f"  # microdl had {len(optimizer.param_groups)} parameter groups: the first one's settings"
    return f"torch.optim.{cls.__name__}({', '.join([params] + settings)}){note}"
