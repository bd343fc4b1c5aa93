"""Loss landscapes of two parameters, and the paths gradient descent takes across them.

    from microdl.viz import landscape
    bowl = landscape.quadratic_bowl()                    # elongated: plain GD zig-zags
    path = landscape.descent_path(bowl, optimizer="sgd", lr=0.17, steps=30)
    landscape.plot_landscape(bowl, [path]).savefig("bowl.png")

What is here
  * `Loss2D`: a loss of two parameters that evaluates on NumPy grids (for contours) AND
    builds a microdl graph on a Tensor of shape (2,) or on two Values (for gradients);
    made by `quadratic_bowl()`, `rosenbrock()` and `linear_regression_loss(x, y)`.
  * `descent_path(...)`: runs a real `microdl.optim` optimizer, records every point and
    loss, and stops with `diverged=True` when the loss explodes (nothing is clipped).
  * Pictures: `plot_landscape` (contours + paths), `compare_optimizers`,
    `compare_learning_rates` (small multiples), `plot_surface` (3-D), `animate_descent`.

Every path is one colour of style.CYCLE, a marker per step; the start is style.START_MARKER,
the exact minimum style.MINIMUM_MARKER, the place a path blew up style.DIVERGED_MARKER.
"""
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import optim
from ..tensor import Tensor
from ..value import Value
from . import style

# --- losses of two parameters -----------------------------------------------------------


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


def linear_regression_loss(x, y, start=(0.0, 0.0)):
    """The mean squared error of the line y = w x + b on data, as a function of (w, b).

    L(w, b) = mean((w x_i + b - y_i)^2). Its minimum is the least-squares line (the
    normal equations, exact); on parameters it is the real loss over every example, so
    its gradient comes from microdl's autodiff. x: (n,) or (n, 1); y: (n,).

    >>> from microdl.data import house_prices
    >>> X, y = house_prices(50, seed=0)
    >>> loss = linear_regression_loss(X, y)            # minimum near slope 3, intercept 1
    """
    x, y = _regression_data(x, y)
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


def _regression_data(x, y):
    """x and y as float64 vectors of the same length (copies: the caller's arrays stay put)."""
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


# --- running an optimizer --------------------------------------------------------------

#: optimizer names -> (class, default options)
OPTIMIZERS = {
    "sgd": (optim.SGD, {}),
    "gd": (optim.SGD, {}),
    "momentum": (optim.SGD, {"momentum": 0.9}),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adam": (optim.Adam, {}),
    "rmsprop": (optim.RMSprop, {}),
    "adagrad": (optim.Adagrad, {}),
}
_DISPLAY_NAMES = {"sgd": "gradient descent", "gd": "gradient descent", "adam": "Adam",
                  "rmsprop": "RMSprop", "adagrad": "Adagrad"}


@dataclass(frozen=True, eq=False)
class DescentPath:
    """Where an optimizer went: points (k+1, 2), with losses (k+1,) at those points.

    points[0] is the start and points[i] the parameters after the i-th optimizer.step();
    k = steps, or fewer when `diverged` (the path stops at the first exploding point).
    The arrays are read-only.
    """
    points: np.ndarray
    losses: np.ndarray
    diverged: bool
    label: str
    optimizer: str
    lr: float

    @property
    def steps(self):
        return len(self.points) - 1

    def __repr__(self):
        end = f"diverged at step {self.steps}" if self.diverged else f"{self.steps} steps"
        return (f"DescentPath({self.label}: {end}, "
                f"loss {self.losses[0]:.4g} -> {self.losses[-1]:.4g})")


def descent_path(loss, start=None, optimizer="sgd", lr=None, steps=None, engine="tensor",
                 blowup=1e4, **optimizer_options):
    """Run a microdl optimizer on `loss` from `start`, recording every step.

    optimizer: "sgd" (plain gradient descent), "momentum", "nesterov", "adam", "rmsprop",
               "adagrad", an Optimizer class, or a factory `f(params, lr=lr, **options)`.
    lr:        default: the loss's teaching settings for this optimizer name (its lr and
               options, e.g. the momentum), overridden by **optimizer_options. With an
               explicit lr only OPTIMIZERS' defaults and your options apply.
    steps:     default loss.steps.
    engine:    "tensor" (one Tensor of shape (2,)) or "value" (two Values): the same path.
    The path stops early with diverged=True as soon as a coordinate or the loss is not
    finite, or the loss exceeds `blowup` times its starting value.
    Returns a DescentPath: points (k+1, 2), losses (k+1,).
    """
    start = _as_point(loss.start if start is None else start, "start")
    key = optimizer.lower() if isinstance(optimizer, str) else None
    if lr is None:
        if key not in loss.settings:
            raise ValueError(f"descent_path: no default learning rate for {optimizer!r} on "
                             f"{loss.name!r}; pass lr=")
        settings = {**loss.settings[key], **optimizer_options}
        lr = settings.pop("lr")
        optimizer_options = settings
    steps = loss.steps if steps is None else steps
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError(f"descent_path: steps must be a whole number >= 0, got {steps!r}")
    params, read = _parameters(start, engine)
    opt, label = _make_optimizer(optimizer, params, lr, optimizer_options)
    points, losses, diverged = [read()], [], False
    with np.errstate(all="ignore"):
        for step in range(steps + 1):
            opt.zero_grad()
            value = loss.on_parameters(params)
            losses.append(float(np.asarray(value.data)))
            if step > 0 and _exploded(points[-1], losses[-1], losses[0], blowup):
                diverged = True
                break
            if step == steps:
                break
            value.backward()
            opt.step()
            points.append(read())
    return DescentPath(points=_read_only(np.array(points)), losses=_read_only(np.array(losses)),
                       diverged=diverged, label=label + (" (diverged)" if diverged else ""),
                       optimizer=str(optimizer if key is None else key), lr=float(lr))


def _as_point(point, what):
    point = np.array(point, dtype=float).reshape(-1)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"{what} must be two finite numbers (p1, p2), got {point!r}")
    return point


def _parameters(start, engine):
    """The trainable parameters at `start`, and a function reading them as a (2,) array."""
    if engine == "tensor":
        theta = Tensor(start.copy(), requires_grad=True, dtype=np.float64, label="theta")
        return theta, lambda: theta.data.copy()
    if engine == "value":
        pair = [Value(float(start[0]), label="p1"), Value(float(start[1]), label="p2")]
        return pair, lambda: np.array([pair[0].data, pair[1].data])
    raise ValueError(f"engine must be 'tensor' or 'value', got {engine!r}")


def _make_optimizer(optimizer, params, lr, options):
    """The optimizer over params, and a legend label such as 'momentum 0.9, lr=0.05'."""
    param_list = [params] if isinstance(params, Tensor) else params
    if isinstance(optimizer, str):
        key = optimizer.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}, "
                             f"or pass an Optimizer class or factory")
        cls, defaults = OPTIMIZERS[key]
        settings = {**defaults, **options}
        return cls(param_list, lr=lr, **settings), _label(key, settings, lr)
    if callable(optimizer):
        name = getattr(optimizer, "__name__", type(optimizer).__name__)
        return optimizer(param_list, lr=lr, **options), _label(name, options, lr)
    raise TypeError(f"optimizer must be a name, an Optimizer class or a factory, got {optimizer!r}")


def _label(name, settings, lr):
    """A short legend label: 'gradient descent, lr=0.17', 'Nesterov 0.9, lr=0.05', ..."""
    return f"{_optimizer_name(name, settings)}, lr={lr:.3g}"


def _optimizer_name(name, settings):
    """'gradient descent', 'momentum 0.9', 'Adam (betas=(0.8, 0.99))', ..."""
    settings = dict(settings)
    if name in ("momentum", "nesterov", "sgd", "gd", "SGD") and settings.get("momentum"):
        momentum = settings.pop("momentum")
        name = f"{'Nesterov' if settings.pop('nesterov', False) else 'momentum'} {momentum:g}"
    name = _DISPLAY_NAMES.get(name, name)
    extras = ", ".join(f"{k}={v}" for k, v in settings.items())
    return f"{name}{f' ({extras})' if extras else ''}"


def _exploded(point, value, first_value, blowup):
    if not (np.all(np.isfinite(point)) and math.isfinite(value)):
        return True
    return abs(value) > blowup * max(abs(first_value), 1e-12)


def _read_only(array):
    array.setflags(write=False)
    return array


def _as_paths(paths):
    """None, one path, or several paths -> a list of paths."""
    if paths is None:
        return []
    if hasattr(paths, "points"):
        return [paths]
    return list(paths)


# --- the window, the grid and the contour levels --------------------------------------------

def landscape_view(loss, paths=(), growth=0.5, margin=0.06):
    """The window to draw: loss.view, widened to show where the paths went.

    Each side moves out at most `growth` times the view's width (or height), so a
    diverging path widens the picture "within reason" instead of shrinking the valley
    to a dot; a path that leaves even that window is cut where it leaves, and marked.
    Returns ((p1_low, p1_high), (p2_low, p2_high)).
    """
    (x0, x1), (y0, y1) = loss.view
    finite = [p.points[np.all(np.isfinite(p.points), axis=1)] for p in _as_paths(paths)]
    finite = np.concatenate(finite) if finite else np.empty((0, 2))
    if len(finite) == 0:
        return (x0, x1), (y0, y1)
    window = []
    for (low, high), values in (((x0, x1), finite[:, 0]), ((y0, y1), finite[:, 1])):
        width = high - low
        wanted_low, wanted_high = values.min() - margin * width, values.max() + margin * width
        window.append((max(min(low, wanted_low), low - growth * width),
                       min(max(high, wanted_high), high + growth * width)))
    return tuple(window)


def loss_grid(loss, view, resolution=201):
    """P1, P2 (resolution, resolution) coordinates over the view and the loss L on them."""
    (x0, x1), (y0, y1) = view
    P1, P2 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return P1, P2, loss(P1, P2)


@dataclass(frozen=True)
class ContourLevels:
    """Levels of the coloured quantity `loss - offset`, and what the colour bar says.

    Even levels colour the loss itself (offset 0). Log levels colour the loss above
    its minimum (offset = the minimum loss), so every factor of 10 closer to the
    minimum gets new colours, down to the bottom of the valley.
    """
    values: np.ndarray
    offset: float
    is_log: bool
    label: str


def contour_levels(loss, values, levels=16, log_levels="auto"):
    """Round contour levels for `values` of `loss` (e.g. on a grid): even, or log-spaced.

    "auto" chooses log spacing when the loss spans orders of magnitude: when a quarter
    of the window lies below 1/20 of the highest value (above the minimum), even steps
    would paint the whole valley in one colour. `levels`: how many (about), or the
    levels themselves (of the loss; with log_levels=True, of the loss above its minimum).
    """
    finite = values[np.isfinite(values)]
    floor = min(float(finite.min()), loss.minimum_loss)
    gap = finite - floor
    high = float(gap.max())
    if log_levels == "auto":
        log_levels = bool(high > 0 and np.percentile(gap, 25) < high / 20)
    offset = floor if log_levels else 0.0
    if np.ndim(levels) == 1:
        chosen = np.unique(np.asarray(levels, dtype=float))
    elif log_levels:
        smallest = max(float(np.percentile(gap, 0.5)), high * 1e-7)
        chosen = np.concatenate([[0.0], _round_log_levels(smallest, high, int(levels))])
    else:
        from matplotlib.ticker import MaxNLocator
        locator = MaxNLocator(nbins=int(levels), steps=[1, 2, 2.5, 5, 10])
        chosen = locator.tick_values(floor, floor + max(high, 1e-12))
    name = "loss" if floor == 0 or not log_levels else r"loss above the minimum, $L - L_{min}$"
    return ContourLevels(chosen, offset, bool(log_levels), name + (" (log scale)" if log_levels else ""))


def _round_log_levels(low, high, count):
    """About `count` round numbers (1, 2, 5 x 10^k, ...) from below `low` to above `high`."""
    decades = max(math.log10(high / low), 1e-9)
    for mantissas in ([1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1, 3], [1], [1]):
        if len(mantissas) * decades <= count * 1.3:
            break
    every = max(1, math.ceil(decades / count))   # very many decades: every n-th power only
    powers = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1, every)
    candidates = np.array([m * 10.0 ** k for k in powers for m in mantissas])
    below = candidates[candidates <= low].max(initial=candidates.min())
    above = candidates[candidates >= high].min(initial=candidates.max())
    return candidates[(candidates >= below) & (candidates <= above)]


def _colorbar_ticks(levels, most=8):
    """At most `most` ticks: on log levels the powers of ten (and 0), else every k-th level."""
    values = levels.values
    if levels.is_log:
        positive = np.where(values > 0, values, 1.0)
        powers = values[(values > 0) & np.isclose(10 ** np.round(np.log10(positive)), values)]
        if 3 <= len(powers) <= most:
            ticks = np.concatenate([[0.0], powers]) if values[0] == 0 else powers
            return np.union1d(ticks, values[-1:])       # and the top level, to read the range
    step = max(1, math.ceil(len(values) / most))
    return values[::step]


def _format_level(value, _position=None):
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.0e}"


# --- drawing ---------------------------------------------------------------------------

def _halo(width):
    """A white outline, so a coloured line stays visible over any contour colour."""
    from matplotlib import patheffects
    return [patheffects.Stroke(linewidth=width + 2.5, foreground="white", alpha=0.85),
            patheffects.Normal()]


def _draw_contours(ax, loss, view, levels, log_levels, level_view=None, resolution=201):
    """Filled contours + thin lines; returns (the filled ContourSet, ContourLevels).

    The levels come from `level_view` (default loss.view), so a window widened for a
    diverging path keeps the colours of the valley; what lies above is the top colour.
    """
    from matplotlib.colors import BoundaryNorm
    P1, P2, L = loss_grid(loss, view, resolution)
    reference = L if level_view is None and view == loss.view else \
        loss_grid(loss, level_view or loss.view, 101)[2]
    chosen = contour_levels(loss, reference, levels, log_levels)
    shown = L - chosen.offset
    values = chosen.values
    above = bool(np.nanmax(shown) > values[-1])
    filled = ax.contourf(P1, P2, shown, levels=values, cmap=style.SEQUENTIAL,
                         norm=BoundaryNorm(values, ncolors=256, extend="max" if above else "neither"),
                         extend="max" if above else "neither", zorder=0)
    ax.contour(P1, P2, shown, levels=values, colors="white", linewidths=0.6, alpha=0.4, zorder=1)
    if above:  # keep drawing the contours, as lines, where the loss is off the colour scale
        ax.contour(P1, P2, shown, levels=_levels_beyond(chosen, float(np.nanmax(shown))),
                   colors=style.GREY, linewidths=0.8, alpha=0.8, zorder=1)
    return filled, chosen


def _levels_beyond(levels, highest, most=12):
    """Levels that continue `levels` above its top, up to `highest` (at most `most` of them)."""
    values = levels.values
    if levels.is_log:
        beyond = _round_log_levels(values[-1], highest, most)
    else:
        step = values[-1] - values[-2]
        step *= max(1, math.ceil((highest - values[-1]) / step / most))
        beyond = values[-1] + step * np.arange(1, most + 1)
    return beyond[(beyond > values[-1]) & (beyond <= highest)]


def _add_colorbar(figure, filled, levels, ax):
    """A colour bar beside one Axes (exactly its height), or beside a list of Axes."""
    from matplotlib.ticker import FuncFormatter
    options = dict(ticks=_colorbar_ticks(levels), format=FuncFormatter(_format_level))
    if isinstance(ax, (list, tuple)):
        bar = figure.colorbar(filled, ax=ax, shrink=0.8, **options)
    else:
        bar = figure.colorbar(filled, cax=ax.inset_axes([1.04, 0.0, 0.045, 1.0]), **options)
    bar.set_label(levels.label)
    bar.ax.minorticks_off()
    return bar


def _marker_size(steps):
    return 6 if steps <= 40 else 4 if steps <= 150 else 2.5


def _draw_path(ax, path, color, view, show_start=True):
    """A path: a line with a marker per step, its start, and where it diverged or left.

    A path that leaves the window is drawn up to the border, where a cross marks it.
    """
    points = np.asarray(path.points)
    points = points[np.all(np.isfinite(points), axis=1)]
    exit_point = _exit_point(points, view)
    if exit_point is not None:
        points = np.concatenate([points[:_first_outside(points, view)], exit_point[None]])
    steps = len(path.points) - 1
    width = 2.2 if steps <= 150 else 1.4
    line, = ax.plot(points[:, 0], points[:, 1], "-o", color=color, lw=width,
                    markersize=_marker_size(steps), markeredgecolor="white",
                    markeredgewidth=0.6 if steps <= 150 else 0, label=path.label, zorder=4,
                    alpha=1.0 if steps <= 150 else 0.8, path_effects=_halo(width if steps <= 150 else 0.5))
    if exit_point is not None:
        line.set_markevery(list(range(len(points) - 1)))  # no step marker on the border
    if show_start:
        ax.plot(*points[0], linestyle="none", color=color, zorder=6, **style.START_MARKER)
    if path.diverged or exit_point is not None:
        ax.plot(*points[-1], linestyle="none", zorder=7, clip_on=False, **style.DIVERGED_MARKER)
    else:
        ax.plot(*points[-1], linestyle="none", zorder=6, color=color, **_END_MARKER)
    if exit_point is not None:
        ax.annotate("left the plot", points[-1], xytext=_away_from_border(points[-1], view),
                    textcoords="offset points", ha="center", va="center", fontsize=style.FONT_SIZE,
                    color=style.VERMILLION, zorder=8, path_effects=_halo(1))


#: where a path ended (after its last step), filled with the path's colour
_END_MARKER = dict(marker="s", markersize=9, markeredgecolor=style.BLACK, markeredgewidth=1.5)


def _first_outside(points, view):
    return int(np.argmin(_inside(points, view)))


def _away_from_border(point, view, distance=22):
    """An offset in points that moves a label from a border point into the plot."""
    (x0, x1), (y0, y1) = view
    dx = distance * 2.2 if np.isclose(point[0], x0) else -distance * 2.2 if np.isclose(point[0], x1) else 0
    dy = distance if np.isclose(point[1], y0) else -distance if np.isclose(point[1], y1) else 0
    return dx, dy


def _exit_point(points, view):
    """Where the path first leaves the view (on its border), or None if it never does."""
    inside = _inside(points, view)
    if inside.all() or not inside[0]:
        return None
    j = int(np.argmin(inside))           # the first point outside
    a, b = points[j - 1], points[j]
    t = 1.0                              # the smallest fraction of a -> b that reaches a border
    for axis, (low, high) in enumerate(view):
        for bound in (low, high):
            if b[axis] != a[axis]:
                s = (bound - a[axis]) / (b[axis] - a[axis])
                if 0 <= s < t:
                    t = s
    return a + t * (b - a)


def _inside(points, view):
    (x0, x1), (y0, y1) = view
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)


def _start_and_minimum_handles(paths, loss, show_minimum, shared_start, show_end=True):
    """Legend entries for the shared start, the exact minimum, the ends (drawn separately)."""
    from matplotlib.lines import Line2D
    handles = []
    if shared_start:
        (s1, s2), names = paths[0].points[0], _short_names(loss)
        handles.append(Line2D([], [], linestyle="none", color=style.BLACK,
                              label=f"start: {names[0]}={s1:.3g}, {names[1]}={s2:.3g}",
                              **style.START_MARKER))
    elif paths:
        handles.append(Line2D([], [], linestyle="none", color=style.GREY,
                              label="start, in its path's colour", **style.START_MARKER))
    if show_minimum:
        (m1, m2), names = loss.minimum, _short_names(loss)
        handles.append(Line2D([], [], linestyle="none",
                              label=f"minimum: {names[0]}={m1:.3g}, {names[1]}={m2:.3g}",
                              **style.MINIMUM_MARKER))
    if show_end and any(not p.diverged for p in paths):
        handles.append(Line2D([], [], linestyle="none", color=style.GREY,
                              label="end, after the last step", **_END_MARKER))
    if any(p.diverged for p in paths):
        handles.append(Line2D([], [], linestyle="none", label="diverged here", **style.DIVERGED_MARKER))
    return handles


def _short_names(loss):
    return [name.split(" (")[0] for name in loss.parameter_names]


def _shares_start(paths):
    return len(paths) > 0 and all(np.array_equal(p.points[0], paths[0].points[0]) for p in paths)


def _equal_aspect_if_sensible(ax, view):
    """Equal units on both axes, so gradients look perpendicular to the contours."""
    (x0, x1), (y0, y1) = view
    if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3:
        ax.set_aspect("equal", adjustable="box")


def _figure_size(view, long_side=6.0, extra_width=2.2, extra_height=2.6):
    """A figure size whose axes have about the view's aspect (little white space)."""
    (x0, x1), (y0, y1) = view
    aspect = min(max((x1 - x0) / (y1 - y0), 1 / 3), 3)
    width, height = (long_side, long_side / aspect) if aspect >= 1 else (long_side * aspect, long_side)
    return max(width, 4.5) + extra_width, height + extra_height


def _draw_landscape(ax, loss, paths, view, levels, log_levels, show_minimum, colors=None):
    """Contours, minimum and paths on one Axes. Returns (filled contours, ContourLevels)."""
    filled, chosen = _draw_contours(ax, loss, view, levels, log_levels)
    shared = _shares_start(paths)
    colors = colors or [style.CYCLE[i % len(style.CYCLE)] for i in range(len(paths))]
    for path, color in zip(paths, colors):
        _draw_path(ax, path, color, view, show_start=not shared)
    if shared:
        ax.plot(*paths[0].points[0], linestyle="none", color=style.BLACK, zorder=6,
                **style.START_MARKER)
    if show_minimum:
        ax.plot(*loss.minimum, linestyle="none", zorder=6, **style.MINIMUM_MARKER)
    (x0, x1), (y0, y1) = view
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(loss.parameter_names[0])
    ax.set_ylabel(loss.parameter_names[1])
    ax.locator_params(nbins=6)
    _equal_aspect_if_sensible(ax, view)
    return filled, chosen


@style.styled
def plot_landscape(loss, paths=None, ax=None, levels=16, log_levels="auto", show_minimum=True,
                   surface3d=False, view=None, colorbar=True, legend=True, title=None):
    """Contours of `loss` with descent paths on top.

    paths:      a DescentPath, a list of them (or anything with .points, .label, .diverged)
    levels:     how many contour levels, or the levels themselves
    log_levels: True, False or "auto" (log-spaced when the loss spans orders of magnitude)
    view:       ((p1_low, p1_high), (p2_low, p2_high)); default loss.view widened to
                show the paths (see landscape_view)
    surface3d:  draw a 3-D surface instead (see plot_surface)
    Returns the Figure, or `ax` when one is given.
    """
    paths = _as_paths(paths)
    if surface3d:
        return plot_surface(loss, paths, ax=ax, view=view, log_levels=log_levels)
    view = view or landscape_view(loss, paths)
    figure, axes = (ax.figure, ax) if ax is not None else style.new_figure(
        *(1, 1), *_figure_size(view), layout="constrained")
    filled, chosen = _draw_landscape(axes, loss, paths, view, levels, log_levels, show_minimum)
    if colorbar:
        _add_colorbar(figure, filled, chosen, axes)
    if legend:
        handles = axes.get_legend_handles_labels()[0]
        handles += _start_and_minimum_handles(paths, loss, show_minimum, _shares_start(paths))
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                    ncol=1 if len(handles) > 4 else 2, frameon=False)
    axes.set_title(title if title is not None else f"{loss.name}\n{loss.formula}")
    return style.projector_text(axes) if ax is not None else style.projector_text(figure)


def _plot_loss_curves(ax, loss, paths, colors, decades_up=5, decades_down=12):
    """Loss above the minimum against the step, log scale: straight lines = steady rates.

    The axis shows at most `decades_up` decades above the highest start (a diverged
    run leaves through the top, where its cross is drawn) and `decades_down` below.
    """
    gaps = []
    for path in paths:
        gap = np.asarray(path.losses) - loss.minimum_loss
        gaps.append(np.where(np.isfinite(gap) & (gap > 0), gap, np.nan))  # 0 is off a log scale
    start = np.nanmax([gap[0] for gap in gaps])
    top, bottom = start * 10.0 ** decades_up, start * 10.0 ** -decades_down
    for path, gap, color in zip(paths, gaps, colors):
        steps = np.arange(len(gap))
        ax.plot(steps, gap, "-o", color=color, lw=2, markersize=_marker_size(len(gap)) - 1.5,
                label=path.label)
        if path.diverged:
            end = gap[-1] if np.isfinite(gap[-1]) and gap[-1] <= top else top
            ax.plot(steps[-1], end, linestyle="none", zorder=5, clip_on=False, **style.DIVERGED_MARKER)
    ax.set_yscale("log")
    everything = np.concatenate(gaps)
    if np.any(everything > top) or any(p.diverged and not np.isfinite(g[-1]) for p, g in zip(paths, gaps)):
        ax.set_ylim(top=top)
    if np.nanmin(everything) < bottom:  # a run that reached the float's resolution
        ax.set_ylim(bottom=bottom)
    ax.set_xlabel("step")
    ax.set_ylabel(r"loss above the minimum, $L - L_{min}$")
    ax.set_title("Loss at every step (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)


@style.styled
def compare_optimizers(loss, start=None, configs=None, steps=None, levels=16, log_levels="auto"):
    """Several optimizers from one start on one landscape, with their losses per step.

    configs: a list of dicts of descent_path arguments, e.g.
             [{"optimizer": "sgd", "lr": 0.17}, {"optimizer": "adam", "lr": 0.5}];
             default: plain gradient descent, momentum, Adam and RMSprop with the
             loss's teaching settings (loss.settings).
    Returns the Figure (left: the landscape, right: loss above the minimum per step).
    """
    configs = configs or [{"optimizer": name} for name in ("sgd", "momentum", "adam", "rmsprop")]
    steps = loss.steps if steps is None else steps
    paths = [descent_path(loss, start, steps=steps, **config) for config in configs]
    colors = [style.CYCLE[i % len(style.CYCLE)] for i in range(len(paths))]
    figure = _new_mosaic([["landscape", "curves"]], width=15, height=7.2, width_ratios=[1.25, 1])
    axes = figure.axes_dict
    view = landscape_view(loss, paths)
    filled, chosen = _draw_landscape(axes["landscape"], loss, paths, view, levels, log_levels,
                                     True, colors)
    _add_colorbar(figure, filled, chosen, axes["landscape"])
    axes["landscape"].set_title(f"{loss.name}\n{loss.formula}")
    _plot_loss_curves(axes["curves"], loss, paths, colors)
    handles = axes["landscape"].get_legend_handles_labels()[0]
    handles += _start_and_minimum_handles(paths, loss, True, _shares_start(paths))
    figure.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    figure.suptitle(f"{len(paths)} optimizers, {steps} steps each, from the same start",
                    fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


def _new_mosaic(layout, width, height, **gridspec):
    import matplotlib.pyplot as plt
    with plt.rc_context(style.rc()):
        figure, axes = plt.subplot_mosaic(layout, figsize=(width, height), layout="constrained",
                                          gridspec_kw=gridspec or None)
    figure.axes_dict = axes
    return figure


def _verdict(loss, path):
    """How a run went, in a few words, from its losses alone."""
    if path.diverged:
        return f"diverged at step {path.steps}"
    first, last = path.losses[0] - loss.minimum_loss, path.losses[-1] - loss.minimum_loss
    change = f"loss {path.losses[0]:.3g} → {path.losses[-1]:.2g}"
    if last > first:
        return f"the loss grew ({change})"
    lowest_so_far = np.minimum.accumulate(path.losses - loss.minimum_loss)
    if np.any(path.losses[1:] - loss.minimum_loss > 10 * lowest_so_far[:-1]):
        return f"unstable: the loss jumps ({change})"
    return f"{'converged' if last < 1e-3 * first else 'slow'} ({change})"


@style.styled
def compare_learning_rates(loss, start=None, lrs=None, optimizer="sgd", steps=None, levels=16,
                           log_levels="auto", **optimizer_options):
    """One optimizer at several learning rates: a landscape panel each, and their losses.

    lrs: default loss.learning_rate_examples (too small, about right, too large) for
    plain gradient descent; for another optimizer its teaching lr x (0.1, 1, 10).
    The panels share one window and one colour scale, so they compare at a glance;
    each title says how the run went.
    """
    key = optimizer.lower() if isinstance(optimizer, str) else optimizer
    steps = loss.steps if steps is None else steps
    if lrs is None:
        if key in ("sgd", "gd") and loss.learning_rate_examples:
            lrs = loss.learning_rate_examples
        elif key in loss.settings:
            lrs = [loss.settings[key]["lr"] * factor for factor in (0.1, 1, 10)]
        else:
            raise ValueError(f"compare_learning_rates: no default learning rates for {optimizer!r}; "
                             f"pass lrs=[...]")
    paths = [descent_path(loss, start, optimizer, lr=lr, steps=steps, **optimizer_options) for lr in lrs]
    colors = [style.CYCLE[i % len(style.CYCLE)] for i in range(len(paths))]
    ncols = 2 if len(paths) <= 3 else 3
    names = [f"lr{i}" for i in range(len(paths))] + ["curves"]
    names += ["."] * (-len(names) % ncols)
    layout = [names[r:r + ncols] for r in range(0, len(names), ncols)]
    figure = _new_mosaic(layout, width=6.5 * ncols, height=5.6 * len(layout))
    axes = figure.axes_dict
    view = landscape_view(loss, paths)
    for i, (path, color) in enumerate(zip(paths, colors)):
        panel = axes[f"lr{i}"]
        filled, chosen = _draw_landscape(panel, loss, [path], view, levels, log_levels, True, [color])
        panel.set_title(f"lr = {path.lr:.3g}: {_verdict(loss, path)}", color=color)
    _add_colorbar(figure, filled, chosen, [axes[f"lr{i}"] for i in range(len(paths))])
    _plot_loss_curves(axes["curves"], loss, paths, colors)
    axes["curves"].legend(loc="best", frameon=True, framealpha=0.9)
    handles = _start_and_minimum_handles(paths, loss, True, True)
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    name = _optimizer_name(key if isinstance(key, str) else getattr(key, "__name__", "optimizer"),
                           optimizer_options)
    figure.suptitle(f"{name[0].upper() + name[1:]}, {steps} steps at {len(paths)} learning rates\n"
                    f"{loss.name}", fontsize=style.TITLE_SIZE + 2)
    return style.projector_text(figure)


# --- 3-D surface and animation ------------------------------------------------------------

@style.styled
def plot_surface(loss, paths=None, ax=None, view=None, log_levels="auto", elevation=35, azimuth=-60):
    """The loss as a 3-D surface, with the paths drawn on it. `ax` must be a 3-D Axes.

    When the loss spans orders of magnitude the height is log10(L - L_min + small), and
    the axis says so. Paths are drawn on top of the surface (computed_zorder is turned
    off, so matplotlib does not sort them behind it). Returns the Figure, or `ax`.
    """
    paths = _as_paths(paths)
    view = view or landscape_view(loss, paths)
    if ax is None:
        figure, axes = style.new_figure(width=8.5, height=7.5, layout="constrained",
                                        subplot_kw={"projection": "3d", "computed_zorder": False})
    else:
        if getattr(ax, "name", "") != "3d":
            raise ValueError("plot_surface needs a 3-D Axes: fig.add_subplot(projection='3d')")
        figure, axes = ax.figure, ax
        axes.computed_zorder = False
    P1, P2, L = loss_grid(loss, view, resolution=121)
    is_log = contour_levels(loss, L, 16, log_levels).is_log
    height, zlabel = _surface_height(loss, L, is_log)
    surface = axes.plot_surface(P1, P2, height(L), cmap=style.SEQUENTIAL, linewidth=0,
                                antialiased=True, alpha=0.8, rcount=121, ccount=121, zorder=1)
    for i, path in enumerate(paths):
        _draw_path_3d(axes, loss, path, style.CYCLE[i % len(style.CYCLE)], view, height)
    axes.plot([loss.minimum[0]], [loss.minimum[1]], [height(loss.minimum_loss)], linestyle="none",
              zorder=12, **style.MINIMUM_MARKER)
    axes.set_xlabel(loss.parameter_names[0], labelpad=8)
    axes.set_ylabel(loss.parameter_names[1], labelpad=8)
    axes.set_zlabel(zlabel, labelpad=8)
    axes.view_init(elev=elevation, azim=azimuth)
    axes.locator_params(nbins=5)
    figure.colorbar(surface, ax=axes, shrink=0.55, pad=0.1, label=zlabel)
    handles = axes.get_legend_handles_labels()[0]
    handles += _start_and_minimum_handles(paths, loss, True, shared_start=False)
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
                frameon=False)
    axes.set_title(f"{loss.name}\n{loss.formula}")
    return style.projector_text(axes) if ax is not None else style.projector_text(figure)


def _draw_path_3d(axes, loss, path, color, view, height):
    """One path on the surface: a marker per step, its start, and its end (or where it blew up)."""
    points = np.asarray(path.points)
    keep = np.all(np.isfinite(points), axis=1)
    points = points[keep]
    points = points[:_first_outside(points, view)] if not _inside(points, view).all() else points
    z = height(loss(points[:, 0], points[:, 1]))
    axes.plot(points[:, 0], points[:, 1], z, "-o", color=color, lw=2.2,
              markersize=_marker_size(path.steps) - 1, label=path.label, zorder=10)
    axes.plot(points[:1, 0], points[:1, 1], z[:1], linestyle="none", color=color, zorder=11,
              **style.START_MARKER)
    end = style.DIVERGED_MARKER if path.diverged or len(points) < len(keep) else \
        dict(_END_MARKER, color=color)
    axes.plot(points[-1:, 0], points[-1:, 1], z[-1:], linestyle="none", zorder=11, **end)


def _surface_height(loss, L, is_log):
    """The height function of the 3-D plot and its axis label."""
    if not is_log:
        return (lambda values: np.asarray(values, dtype=float)), "loss"
    floor = loss.minimum_loss
    small = max(float(np.nanmax(L) - floor) * 1e-3, 1e-12)  # keeps a narrow valley's floor smooth
    return (lambda values: np.log10(np.asarray(values, dtype=float) - floor + small)), \
        r"$\log_{10}(L - L_{min})$"


@style.styled
def animate_descent(loss, paths, ax=None, interval=150, levels=16, log_levels="auto", view=None):
    """An animation of the paths growing one step per frame; frames = the longest path's steps.

    Save it as a GIF with `anim.save("descent.gif", writer=PillowWriter(fps=6))`
    (from matplotlib.animation import PillowWriter). Returns the FuncAnimation.
    """
    from matplotlib.animation import FuncAnimation
    paths = _as_paths(paths)
    if not paths:
        raise ValueError("animate_descent: give at least one path (see descent_path)")
    frames = max(p.steps for p in paths)
    if frames == 0:
        raise ValueError("animate_descent: the paths have no steps to animate (steps=0)")
    view = view or landscape_view(loss, paths)
    figure, axes = (ax.figure, ax) if ax is not None else style.new_figure(
        *(1, 1), *_figure_size(view), layout="constrained")
    filled, chosen = _draw_landscape(axes, loss, [], view, levels, log_levels, True)
    _add_colorbar(figure, filled, chosen, axes)
    lines, ends, shared = [], [], _shares_start(paths)
    for i, path in enumerate(paths):
        color = style.CYCLE[i % len(style.CYCLE)]
        axes.plot(*path.points[0], linestyle="none", color=style.BLACK if shared else color,
                  zorder=6, **style.START_MARKER)
        lines.append(axes.plot([], [], "-o", color=color, lw=2.2, markersize=_marker_size(frames),
                               markeredgecolor="white", markeredgewidth=0.6, label=path.label,
                               zorder=4, path_effects=_halo(2.2))[0])
        ends.append(axes.plot([], [], linestyle="none", zorder=7, **style.DIVERGED_MARKER)[0])
    handles = axes.get_legend_handles_labels()[0]
    handles += _start_and_minimum_handles(paths, loss, True, shared, show_end=False)
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1,
                frameon=False)

    def draw_frame(frame):
        for path, line, end in zip(paths, lines, ends):
            shown = np.asarray(path.points[:frame + 2])
            line.set_data(shown[:, 0], shown[:, 1])
            finished = path.diverged and frame + 2 >= len(path.points)
            end.set_data(shown[-1:, 0] if finished else [], shown[-1:, 1] if finished else [])
        axes.set_title(f"{loss.name}\nstep {frame + 1} of {frames}")
        return lines + ends

    style.projector_text(figure if ax is None else axes)
    if ax is None:  # lay the figure out once: re-doing it for every frame is most of the time
        draw_frame(frames - 1)
        figure.canvas.draw()
        figure.set_layout_engine("none")
    return FuncAnimation(figure, draw_frame, frames=frames, interval=interval, blit=False,
                         repeat=False)
