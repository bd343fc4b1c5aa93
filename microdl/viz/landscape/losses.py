"""Losses of two parameters: the landscapes that the landscape family draws and descends.

    bowl = quadratic_bowl()                              # elongated: plain GD zig-zags
    float(bowl(np.array(2.0), np.array(1.0)))            # on NumPy grids, for contours
    bowl.on_parameters(Tensor([2.0, 1.0], requires_grad=True)).backward()   # a microdl graph

What is here
  * `Loss2D`: a loss of two parameters that evaluates on NumPy grids (for contours) AND
    builds a microdl graph on a Tensor of shape (2,) or on two Values (for gradients).
  * The named losses: `quadratic_bowl()`, `rosenbrock()`, `saddle()` and `linear_regression_loss(x, y)`,
    each with a window to draw, a start, and teaching settings per optimizer.
  * `regression_data(x, y)`: the checks and conversions every line-fitting picture shares.
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ...tensor import Tensor
from ...value import Value

__all__ = ["Loss2D", "quadratic_bowl", "rosenbrock", "saddle", "linear_regression_loss", "regression_data"]


@dataclass(frozen=True, eq=False)
class Loss2D:
    """A loss L(p1, p2) of two parameters, to look at and to descend.

    expression(p1, p2)  the loss, written once with + - * ** so that the same line works
                        on NumPy grids, on two Values and on two 0-d Tensors
    minimum             the exact minimiser (p1, p2); `minimum_loss` is L there
    view                ((p1_low, p1_high), (p2_low, p2_high)): the window to draw
    start, steps        a start point and a number of steps that tell the loss's story
    settings            teaching defaults per optimizer name, {"momentum": {"lr": 0.1,
                        "momentum": 0.5}, ...}, used when descent_path gets no lr
    learning_rate_examples  (too small, about right, too large) for plain gradient descent
    grid_expression     optional faster NumPy form of the same loss (for data losses)
    grid_resolution     points per side of the contour grid (lower for costly losses)

    >>> bowl = quadratic_bowl()
    >>> float(bowl(np.array(2.0), np.array(1.0)))   # on NumPy: (2^2 + 10 * 1^2) / 2
    7.0
    >>> L = bowl.on_parameters(Tensor([2.0, 1.0], requires_grad=True))  # a microdl graph
    """
    name: str
    formula: str
    expression: Callable
    minimum: tuple
    view: tuple
    start: tuple
    parameter_names: tuple = ("$w_1$", "$w_2$")
    steps: int = 40
    settings: dict = field(default_factory=dict)
    learning_rate_examples: tuple = ()
    grid_expression: Callable | None = None
    grid_resolution: int = 201

    def __call__(self, p1, p2):
        """The loss on NumPy arrays of any (equal or broadcastable) shape, as floats."""
        f = self.grid_expression or self.expression
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(f(np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)), dtype=float)

    @property
    def minimum_loss(self):
        return float(self(*self.minimum))

    def on_parameters(self, params):
        """The loss as a microdl graph, so that `.backward()` gives its gradient.

        params: a Tensor of shape (2,)  -> a 0-d Tensor
                two Values [p1, p2]     -> a Value
        """
        if isinstance(params, Tensor):
            if params.shape != (2,):
                raise ValueError(f"{self.name}: expected a Tensor of shape (2,) holding (p1, p2), "
                                 f"got shape {params.shape}")
            return self.expression(params[0], params[1])
        params = list(params)
        if len(params) != 2 or not all(isinstance(p, Value) for p in params):
            raise TypeError(f"{self.name}: expected a Tensor of shape (2,) or two Values, "
                            f"got {[type(p).__name__ for p in params]}")
        return self.expression(*params)

    def __repr__(self):
        return f"Loss2D({self.name!r}, minimum={tuple(round(float(m), 4) for m in self.minimum)})"


def quadratic_bowl(elongation=10.0):
    """L = (w1^2 + elongation * w2^2) / 2: a valley `elongation` times steeper across than along.

    Its curvatures are 1 and `elongation`, so plain gradient descent is stable only for
    lr < 2 / elongation, and near that limit it zig-zags across the valley while it
    crawls along it. The axes are the valley's axes on purpose: Adam and RMSprop scale
    each coordinate separately, which is exactly what this valley rewards.
    """
    if not elongation >= 1:
        raise ValueError(f"quadratic_bowl: elongation is how much steeper w2 is than w1, "
                         f"a number >= 1; got {elongation!r}")
    k = float(elongation)
    return Loss2D(
        name="Elongated quadratic bowl",
        formula=rf"$L = \frac{{1}}{{2}}\,(w_1^2 + {k:g}\,w_2^2)$",
        expression=lambda w1, w2: (w1 ** 2 + k * w2 ** 2) * 0.5,
        minimum=(0.0, 0.0), view=((-5.0, 5.0), (-3.0, 3.0)), start=(-4.5, 2.0),
        settings=_settings(gd=1.7 / k, momentum=1.0 / k, beta=0.5, adam=0.3, rmsprop=0.2, adagrad=1.5),
        learning_rate_examples=(0.2 / k, 1.7 / k, 2.5 / k))


def _settings(gd, momentum, beta, adam, rmsprop, adagrad):
    """Teaching defaults per optimizer name (see Loss2D.settings)."""
    return {"sgd": {"lr": gd}, "gd": {"lr": gd}, "momentum": {"lr": momentum, "momentum": beta},
            "nesterov": {"lr": momentum, "momentum": beta, "nesterov": True},
            "adam": {"lr": adam}, "rmsprop": {"lr": rmsprop}, "adagrad": {"lr": adagrad}}


def rosenbrock(a=1.0, b=100.0):
    """L = (a - w1)^2 + b (w2 - w1^2)^2: a curved, nearly flat valley; minimum at (a, a^2).

    Finding the valley is easy, following it to the minimum is slow: the classic test
    of optimizers. Its values span many orders of magnitude (log contour levels).
    """
    a, b = float(a), float(b)
    return Loss2D(
        name="Rosenbrock's banana valley",
        formula=rf"$L = ({a:g} - w_1)^2 + {b:g}\,(w_2 - w_1^2)^2$",
        expression=lambda w1, w2: (a - w1) ** 2 + b * (w2 - w1 ** 2) ** 2,
        minimum=(a, a * a), view=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0), steps=500,
        settings=_settings(gd=0.2 / b, momentum=0.1 / b, beta=0.9, adam=0.1, rmsprop=0.02, adagrad=0.5),
        learning_rate_examples=(0.05 / b, 0.2 / b, 0.8 / b))


def saddle():
    """L = w1^2 / 2 - w2^2 / 2 + w2^4 / 4: a saddle at (0, 0) between two valleys at w2 = +-1.

    Along w1 the saddle point is a minimum, along w2 a maximum. A start almost on the
    ridge (w2 = 0.01) slides towards the saddle and lingers there, where the gradient
    nearly vanishes, before it falls into a valley: a plateau in the loss curve.
    """
    return Loss2D(
        name="A saddle between two valleys",
        formula=r"$L = \frac{1}{2} w_1^2 - \frac{1}{2} w_2^2 + \frac{1}{4} w_2^4$",
        expression=lambda w1, w2: w1 ** 2 * 0.5 - w2 ** 2 * 0.5 + w2 ** 4 * 0.25,
        minimum=(0.0, 1.0), view=((-3.0, 3.0), (-2.0, 2.0)), start=(-2.5, 0.01), steps=60,
        settings=_settings(gd=0.3, momentum=0.15, beta=0.8, adam=0.2, rmsprop=0.1, adagrad=1.0),
        learning_rate_examples=(0.03, 0.3, 1.5))


def linear_regression_loss(x, y, start=(0.0, 0.0)):
    """The mean squared error of the line y = w x + b on data, as a function of (w, b).

    L(w, b) = mean((w x_i + b - y_i)^2). Its minimum is the least-squares line (the
    normal equations, exact); on parameters it is the real loss over every example, so
    its gradient comes from microdl's autodiff. x: (n,) or (n, 1); y: (n,).

    >>> from microdl.data import house_prices
    >>> X, y = house_prices(50, seed=0)
    >>> loss = linear_regression_loss(X, y)            # minimum near slope 3, intercept 1
    """
    x, y = regression_data(x, y)
    n = len(x)
    moments = np.array([np.mean(x * x), np.mean(x), np.mean(x * y), np.mean(y), np.mean(y * y)])
    minimum = _least_squares(x, y)
    x_tensor, y_tensor = Tensor(x), Tensor(y)

    def mse(w, b):
        if isinstance(w, Value):  # one node per example: the loss a scalar MLP would build
            return Value.sum([(w * xi + b - yi) ** 2 for xi, yi in zip(x.tolist(), y.tolist())]) * (1.0 / n)
        return ((w * x_tensor + b - y_tensor) ** 2).mean()

    def mse_on_grid(w, b):
        # the same mean expanded in the data's moments: exact, and cheap on a 200 x 200 grid
        xx, x1, xy, y1, yy = moments
        return w * w * xx + 2 * w * b * x1 + b * b - 2 * w * xy - 2 * b * y1 + yy

    curvature = np.linalg.eigvalsh(2 * np.array([[moments[0], moments[1]], [moments[1], 1.0]]))
    steepest = float(curvature[-1])
    start = tuple(float(s) for s in start)
    # a square window around the start and the minimum, with a margin
    centre = (np.array(start) + minimum) / 2
    reach = 0.8 * max(abs(start[0] - minimum[0]), abs(start[1] - minimum[1]), 0.5)
    return Loss2D(
        name=f"Mean squared error of y = w x + b on {n} examples",
        formula=r"$L(w, b) = \frac{1}{n}\sum_i (w\,x_i + b - y_i)^2$",
        expression=mse, grid_expression=mse_on_grid,
        minimum=tuple(minimum), start=start,
        view=((centre[0] - reach, centre[0] + reach), (centre[1] - reach, centre[1] + reach)),
        parameter_names=("w (slope)", "b (intercept)"),
        # GD is stable for lr < 2 / (largest curvature): the defaults are set from it
        settings=_settings(gd=1.0 / steepest, momentum=0.9 / steepest, beta=0.5, adam=0.3,
                           rmsprop=0.1, adagrad=1.0),
        learning_rate_examples=(0.1 / steepest, 1.0 / steepest, 2.5 / steepest))


def regression_data(x, y):
    """x and y of a line fit as float64 vectors of the same length, checked.

    x: (n,) or (n, 1), y: (n,), n >= 2, and not all x equal (else the slope is not
    determined). Returns copies: the caller's arrays stay put. Raises ValueError saying
    what was wrong.
    """
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y) or len(x) < 2:
        raise ValueError(f"linear regression needs x of shape (n,) or (n, 1) and y of shape (n,), "
                         f"n >= 2; got x {np.shape(x)} and y {np.shape(y)}")
    if np.ptp(x) == 0:
        raise ValueError("linear regression: all x are equal, so the slope is not determined; "
                         "use data with at least two different x")
    return x, y


def _least_squares(x, y):
    """(w, b) of the least-squares line: the normal equations, solved exactly."""
    design = np.stack([x, np.ones_like(x)], axis=1)   # (n, 2)
    return np.linalg.solve(design.T @ design, design.T @ y)
