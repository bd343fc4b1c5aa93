"""Lesson 3 - loss functions: a number that says how wrong the model is, and what it punishes.

MSE on a house-price regression punishes big misses far more than small ones (squared);
cross-entropy punishes confident wrong answers without limit (-log p); KL divergence
measures how far a predicted distribution q is from the true p, and is not symmetric.
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
Q_GUESSES = {"close": [0.6, 0.25, 0.15], "uniform": [1 / 3, 1 / 3, 1 / 3], "wrong": [0.1, 0.2, 0.7]}


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
    print("  KL(p || q) from the true distribution p = " + str(P_TRUE) + ":")
    kl = {}
    for name, q in Q_GUESSES.items():
        forward = losses.kl_divergence(P_TRUE, [Value(v) for v in q]).data
        backward = losses.kl_divergence(q, [Value(v) for v in P_TRUE]).data
        kl[name] = forward
        print(f"    q {name:<8} = {np.round(q, 2).tolist()}: KL(p||q) = {forward:.3f}, KL(q||p) = {backward:.3f}")
    return kl


def figure(size, y, scores, kl):
    import matplotlib.pyplot as plt

    from microdl.viz import style
    with plt.rc_context(style.rc()):
        fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(17, 5), constrained_layout=True)
        ax1.scatter(size, y, color=style.GREY, edgecolor=style.BLACK, zorder=3, label="houses")
        grid = np.linspace(0, 2, 50)
        for (name, (w, b)), color in zip(LINES.items(), style.CYCLE):
            ax1.plot(grid, w * grid + b, color=color, lw=2.5, label=f"{name}: MSE {scores[name]:.2f}")
        w, b = LINES["good fit"]
        ax1.vlines(size, y, w * size + b, color=style.CYCLE[0], alpha=0.5, lw=1)
        ax1.set(xlabel="size (100 m²)", ylabel="price", title="MSE: mean of squared misses")
        ax1.legend(loc="upper left")
        p = np.linspace(0.005, 1, 200)
        ax2.plot(p, -np.log(p), color=style.BLUE, lw=2.5, label="loss = -log p")
        for q in CONFIDENCE:
            ax2.plot(q, -np.log(q), "o", color=style.VERMILLION, ms=8)
            ax2.annotate(f"{-np.log(q):.2f}", (q, -np.log(q)), textcoords="offset points", xytext=(6, 4))
        ax2.set(xlabel="probability given to the right class", ylabel="cross-entropy",
                title="Cross-entropy: confident and wrong costs most")
        ax2.legend()
        names = list(Q_GUESSES)
        x = np.arange(len(P_TRUE))
        ax3.bar(x - 0.3, P_TRUE, 0.15, color=style.BLACK, label="true p")
        for i, (name, color) in enumerate(zip(names, style.CYCLE[1:])):
            ax3.bar(x - 0.15 + 0.15 * i, Q_GUESSES[name], 0.15, color=color,
                    label=f"q {name}: KL(p||q) = {kl[name]:.2f}")
        ax3.set(xticks=x, xticklabels=["class 0", "class 1", "class 2"], ylabel="probability",
                title="KL divergence: how far q is from p")
        ax3.legend(fontsize=10)
    return fig


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    size, y, scores = regression(args)
    kl = classification()
    save(figure(size, y, scores, kl), args, "losses.png")
    finish(args)
    return scores, kl


if __name__ == "__main__":
    main()
