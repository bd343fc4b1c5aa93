"""`Module`: the base of every network, for the scalar engine and the tensor engine alike.

A module finds its parts by looking at its own attributes, in the order they were set:

* a `Module` attribute is a sub-module;
* a `Value` or `Tensor` attribute is a parameter;
* a list or tuple of those holds several, named `attr.0`, `attr.1`, ... unless the
  class says otherwise in `_item_names` (the scalar MLP names its parts `L1.N3.w0`).

Anything else (numbers, strings, NumPy arrays such as BatchNorm's running statistics)
is plain state, not a parameter; NumPy arrays are its *buffers*, saved in
`state_dict()` beside the parameters under PyTorch's names (`1.running_mean`).
"""
from contextlib import contextmanager

import numpy as np

from ..checkpoint_error import CheckpointError, IncompatibleKeys
from ..state_entries import converted
from ..tensor import Tensor
from ..value import Value

__all__ = ["Module", "evaluation_mode"]


class Module:
    #: how items of a list attribute are named: {attr: format}, with {i} the 0-based and
    #: {n} the 1-based index. The default is "{attr}.{i}".
    _item_names = {}

    #: list sub-modules in repr (a scalar Layer of 16 neurons says it in one line)
    _repr_children = True

    training = True

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # --- discovery -------------------------------------------------------------------

    def _members(self):
        """(name, item) for every sub-module or parameter held directly by this module."""
        for attr, value in vars(self).items():
            if isinstance(value, (list, tuple)):
                fmt = self._item_names.get(attr, attr + ".{i}")
                for i, item in enumerate(value):
                    if _is_part(item):
                        yield fmt.format(i=i, n=i + 1), item
            elif _is_part(value):
                yield attr, value

    def _parts(self):
        """The same items as `_members`, without building names (fast, for parameters())."""
        for value in vars(self).values():
            if isinstance(value, (list, tuple)):
                yield from filter(_is_part, value)
            elif _is_part(value):
                yield value

    def named_children(self):
        for name, item in self._members():
            if isinstance(item, Module):
                yield name, item

    def children(self):
        return [m for _, m in self.named_children()]

    def named_modules(self, prefix=""):
        """This module and every module inside it, depth first, with dotted names."""
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            yield name, module
            kids = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(kids))

    def named_parameters(self):
        """(dotted name, parameter) for every parameter, each shared one once."""
        seen = set()
        for prefix, module in self.named_modules():
            for name, item in module._members():
                if not isinstance(item, Module) and id(item) not in seen:
                    seen.add(id(item))
                    yield (f"{prefix}.{name}" if prefix else name), item

    def parameters(self):
        """Every parameter once, in the order of `named_parameters()`."""
        params, seen, stack = [], set(), [self]
        while stack:
            module = stack.pop()
            kids = []
            for item in module._parts():
                if isinstance(item, Module):
                    kids.append(item)
                elif id(item) not in seen:
                    seen.add(id(item))
                    params.append(item)
            stack.extend(reversed(kids))
        return params

    def named_buffers(self):
        """(dotted name, array) for the plain NumPy arrays modules keep as state
        (BatchNorm's running statistics): saved with the parameters, never trained."""
        for prefix, module in self.named_modules():
            for attr, value in vars(module).items():
                if isinstance(value, np.ndarray):
                    yield (f"{prefix}.{attr}" if prefix else attr), value

    # --- state: parameters and buffers by name, as torch's state_dict ---------------------

    def _own_state(self):
        """(name, parameter or buffer) held directly by this module: parameters first, in
        the order they were set, then its NumPy arrays (buffers), as PyTorch orders them."""
        for name, item in self._members():
            if not isinstance(item, Module):
                yield name, item
        for attr, value in vars(self).items():
            if isinstance(value, np.ndarray):
                yield attr, value

    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """{name: array} of every parameter and buffer, with PyTorch's key names
        (`0.weight`, `1.running_mean`, `1.num_batches_tracked`). The arrays are copies;
        keep_vars=True gives the parameters (Tensors, Values) and buffers themselves."""
        state = {} if destination is None else destination
        for module_prefix, module in self.named_modules():
            for name, item in module._own_state():
                key = prefix + (f"{module_prefix}.{name}" if module_prefix else name)
                if keep_vars:
                    state[key] = item
                else:
                    state[key] = np.array(item.data if isinstance(item, (Tensor, Value)) else item)
        return state

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy a state_dict's arrays (NumPy, Tensors, or torch tensors) into this model.

        strict=True: every key must match (else CheckpointError naming them); strict=False
        loads the keys that match. An entry of the wrong shape, of a dtype that is not real
        numbers (text, complex, bool, objects) or with values the target cannot hold is
        always an error naming it, and nothing is changed unless everything fits.
        Returns (missing_keys, unexpected_keys), as torch. assign is accepted for
        PyTorch's signature: the values are copied either way.
        """
        targets = self.state_dict(keep_vars=True)
        missing = [key for key in targets if key not in state_dict]
        unexpected = [key for key in state_dict if key not in targets]
        if strict and (missing or unexpected):
            raise CheckpointError(
                f"{type(self).__name__}.load_state_dict: the state does not fit this model: "
                + "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                          unexpected and f"unexpected {', '.join(unexpected)}"]))
                + ". Build the model with the same layers as the one that was saved, "
                  "or pass strict=False to load the keys that match.")
        arrays = _converted_entries(state_dict, targets)  # all checked before any is assigned
        for key, array in arrays.items():
            target = targets[key]
            if isinstance(target, Value):
                target.data = float(array)
            else:
                (target.data if isinstance(target, Tensor) else target)[...] = array
        return IncompatibleKeys(missing, unexpected)

    def num_parameters(self):
        """How many numbers the parameters hold."""
        return sum(getattr(p, "size", 1) for p in self.parameters())

    # --- gradients and training state -----------------------------------------------

    def zero_grad(self):
        for p in self.parameters():
            p.zero_grad()

    def freeze(self):
        """Stop training these parameters: they get no gradient, optimizers skip them."""
        for p in self.parameters():
            p.requires_grad = False
            p.zero_grad()
        return self

    def unfreeze(self):
        for p in self.parameters():
            p.requires_grad = True
        return self

    def train(self, mode=True):
        """Training mode (dropout drops, batch norm uses batch statistics)."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self):
        """Evaluation mode: the opposite of `train()`."""
        return self.train(False)

    # --- printing -----------------------------------------------------------------------

    def extra_repr(self):
        """What goes between the parentheses of this module's repr."""
        return ""

    def __repr__(self):
        kids = list(self.named_children()) if self._repr_children else []
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not kids:
            return head + ")"
        lines = [head]
        shown = kids if len(kids) <= 8 else kids[:3] + [("...", None)] + kids[-2:]
        for name, module in shown:
            if module is None:
                lines.append(f"  ... {len(kids) - 5} more ...")
            else:
                lines.append("  (" + name + "): " + repr(module).replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


@contextmanager
def evaluation_mode(model):
    """Run `model` in eval mode inside the block, then put every module back as it was
    (predicting and plotting never leave a model switched out of training)."""
    modules = [module for _, module in model.named_modules()]
    saved = [(m, vars(m)["training"] if "training" in vars(m) else None) for m in modules]
    model.eval()
    try:
        yield model
    finally:
        for module, training in saved:
            if training is None:
                vars(module).pop("training", None)  # it used the class default again
            else:
                module.training = training


def _converted_entries(state_dict, targets):
    """{key: array in its target's dtype} for every key of `targets` in the state, or a
    CheckpointError naming each entry that does not fit - before anything is assigned."""
    arrays, problems = {}, []
    for key, target in targets.items():
        if key not in state_dict:
            continue
        try:
            arrays[key] = converted(_as_numpy(state_dict[key]), target)
        except (TypeError, ValueError) as error:
            problems.append(f"{key} {error}")
    if problems:
        raise CheckpointError("; ".join(problems) + ". Nothing was loaded: the model is unchanged.")
    return arrays


def _as_numpy(value):
    """A state_dict entry as a NumPy array: from an array, a number, a Tensor or Value, or a
    torch tensor (anything with .detach() and __array__), without importing torch."""
    if isinstance(value, (Tensor, Value)):
        return np.asarray(value.data)
    if hasattr(value, "detach"):
        value = value.detach()
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as error:  # a ragged list, a torch bfloat16 tensor, ...
        raise ValueError(f"cannot be read as a NumPy array ({type(value).__name__}: {error})") from None


def _is_part(item):
    """Is this a sub-module or a parameter (a Value or a Tensor)?"""
    return isinstance(item, (Module, Value, Tensor))
