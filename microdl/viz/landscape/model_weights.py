"""A network's weights as one flat vector, and its loss at any weights: what the real
landscapes (network_loss.py, loss_plane.py) move through.

    weights = ModelWeights(model)          # a scalar MLP or a Tensor model
    theta = weights.get()                  # (n,) float64, a copy
    weights.set(theta + 0.1 * direction)   # writes into the model's parameters
    loss_at(model, loss_fn, X, y)          # the loss there, as a float (no graph)

Both engines look the same from here: a scalar MLP's Values are one number each, a
Tensor parameter is its numbers in C order. `filters()` says which entries make one
filter (a neuron's incoming weights, a row of a Linear weight, one output channel of a
convolution), for the filter-normalised directions of Li et al. (2018).
A scalar MLP is evaluated by a NumPy forward pass over its weights (the same sums as its
Values, hundreds of times faster); a Tensor model by its own forward under no_grad.
"""
import numpy as np

from ...autodiff import no_grad
from ...nn.module import evaluation_mode
from ...nn.scalar import MLP, Neuron
from ...inference import forward
from ...value import Value

__all__ = ["ModelWeights", "loss_at", "default_loss_fn"]


class ModelWeights:
    """Every trainable number of `model` as one flat float64 vector, read and written in place."""

    def __init__(self, model):
        self.model = model
        self.named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
        if not self.named:
            raise ValueError(f"{type(model).__name__} has no trainable parameters to move through")
        self.scalar = isinstance(self.named[0][1], Value)
        sizes = [1 if self.scalar else p.data.size for _, p in self.named]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)

    def __len__(self):
        return int(self.offsets[-1])

    def __repr__(self):
        return f"ModelWeights({type(self.model).__name__}: {len(self)} numbers in {len(self.named)} parameters)"

    def get(self):
        """The weights now, as a new (n,) float64 vector."""
        if self.scalar:
            return np.array([p.data for _, p in self.named], dtype=float)
        return np.concatenate([np.asarray(p.data, dtype=float).reshape(-1) for _, p in self.named])

    def set(self, vector):
        """Write `vector` (n,) into the model's parameters (each keeps its dtype)."""
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (len(self),):
            raise ValueError(f"expected {len(self)} weights, got an array of shape {vector.shape}")
        if self.scalar:
            for (_, p), value in zip(self.named, vector.tolist()):
                p.data = value
            return
        for (_, p), low, high in zip(self.named, self.offsets[:-1], self.offsets[1:]):
            p.data[...] = vector[low:high].reshape(p.data.shape)

    def index(self, weight):
        """The position in the flat vector of `weight`: an int, a scalar parameter's name
        ("L1.N1.w0"), or a Tensor parameter's name with an element ("0.weight[3, 1]")."""
        if isinstance(weight, (int, np.integer)):
            if not 0 <= weight < len(self):
                raise IndexError(f"weight {weight} does not exist: the model has {len(self)} (0 .. {len(self) - 1})")
            return int(weight)
        name, _, element = str(weight).partition("[")
        names = [n for n, _ in self.named]
        if name.strip() not in names:
            shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
            raise ValueError(f"no parameter named {name.strip()!r}; the model has {shown} "
                             f"(or give the weight's position as an int)")
        k = names.index(name.strip())
        shape = np.shape(self.named[k][1].data)
        if not element:
            if self.scalar or int(np.prod(shape)) == 1:
                return int(self.offsets[k])
            raise ValueError(f"{name} has shape {shape}: say which number, e.g. '{name}[0, 0]'")
        position = tuple(int(i) for i in element.rstrip("]").split(","))
        return int(self.offsets[k] + np.ravel_multi_index(position, shape))

    def name_of(self, i):
        """A readable name for entry i: 'L1.N1.w0' or '0.weight[3, 1]'."""
        k = int(np.searchsorted(self.offsets, i, side="right") - 1)
        name, p = self.named[k]
        if self.scalar or np.size(p.data) == 1:
            return name
        position = np.unravel_index(i - self.offsets[k], p.data.shape)
        return f"{name}[{', '.join(str(int(j)) for j in position)}]"

    def filters(self):
        """Index arrays, one per filter: a neuron's incoming weights, a row of a matrix,
        an output channel of a convolution. Biases (and other 1-D parameters) are in none."""
        if self.scalar:
            where = {id(p): i for i, (_, p) in enumerate(self.named)}
            return [np.array([where[id(w)] for w in neuron.w if id(w) in where])
                    for _, neuron in self.model.named_modules() if isinstance(neuron, Neuron)]
        groups = []
        for (_, p), low in zip(self.named, self.offsets[:-1]):
            shape = p.data.shape
            if len(shape) >= 2:
                per_filter = int(np.prod(shape[1:]))
                groups += [low + f * per_filter + np.arange(per_filter) for f in range(shape[0])]
        return groups


def default_loss_fn(model, y):
    """Mean squared error for one output per example, cross-entropy for class scores."""
    from ...nn import losses
    outputs = _number_of_outputs(model)
    if outputs > 1 and np.issubdtype(np.asarray(y).dtype, np.integer):
        return losses.cross_entropy
    return losses.mse_loss


def _number_of_outputs(model):
    if isinstance(model, MLP):
        return len(model.layers[-1].neurons)
    last = [p for _, p in model.named_parameters()][-1]
    return int(np.shape(last.data)[0]) if np.ndim(last.data) else 1


def loss_at(model, loss_fn, X, y, batch_size=256):
    """The loss of `model` on (X, y) at its current weights, a float: in eval mode, no graph.

    Large data goes through in batches; the loss is their mean weighted by batch size
    (exact for a mean loss, plus any regulariser once).
    """
    total = 0.0
    with evaluation_mode(model), no_grad():
        for start in range(0, len(X), batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            outputs = _scalar_mlp_outputs(model, Xb) if isinstance(model, MLP) else forward(model, Xb)
            value = loss_fn(outputs, yb)
            total += float(np.asarray(value.data)) * len(Xb)
    return total / len(X)


def _scalar_mlp_outputs(model, X):
    """What `forward(model, X)` returns for a scalar MLP (a Value per output), computed with
    NumPy: each layer is z = W x + b over the neurons' weights, then its activation."""
    activations = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z,
                   "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)),   # = 1 / (1 + e^-z), no overflow
                   "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    h = np.asarray(X, dtype=float)                                    # (B, nin)
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])  # (nout, nin)
        b = np.array([n.b.data for n in layer.neurons])               # (nout,)
        h = activations[layer.neurons[0].activation](h @ W.T + b)     # (B, nout)
    if h.shape[1] == 1:
        return [Value(float(v)) for v in h[:, 0]]
    return [[Value(float(v)) for v in row] for row in h]

