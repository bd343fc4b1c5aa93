"""Lesson 6 - activation functions, dead ReLUs, and vanishing / exploding gradients.

sigmoid and tanh saturate: far from 0 their derivative is almost 0. ReLU never saturates
for x > 0 but is dead for x < 0. Backprop multiplies one derivative (times a weight) per
layer, so in a deep sigmoid network (derivative <= 0.25) the gradient shrinks layer by
layer on its way back to the input (vanishing); with weights that are too large it grows
(exploding); ReLU with Kaiming initialisation keeps it level. We measure it in networks
of 9 layers with weights (8 hidden layers + the output layer), named layer 1 (next to the
input) .. layer 9 (output) everywhere: in the terminal, in the titles and in the legends.
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
    "sigmoid, Xavier init": (nn.Sigmoid, "xavier", 1.0),     # vanishing
    "ReLU, Kaiming init": (nn.ReLU, "kaiming", 1.0),         # level
    "tanh, weights x8 too large": (nn.Tanh, "xavier", 8.0),  # exploding
}
EPOCHS, QUICK_EPOCHS = 20, 4
DEAD_RELU_LR = 2.0                   # too large on purpose: units die


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
    first = [norms[0] for norms in history.grad_norms.values()]
    growth = first[0] / first[-1]
    kind = "vanishing" if growth < 0.1 else "exploding" if growth > 10 else "level"
    final = history.iteration["loss"][-1]
    outcome = (f"training accuracy after {epochs} epochs {history.epoch['accuracy'][-1]:.0%}"
               if np.isfinite(final) else "training diverged (the loss became inf / nan)")
    print(f"  {name:<27} first update: |dL/dW| layer {len(first)} (output) {first[-1]:.1e}, "
          f"layer 1 {first[0]:.1e}: x{growth:.0e} on the way back ({kind}); {outcome}")
    return history


def dead_relus(X, y, epochs, seed):
    """A ReLU network pushed by a too-large learning rate: watch units die."""
    manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 64, seed=seed), nn.ReLU(), nn.Linear(64, 64, seed=seed + 1), nn.ReLU(),
                          nn.Linear(64, 3, seed=seed + 2))
    before = train.dead_relu_fractions(model, X)
    history = train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=DEAD_RELU_LR), (X, y),
                        epochs=epochs, batch_size=32, seed=seed, progress=False, track_gradients=True)
    after = train.dead_relu_fractions(model, X)
    from microdl.diagnostics import layer_labels   # the names the live view uses too
    names, labels = viz_layer_names(before), layer_labels(model)
    for key in before:
        print(f"  the 64 ReLUs after {labels[key]} ('{names[key]}' in the figure): {before[key]:.0%} dead "
              f"at the start, {after[key]:.0%} after {epochs} epochs with lr = {DEAD_RELU_LR} (too large)")
    return history, before


def viz_layer_names(keys):
    """The hidden layers' names the figures use (hidden layer 1, 2, ...)."""
    from microdl.viz.curves import layer_names
    return layer_names(keys, hidden=True)


def gradient_figure(histories, epochs):
    """Left: the gradient per layer at the first update; right: what it does to the training loss."""
    from microdl import viz
    with viz.style.context():
        return _gradient_figure(histories, epochs)


def _gradient_figure(histories, epochs):
    from microdl import viz
    with viz.style.context():
        fig, (profile, loss) = viz.canvas.new_figure(1, 2, width=13.0, height=5.8)
    viz.plot_gradient_profile(histories, step=0, ax=profile, title="gradient per layer, first update")
    for (name, history), color in zip(histories.items(), viz.style.CYCLE):
        values = np.array(history.iteration["loss"], dtype=float)
        x = np.arange(1, len(values) + 1) / history.iterations_per_epoch
        loss.plot(x, values, color=color, alpha=0.3, linewidth=1)
        loss.plot(np.arange(1, epochs + 1), history.epoch["loss"], color=color, marker="o", markersize=8,
                  linewidth=2.5, label=name)
    loss.set(yscale="log", xlabel="epoch", ylabel="training loss (log scale)",
             title="training loss: thin each batch, bold each epoch")
    loss.grid(alpha=0.3)
    fig.suptitle(f"{DEPTH} hidden layers + output: sigmoid's gradient vanishes toward the input, "
                 f"too-large weights make it explode", fontsize=viz.style.TITLE_SIZE + 1)
    fig.tight_layout()
    return viz.style.projector_text(fig)  # no text under 12 pt (log-axis minor labels)


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    from microdl import viz
    fig = viz.plot_activations()
    fig.set_size_inches(13.0, 7.4)  # a 16:9 slide at its natural size (the layout is constrained)
    save(fig, args, "activations.png", "Activation functions and their derivatives: where each saturates or dies")
    with viz.style.context():
        fig, pair = viz.canvas.new_figure(1, 2, width=12.0, height=5.4, layout="constrained")  # fits a slide
    viz.plot_softmax([2.0, 1.0, 0.1, -1.0], ax=pair)
    save(fig, args, "softmax.png", "Softmax turns logits (any real numbers) into probabilities that sum to 1")
    X, y = spirals(300 if args.quick else 600, seed=args.seed)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    histories = {name: measure(name, X, y, epochs, args.seed) for name in NETWORKS}
    save(gradient_figure(histories, epochs), args, "gradient_norms.png",
         "Gradient norm per layer (layer 1 .. 9): sigmoid vanishes, ReLU stays level, too-large weights explode")
    history, before = dead_relus(X, y, epochs, args.seed)
    save(viz.plot_dead_relus(history, start=before, title=f"Dead ReLUs with a too-large learning rate "
                                                          f"(SGD, lr = {DEAD_RELU_LR})"), args, "dead_relus.png",
         "Dead ReLUs: a too-large learning rate kills units from step 0 on")
    finish(args)
    return histories


if __name__ == "__main__":
    main()
