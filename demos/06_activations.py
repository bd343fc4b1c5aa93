"""Lesson 6 - activation functions, dead ReLUs, and vanishing / exploding gradients.

sigmoid and tanh saturate: far from 0 their derivative is almost 0. ReLU never saturates
for x > 0 but is dead for x < 0. Backprop multiplies one derivative per layer, so in a
deep sigmoid network (derivative <= 0.25) the gradient shrinks layer by layer on its
way back to the input (vanishing); with weights that are too large it grows (exploding);
ReLU with Kaiming initialisation keeps it level. We measure it, layer by layer.
"""
import warnings

import numpy as np

from microdl import manual_seed, nn, optim, train
from microdl.data import spirals
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
DEPTH, WIDTH = 8, 32
NETWORKS = {  # name: (activation layer, init, weight scale)
    "sigmoid (Xavier init)": (nn.Sigmoid, "xavier", 1.0),
    "ReLU (Kaiming init)": (nn.ReLU, "kaiming", 1.0),
    "ReLU (weights x2.5)": (nn.ReLU, "kaiming", 2.5),
}
EPOCHS, QUICK_EPOCHS = 20, 4


def deep_network(activation, init, scale, seed):
    layers = []
    for i in range(DEPTH):
        layers += [nn.Linear(2 if i == 0 else WIDTH, WIDTH, init=init, seed=seed + i), activation()]
    layers.append(nn.Linear(WIDTH, 3, init=init, seed=seed + DEPTH))
    model = nn.Sequential(*layers)
    for p in model.parameters():
        p.data *= scale
    return model


def measure(name, X, y, epochs, seed):
    activation, init, scale = NETWORKS[name]
    manual_seed(seed)
    model = deep_network(activation, init, scale, seed)
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # the exploding one overflows
        warnings.simplefilter("ignore", RuntimeWarning)
        history = train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
                            (X, y), epochs=epochs, batch_size=32, seed=seed, progress=False,
                            track_gradients=True)
    first = {layer: norms[0] for layer, norms in history.grad_norms.items()}
    names = list(first)
    ratio = first[names[0]] / first[names[-1]]
    final = history.iteration["loss"][-1]
    outcome = (f"accuracy after {epochs} epochs {history.epoch['accuracy'][-1]:.0%}" if np.isfinite(final)
               else "training diverged (the loss became inf / nan)")
    print(f"  {name:<22} first step: |dL/dW| layer 1 = {first[names[0]]:.1e}, layer {len(names)} = "
          f"{first[names[-1]]:.1e} (ratio {ratio:.0e}); {outcome}")
    return history


def dead_relus(X, y, epochs, seed):
    """A ReLU network pushed by a too-large learning rate: watch units die."""
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 64, seed=seed), nn.ReLU(), nn.Linear(64, 64, seed=seed + 1), nn.ReLU(),
                          nn.Linear(64, 3, seed=seed + 2))
    before = train.dead_relu_fractions(model, X)
    history = train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=2.0), (X, y),
                        epochs=epochs, batch_size=32, seed=seed, progress=False, track_gradients=True)
    after = train.dead_relu_fractions(model, X)
    for layer in before:
        print(f"  dead ReLUs in {layer}: {before[layer]:.0%} at the start, {after[layer]:.0%} after "
              f"training with lr = 2.0 (too large)")
    return history


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    import matplotlib.pyplot as plt

    from microdl import viz
    save(viz.plot_activations(), args, "activations.png")
    save(viz.plot_softmax([2.0, 1.0, 0.1, -1.0]), args, "softmax.png")
    X, y = spirals(300 if args.quick else 600, seed=args.seed)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    histories = {name: measure(name, X, y, epochs, args.seed) for name in NETWORKS}
    with plt.rc_context(viz.style.rc()):
        fig, axes = plt.subplots(1, len(histories), figsize=(7 * len(histories), 5.5), sharex=True, sharey=True)
        for ax, (name, history) in zip(axes, histories.items()):
            viz.plot_gradient_norms(history, ax=ax)
            ax.set_title(name)
            diverged = int(np.argmax(~np.isfinite(history.iteration["loss"] + [np.inf])))
            if diverged < len(history.iteration["loss"]):
                ax.annotate("diverged: the loss is nan from here", (diverged / history.iterations_per_epoch, 1e6),
                            xytext=(10, 0), textcoords="offset points", color=viz.style.VERMILLION,
                            fontsize=12, va="center")
            if ax is not axes[-1]:
                ax.get_legend().remove()
        fig.suptitle(f"Gradient norm per layer in a {DEPTH}-layer network: vanishing, level, exploding")
        fig.tight_layout()
    save(fig, args, "gradient_norms.png")
    save(viz.plot_dead_relus(dead_relus(X, y, epochs, args.seed)), args, "dead_relus.png")
    finish(args)
    return histories


if __name__ == "__main__":
    main()
