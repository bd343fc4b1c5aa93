"""Lesson 3 - loss functions: a number that says how wrong the model is, and what it punishes.

MSE on a house-price regression punishes big misses far more than small ones (squared);
cross-entropy punishes confident wrong answers without limit (-log p); KL divergence
measures how far a predicted distribution q is from the true p, and is not symmetric:
KL(p||q) != KL(q||p). Cross-entropy = entropy of p + KL(p||q): since the entropy of the
true labels is fixed, minimising cross-entropy is minimising KL.
"""

import numpy as np

from microdl import Tensor, Value
from microdl.data import house_prices
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
LINES = {"good fit": (3.0, 1.0), "too steep": (4.5, 0.0), "too low": (3.0, -0.5)}  # (w, b)
CONFIDENCE = [0.99, 0.9, 0.6, 0.33, 0.1, 0.01]  # probability given to the right class
P_TRUE = [0.7, 0.2, 0.1]
# "too sure" is not p mirrored: it is nearly certain of class 0, so the two KLs differ
Q_GUESSES = {"close": [0.6, 0.25, 0.15], "uniform": [1 / 3, 1 / 3, 1 / 3], "too sure": [0.98, 0.01, 0.01]}


def regression(args):
    X, y = house_prices(30 if args.quick else 50, seed=args.seed)
    size = X[:, 0]
    print("  MSE of three lines through the house prices (price = w * size + b):")
    scores = {}
    for name, (w, b) in LINES.items():
        scalar = losses.mse_loss([Value(w * s + b) for s in size.tolist()], y).data
        tensor = losses.mse_loss(Tensor(w * size + b), y).item()
        scores[name] = scalar
        print(f"    {name:<10} w={w:<4} b={b:<5} MSE = {scalar:.3f}  (tensor engine: {tensor:.3f})")
    errors = (3.0 * size + 1.0) - y
    worst = np.argmax(np.abs(errors))
    print(f"    the worst miss ({abs(errors[worst]):.2f}) costs {errors[worst] ** 2:.2f} of the squared total "
          f"{np.sum(errors ** 2):.2f}: squares make big errors dominate")
    return size, y, scores


def classification():
    print("  cross-entropy -log(p) for the probability p given to the right class:")
    for p in CONFIDENCE:
        logits = Tensor(np.log([[p, (1 - p) / 2, (1 - p) / 2]]))
        print(f"    p = {p:<5} loss = {losses.cross_entropy(logits, [0]).item():.3f}")
    entropy = -sum(pi * np.log(pi) for pi in P_TRUE)
    print(f"  the true distribution p = {P_TRUE}, its entropy H(p) = {entropy:.3f}")
    kl = {}
    for name, q in Q_GUESSES.items():
        forward = losses.kl_divergence(P_TRUE, [Value(v) for v in q]).data
        backward = losses.kl_divergence(q, [Value(v) for v in P_TRUE]).data
        cross = -sum(pi * np.log(qi) for pi, qi in zip(P_TRUE, q))
        kl[name] = (forward, backward, cross)
        print(f"    q {name:<8} = {np.round(q, 2).tolist()}: KL(p||q) = {forward:.3f}, KL(q||p) = {backward:.3f}; "
              f"cross-entropy {cross:.3f} = H(p) {entropy:.3f} + KL(p||q) {forward:.3f}")
    return kl, entropy


def figure(size, y, scores, kl, entropy):
    from microdl.viz import canvas, style
    with style.context():
        fig, axes = canvas.new_mosaic([["mse", "ce"], ["kl", "split"]], width=16, height=10,
                                      layout="constrained")
    mse_panel(axes["mse"], size, y, scores)
    cross_entropy_panel(axes["ce"])
    distributions_panel(axes["kl"], kl)
    decomposition_panel(axes["split"], kl, entropy)
    for ax in axes.values():
        ax.title.set_fontsize(style.TITLE_SIZE + 2)
    return style.projector_text(fig)


def guess_colors():
    from microdl.viz import style
    return [style.VERMILLION, style.GREEN, style.PURPLE]   # three hues told apart at a glance


def mse_panel(ax, size, y, scores):
    from microdl.viz import style
    ax.scatter(size, y, color=style.GREY, edgecolor=style.BLACK, zorder=3, label="houses")
    grid = np.linspace(0, 2, 50)
    for (name, (w, b)), color in zip(LINES.items(), style.CYCLE):
        ax.plot(grid, w * grid + b, color=color, lw=2.5, label=f"{name}: MSE {scores[name]:.2f}")
    w, b = LINES["good fit"]
    ax.vlines(size, y, w * size + b, color=style.CYCLE[0], alpha=0.5, lw=1)
    ax.set(xlabel="size (100 m²)", ylabel="price", title="MSE: the mean of squared misses")
    ax.legend(loc="upper left")


def cross_entropy_panel(ax):
    from microdl.viz import style
    p = np.linspace(0.005, 1, 200)
    ax.plot(p, -np.log(p), color=style.BLUE, lw=2.5, label="loss = -log p")
    for q in CONFIDENCE:
        ax.plot(q, -np.log(q), "o", color=style.VERMILLION, ms=8)
        # right of its point; where the curve is flat and the next point is close, above it
        crowded = q > 0.5 and any(0 < other - q < 0.15 for other in CONFIDENCE)
        ax.annotate(f"{-np.log(q):.2f}", (q, -np.log(q)), textcoords="offset points",
                    xytext=(0, 12) if crowded else (6, 4), ha="center" if crowded else "left")
    ax.set(xlabel="probability given to the right class", ylabel="cross-entropy",
           title="Cross-entropy: confident and wrong costs most")
    ax.legend()


def distributions_panel(ax, kl):
    """p and each guess q, side by side per class."""
    from microdl.viz import style
    x = np.arange(len(P_TRUE))
    ax.bar(x - 0.3, P_TRUE, 0.18, color=style.BLACK, label="true p")
    for i, (name, color) in enumerate(zip(Q_GUESSES, guess_colors())):
        ax.bar(x - 0.12 + 0.18 * i, Q_GUESSES[name], 0.18, color=color, label=f"q {name}")
    ax.set(xticks=x, xticklabels=["class 0", "class 1", "class 2"], ylabel="probability",
           title="The true p and three guesses q", ylim=(0, 1.05))
    ax.legend(loc="upper right")


def decomposition_panel(ax, kl, entropy):
    """Per guess: cross-entropy as a stack H(p) + KL(p||q), and KL(q||p) beside it."""
    from microdl.viz import style
    rows = np.arange(len(Q_GUESSES))[::-1]
    for row, (name, color) in zip(rows, zip(Q_GUESSES, guess_colors())):
        forward, backward, cross = kl[name]
        ax.barh(row + 0.2, entropy, 0.36, color=style.GREY, label="entropy H(p)" if row == rows[0] else None)
        ax.barh(row + 0.2, forward, 0.36, left=entropy, color=color)
        ax.text(cross + 0.03, row + 0.2, f"cross-entropy {cross:.2f} = {entropy:.2f} + KL(p‖q) {forward:.2f}",
                va="center")
        ax.barh(row - 0.2, backward, 0.36, color=color, hatch="//", edgecolor="white", alpha=0.6)
        ax.text(backward + 0.03, row - 0.2, f"KL(q‖p) = {backward:.2f}", va="center")
    ax.set_yticks(rows, [f"q {name}" for name in Q_GUESSES])
    ax.set_xlim(0, 3.2)
    ax.set(xlabel="nats", title="Cross-entropy = entropy + KL, and KL(p‖q) ≠ KL(q‖p)")
    ax.legend(loc="lower right")


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    size, y, scores = regression(args)
    kl, entropy = classification()
    save(figure(size, y, scores, kl, entropy), args, "losses.png")
    finish(args)
    return scores, kl


if __name__ == "__main__":
    main()
