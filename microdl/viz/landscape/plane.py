"""A plane through a network's weights, and training runs watched from it (Li et al. 2018).

    plane = RandomPlane(ModelWeights(model), seed=0)   # two random directions, drawn now
    runs = [train_run(model, plane, loss_fn, X, y, size, lr, epochs) for size in (1, 16, None)]
    plane.centre_on(final_weights)                     # filter-normalised to these weights
    plane.coordinates(run.dots)                        # (steps, 2): each step projected

The plane is  theta(a, b) = centre + a d1 + b d2.  Each direction is Gaussian noise,
rescaled filter by filter to the norm of the centre's filter (|d_f| = |theta_f|: a
neuron's incoming weights, a row of a matrix, a convolution's output channel), and zero
on biases, so that a = 1 means "a step as large as the weights themselves" in every
layer alike. A training step theta_t lands on the plane where least squares puts it:
(a, b) = G^-1 D (theta_t - centre), G = D D^T, with D the two directions as rows.

The scaling needs the centre, which is known only after training; so a run records, at
every step, the dot product of each filter of theta_t with each filter of the raw noise
(two small numbers per filter), and `coordinates` applies the scaling afterwards. No
step's weights are stored, so a CNN with 200,000 weights can be watched for 1,000 steps.
"""
import numpy as np

from ... import optim
from ...data.loader import DataLoader
from ...rng import generator
from ...inference import forward
from .model_weights import loss_at

__all__ = ["RandomPlane", "TrainingRun", "train_run"]


class RandomPlane:
    """Two random directions through a model's weight space, filter-normalised at `centre_on`."""

    def __init__(self, weights, seed=0):
        self.weights = weights                                   # a ModelWeights
        rng = generator(seed)
        self.noise = rng.standard_normal((2, len(weights)))      # (2, n): the raw directions
        self.filter_of = np.full(len(weights), -1)               # entry -> its filter (-1: bias)
        filters = weights.filters()
        for f, indices in enumerate(filters):
            self.filter_of[indices] = f
        self.num_filters = len(filters)
        self.noise[:, self.filter_of < 0] = 0.0                   # Li et al.: biases stay put
        self.noise_norms = np.sqrt(self.filter_dots(None, squared=True))   # (2, F)
        self.centre = self.directions = None

    def filter_dots(self, theta, squared=False):
        """(2, F): for each direction k and filter f, noise_k,f . theta_f (or |noise_k,f|^2)."""
        inside = self.filter_of >= 0
        ids = self.filter_of[inside]
        values = self.noise[:, inside] ** 2 if squared else self.noise[:, inside] * theta[inside]
        return np.stack([np.bincount(ids, weights=row, minlength=self.num_filters) for row in values])

    def centre_on(self, centre):
        """Put the plane through `centre` (n,) and scale the directions to its filters."""
        self.centre = np.asarray(centre, dtype=float)
        filter_norms = np.sqrt(np.bincount(self.filter_of[self.filter_of >= 0],
                                           weights=self.centre[self.filter_of >= 0] ** 2,
                                           minlength=self.num_filters))
        self.scales = filter_norms / np.where(self.noise_norms > 0, self.noise_norms, 1.0)   # (2, F)
        per_entry = np.where(self.filter_of >= 0, 1.0, 0.0) * self.scales[:, np.maximum(self.filter_of, 0)]
        self.directions = self.noise * per_entry                  # (2, n): d1, d2
        self.gram = self.directions @ self.directions.T           # G = D D^T, (2, 2)
        self.centre_dots = self.filter_dots(self.centre)
        return self

    def point(self, a, b):
        """The weights (n,) at plane coordinates (a, b)."""
        return self.centre + a * self.directions[0] + b * self.directions[1]

    def coordinates(self, dots):
        """(T, 2) plane coordinates of the steps whose filter_dots are `dots` (T, 2, F)."""
        dots = np.asarray(dots)
        along = np.einsum("kf,tkf->tk", self.scales, dots - self.centre_dots)   # D (theta_t - c)
        return np.linalg.solve(self.gram, along.T).T


class TrainingRun:
    """What one run recorded: filter dots (T, 2, F), full-data losses (T,), epochs (T,) at
    each recorded step, the final weights, and a label ('SGD (batch size 1)', ...)."""

    def __init__(self, label, batch_size, lr, examples=None):
        self.label, self.batch_size, self.lr = label, batch_size, lr
        self.examples = examples                  # how many it trained on (a full batch: all)
        self.dots, self.losses, self.epochs, self.diverged = [], [], [], False
        self.steps = 0                            # optimizer steps taken
        self.start = self.final = None            # (n,) weights before and after

    def __repr__(self):
        return f"TrainingRun({self.label}: {len(self.losses)} points, loss {self.losses[0]:.4g} -> {self.losses[-1]:.4g})"


def train_run(model, plane, loss_fn, X, y, batch_size, lr, epochs, seed=0, max_points=80, blowup=1e4,
              evaluation=None):
    """Train `model` from its current weights with optim.SGD at `batch_size` (None: all),
    recording every k-th step (at most `max_points`) on `plane`; the model ends trained.
    The recorded loss is on `evaluation` ((X, y) subset; default all of X, y)."""
    evaluation = evaluation or (X, y)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=True, seed=seed)
    total = epochs * loader.iterations_per_epoch
    every = max(1, -(-total // max_points))
    kind = "full batch" if loader.batch_size >= len(X) else "SGD" if loader.batch_size == 1 else "mini-batch"
    run = TrainingRun(f"{kind} (batch size {loader.batch_size}), lr={lr:g}", loader.batch_size, lr, len(X))
    weights = plane.weights
    run.start = weights.get()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    _record(run, plane, weights, loss_fn, *evaluation, 0.0)
    step = 0
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            for Xb, yb in loader:
                optimizer.zero_grad()
                loss_fn(forward(model, Xb), yb).backward()
                optimizer.step()
                step += 1
                if step % every == 0 or step == total:
                    _record(run, plane, weights, loss_fn, *evaluation, step / loader.iterations_per_epoch)
                    if not np.isfinite(run.losses[-1]) or run.losses[-1] > blowup * run.losses[0]:
                        run.diverged = True
                        break
            if run.diverged:
                break
    run.steps, run.final = step, weights.get()
    return run


def _record(run, plane, weights, loss_fn, X, y, epoch):
    run.dots.append(plane.filter_dots(weights.get()))
    run.losses.append(loss_at(weights.model, loss_fn, X, y))
    run.epochs.append(epoch)
