"""The playground: TensorFlow Playground on microdl's own engines, in a matplotlib window.

    pg = viz.playground("moons", layers=(8, 8), seed=0)   # a Scene with controls
    pg.train(300)                                         # code drives it like the buttons do
    pg.accuracy()                                         # {'train': 0.99, 'test': 0.98}
    pg.show()                                             # the window: play, pause, step, reset
    pg                                                    # in Jupyter: the same controls as widgets
    python -m microdl playground --dataset moons --layers 8,8 --steps 300 --save pg.png

Data: moons, circles, xor, spiral, gaussian blobs, or your own CSV of x1,x2,label.
Changing the data or the network (dataset, noise, split, layers, width, activation,
engine) starts again from the seed; the learning rate, batch size, optimizer and L2
apply from the next step. The picture: every neuron's output as a heatmap laid out as
the network (neurons.py), the decision boundary with train and test points, and the
loss curves.

The playground is a Scene that runs (`endless`): the window (canvas.SceneWindow, with the
controls in a column on the left), the Jupyter widgets and saving all come from canvas.
Playing calls tick() (`steps_per_frame` steps), step calls next() (one step), reset is
an action; keys: space plays / pauses, the right arrow steps, r resets.
"""
import numpy as np

from ... import nn, optim
from ...nn.losses import cross_entropy
from ...data import blobs, circles, load_points_csv, moons, spirals, train_test_split, xor
from ...rng import generator
from ...inference import forward, predict
from .. import style
from ..canvas import Control, Scene
from .playground_view import draw_playground

__all__ = ["Playground", "playground", "DATASETS", "make_dataset"]

DATASETS = ("moons", "circles", "xor", "spiral", "blobs")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
OPTIMIZERS = ("sgd", "momentum", "adam")
RECORD_EVERY = 10          # steps between points on the loss curves
REBUILD = {"dataset", "noise", "split", "hidden_layers", "width", "activation", "engine", "points"}
_TENSOR_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU}


def make_dataset(name, points=400, noise=0.15, seed=0, csv=None):
    """(X, y, class names) of a playground data set; noise on the scale of the data (0..0.5)."""
    if name == "csv":
        X, y, classes = load_points_csv(csv)
        return X, y, [str(c) for c in classes]
    makers = {"moons": lambda: moons(points, noise=noise, seed=seed),
              "circles": lambda: circles(points, noise=noise / 2, seed=seed),
              "xor": lambda: xor(points, noise=noise, seed=seed),
              "spiral": lambda: spirals(points, classes=2, noise=noise, seed=seed),
              "blobs": lambda: blobs(points, centers=3, spread=0.3 + 2 * noise, seed=seed)}
    if name not in makers:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)} or give csv=")
    X, y = makers[name]()
    return X, y, [str(k) for k in range(int(y.max()) + 1)]


def build_model(engine, sizes, activation, seed):
    """sizes: [inputs, hidden..., classes]. A scalar MLP of Values or a tensor Sequential."""
    if engine == "scalar":
        return nn.MLP(sizes[0], sizes[1:], activation=activation, seed=seed)
    rng = generator(seed)
    layers = []
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b, seed=rng))
        if k < len(sizes) - 2:
            layers.append(_TENSOR_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def _optimizer(name, params, lr, l2):
    if name == "adam":
        return optim.Adam(params, lr=lr, weight_decay=l2)
    return optim.SGD(params, lr=lr, momentum=0.9 if name == "momentum" else 0.0, weight_decay=l2)


class Playground(Scene):
    """A model, its data and its optimizer, trained step by step and drawn (see the module doc)."""

    endless = True               # no frames: it trains while playing
    controls_at = "left"         # eleven controls: a column beside the picture
    key_hint = "r: reset"

    def __init__(self, dataset="moons", *, csv=None, layers=(8, 8), activation="relu", lr=0.03,
                 batch_size=16, optimizer="adam", l2=0.0, noise=0.15, split=0.5, engine="tensor",
                 points=400, seed=0, steps_per_frame=5, size=(12.8, 7.2), dpi=100):
        layers = [int(w) for w in layers]
        widths = sorted({1, 2, 3, 4, 6, 8, 12, 16} | set(layers))
        datasets = DATASETS + (("csv",) if csv else ())
        controls = [Control("dataset", datasets, "csv" if csv and dataset == "moons" else dataset),
                    Control("hidden_layers", list(range(0, 5)), len(layers), label="hidden layers"),
                    Control("width", widths, layers[0] if layers else 4, label="width"),
                    Control("activation", ACTIVATIONS, activation),
                    Control("lr", (1e-3, 1.0), lr, log=True, label="learning rate"),
                    Control("batch_size", sorted({1, 2, 4, 8, 16, 32, 64, int(batch_size)}), int(batch_size), label="batch size"),
                    Control("optimizer", OPTIMIZERS, optimizer),
                    Control("l2", sorted({0.0, 1e-4, 1e-3, 1e-2, 1e-1, float(l2)}), float(l2), label="L2"),
                    Control("noise", (0.0, 0.5), noise, step=0.05),
                    Control("split", sorted({0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, float(split)}), float(split), label="train part"),
                    Control("engine", ["tensor", "scalar"], engine)]
        super().__init__(lambda fig, **state: draw_playground(fig, self), controls, size=size, dpi=dpi,
                         prefer_widgets=True, fps=10, actions={"reset": self.reset})
        self.csv, self.points, self.seed, self.steps_per_frame = csv, points, seed, steps_per_frame
        self.layers = layers
        self.reset()

    def __repr__(self):
        scores = self.accuracy()
        return (f"Playground({self.state['dataset']}, layers={self.layers}, step {self.step_count}, "
                f"train {scores['train']:.0%}, test {scores['test']:.0%})")

    # --- controls ---------------------------------------------------------------------------------
    def set(self, **values):
        """Change controls (`pg.set(lr=0.1, activation="tanh")`); data and network changes reset."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"the playground has no control {sorted(unknown)}; its controls are "
                             f"{list(self.controls)}")
        changed = {name for name, value in values.items() if self.controls[name].value != value}
        for name, value in values.items():
            self.controls[name].value = self.controls[name].check(value)
        if changed & {"hidden_layers", "width"}:
            self.layers = [self.state["width"]] * self.state["hidden_layers"]
        if changed & REBUILD:
            self.reset(redraw=False)
        elif changed & {"optimizer", "lr", "l2"}:
            self._new_optimizer()
        self.refresh()
        return self

    def reset(self, redraw=True):
        """Start again: the data and the network's weights from the seed, step 0."""
        state = self.state
        X, y, self.class_names = make_dataset(state["dataset"], self.points, state["noise"], self.seed, self.csv)
        self.X_train, self.X_test, self.y_train, self.y_test = train_test_split(
            X, y, test_size=1 - state["split"], random_state=self.seed)
        sizes = [2] + self.layers + [max(2, len(self.class_names))]
        self.model = build_model(state["engine"], sizes, state["activation"], self.seed)
        self._new_optimizer()
        self._rng = generator(self.seed)
        self.step_count = 0
        self.curves = {"step": [], "train": [], "test": []}
        self._record()
        if redraw:
            self.refresh()
        return self

    def _new_optimizer(self):
        state = self.state
        self.optimizer = _optimizer(state["optimizer"], self.model.parameters(), state["lr"], state["l2"])

    # --- training ---------------------------------------------------------------------------------
    def train(self, steps=1, redraw=True):
        """Train `steps` mini-batch steps (what play does between frames, and step does once)."""
        n, batch = len(self.X_train), min(self.state["batch_size"], len(self.X_train))
        for k in range(1, int(steps) + 1):
            chosen = self._rng.choice(n, batch, replace=False)
            outputs = forward(self.model, self.X_train[chosen])
            loss = cross_entropy(outputs, self.y_train[chosen])
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.step_count += 1
            if k % RECORD_EVERY == 0 and k < steps:     # points on the loss curves
                self._record()
        self._record()
        if redraw:
            self.refresh()
        return self

    def _loss(self, X, y):
        scores = predict(self.model, X)
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y].mean()), float(np.mean(scores.argmax(axis=1) == y))

    def _record(self):
        self._scores = {name: self._loss(X, y) for name, X, y in
                        (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test))}
        self.curves["step"].append(self.step_count)
        for name in ("train", "test"):
            self.curves[name].append(self._scores[name][0])

    def accuracy(self):
        """{'train': fraction right, 'test': fraction right} now."""
        return {name: self._scores[name][1] for name in ("train", "test")}

    def losses(self):
        return {name: self._scores[name][0] for name in ("train", "test")}

    # --- play, step, keys: the window and the Jupyter widgets call these ---------------------------
    def next(self):
        """One training step (the step button, the right arrow)."""
        return self.train(1)

    def tick(self):
        """One beat of playing: `steps_per_frame` steps, then a redraw."""
        return self.train(self.steps_per_frame)

    def on_key(self, key):
        if key == "r":
            self.reset()

    def show(self, block=True):
        """The window (controls in the house style), or the widgets in Jupyter."""
        from ..canvas import SceneWindow, in_notebook
        if in_notebook():
            return super().show(block=block)
        with style.context():
            window = SceneWindow(self)
        return window.show(block=block)


def playground(dataset="moons", **settings):
    """A Playground (see the module docstring); `.show()` opens its window."""
    return Playground(dataset, **settings)
