"""Lesson 11 - graduation: the CNN trained in microdl runs in PyTorch and ONNX, and PyTorch trains it on.

The shapes CNN (zoo.shapes_cnn's network) trains in microdl for a few seconds. Then three
lines move it on: `export.to_torch(model)` gives a torch.nn.Module with the same weights,
`export.to_onnx(model, X[:1], path)` writes an ONNX file that onnxruntime (or Netron, a
phone, a browser) runs, and `export.to_torch_code(model, loss_fn, optimizer)` writes the
PyTorch source of the same network, printed here beside the microdl code. All three
engines give the same probabilities (the largest difference is printed). Then PyTorch
trains the model one more epoch: the loss keeps falling where microdl left it.
Needs the optional extras: pip install -e '.[torch,onnx]'; without them the lesson
says what is missing, still trains and prints the code, and draws a figure saying so.
"""
import importlib.util
import inspect
import itertools

import numpy as np

from microdl import export, manual_seed, nn, optim, train
from microdl.data import SHAPE_CLASSES, shapes
from microdl.demo import demo_args, finish, save

# --- settings -------------------------------------------------------------------------
IMAGES, TEST_IMAGES = 1200, 400     # quick: half of each
MICRODL_EPOCHS = 3                  # quick: 1 (then PyTorch's epoch has more to learn)
BATCH_SIZE = 32
LEARNING_RATE = 3e-3
EXAMPLES_SHOWN = 3                  # test images whose probabilities the figure compares
EXTRAS = ("torch", "onnx", "onnxruntime")


# the shapes CNN: (N, 1, 28, 28) -conv-> (N, 8, 28, 28) -pool-> (N, 8, 7, 7) -> (N, 392) -> (N, 5)
def build(seed):
    manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2, seed=seed),
        nn.ReLU(),
        nn.MaxPool2d(4),
        nn.Flatten(),
        nn.Linear(8 * 7 * 7, 5, seed=seed + 1),
    )
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    return model, loss_fn, optimizer


def side_by_side(left, right, titles=("microdl", "PyTorch (export.to_torch_code)")):
    """Two texts in two columns for the terminal, their `model = nn.Sequential(` lines level."""
    left, right = left.rstrip().splitlines(), right.rstrip().splitlines()
    level = [next(i for i, line in enumerate(text) if "model = " in line) for text in (left, right)]
    left = [""] * (max(level) - level[0]) + left
    right = [""] * (max(level) - level[1]) + right
    width = max(len(line) for line in left + [titles[0]]) + 2
    rows = [f"{titles[0]:<{width}}| {titles[1]}", "-" * width + "+" + "-" * 40]
    rows += [f"{a:<{width}}| {b}" for a, b in itertools.zip_longest(left, right, fillvalue="")]
    return "\n".join("  " + row.rstrip() for row in rows)


def probabilities(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def exported_outputs(model, Xt, out):
    """(logits from PyTorch, logits from onnxruntime, the torch model, the .onnx path)."""
    import onnxruntime
    import torch
    torch_model = export.to_torch(model)                              # 1. the model in PyTorch
    path = export.to_onnx(model, Xt[:1], out / "shapes_cnn.onnx")     # 2. the model in ONNX
    with torch.no_grad():
        torch_logits = torch_model(torch.from_numpy(Xt)).numpy()
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    onnx_logits = session.run(None, {"input": Xt})[0]
    return torch_logits, onnx_logits, torch_model, path


def torch_epoch(torch_model, X, y, Xt, yt, seed):
    """One more epoch in plain PyTorch: (loss per batch, test (loss, accuracy) before and after)."""
    import torch
    torch.manual_seed(seed)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(torch_model.parameters(), lr=LEARNING_RATE)

    def test():
        torch_model.eval()
        with torch.no_grad():
            logits = torch_model(torch.from_numpy(Xt))
        return loss_fn(logits, torch.from_numpy(yt)).item(), (logits.argmax(1).numpy() == yt).mean()

    before, losses = test(), []
    torch_model.train()
    order = torch.randperm(len(X)).numpy()
    for start in range(0, len(X), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        optimizer.zero_grad()
        loss = loss_fn(torch_model(torch.from_numpy(X[batch])), torch.from_numpy(y[batch]))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, before, test()


def graduation_figure(images, labels, engines, microdl_losses, torch_losses, before, after):
    """Left: a few test images and their class probabilities in microdl, PyTorch and onnxruntime;
    right: the training loss, batch by batch, in microdl and then one more epoch in PyTorch."""
    from microdl import viz
    colors = (viz.style.BLUE, viz.style.ORANGE, viz.style.GREEN)
    count = len(images)
    with viz.style.context():
        fig, axes = viz.canvas.new_mosaic([[f"image{i}" for i in range(count)] + ["loss"],
                                           [f"bars{i}" for i in range(count)] + ["loss"]],
                                          width=13.0, height=6.5, height_ratios=[1, 1.6],
                                          width_ratios=[1] * count + [2.2], layout="constrained")
        rows = np.arange(len(SHAPE_CLASSES))
        for i, (image, label) in enumerate(zip(images, labels)):
            axes[f"image{i}"].imshow(image[0], cmap="gray_r")
            axes[f"image{i}"].set_title(f"a {SHAPE_CLASSES[label]}")
            axes[f"image{i}"].set_axis_off()
            bars = axes[f"bars{i}"]
            for k, (name, probs) in enumerate(engines.items()):   # three bars per class, one per engine
                bars.barh(rows + (k - 1) * 0.27, probs[i], height=0.27, color=colors[k], label=name)
            bars.set(xlim=(0, 1), yticks=rows, xticks=[0, 0.5, 1], xticklabels=["", "0.5", ""],
                     xlabel="probability")
            bars.set_yticklabels(SHAPE_CLASSES if i == 0 else [])
            bars.invert_yaxis()
        handles, names = axes["bars0"].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower left", ncol=3, frameon=False)
        draw_losses(axes["loss"], microdl_losses, torch_losses, before, after)
        fig.suptitle("Same probabilities in microdl, PyTorch and onnxruntime; then PyTorch trains on")
    return viz.style.projector_text(fig)


def draw_losses(ax, microdl_losses, torch_losses, before, after):
    from microdl import viz
    done = len(microdl_losses)
    ax.plot(np.arange(1, done + 1), microdl_losses, color=viz.style.BLUE, linewidth=1.5,
            label="in microdl")
    ax.plot(np.arange(done + 1, done + len(torch_losses) + 1), torch_losses, color=viz.style.ORANGE,
            linewidth=1.5, label="one more epoch in PyTorch")
    ax.axvline(done + 0.5, color=viz.style.GREY, linestyle="--")
    ax.set(xlabel="batch", ylabel="training loss",
           title=f"PyTorch's epoch: test accuracy {before[1]:.0%} \u2192 {after[1]:.0%}")
    ax.legend(loc="lower left", frameon=False)
    ax.grid(alpha=0.3)


def missing_figure(missing):
    """A figure that says what to install (the tour has a picture for every lesson)."""
    from microdl import viz
    with viz.style.context():
        fig, ax = viz.canvas.new_figure(width=12.0, height=6.0)
        ax.text(0.5, 0.55, f"This lesson needs {', '.join(missing)}.\n\n"
                           f"pip install -e '.[torch,onnx]'\n\nthen run it again.",
                ha="center", va="center", fontsize=20)
        ax.set_axis_off()
        fig.suptitle("Graduation to PyTorch and ONNX: not installed here")
    return fig


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    scale = 2 if args.quick else 1
    X, y = shapes(IMAGES // scale, seed=args.seed)
    Xt, yt = shapes(TEST_IMAGES // scale, seed=args.seed + 1)

    # 1. train in microdl
    model, loss_fn, optimizer = build(args.seed)
    epochs = 1 if args.quick else MICRODL_EPOCHS
    history = train.fit(model, loss_fn, optimizer, (X, y), epochs=epochs, batch_size=BATCH_SIZE,
                        seed=args.seed, validation=(Xt, yt), progress=False)
    model.eval()
    print(f"  microdl: {epochs} epoch(s) on {len(X):,} shapes images, test accuracy "
          f"{history.epoch['val_accuracy'][-1]:.1%}")

    # 2. your microdl code, in PyTorch (needs no torch to write)
    torch_code = export.to_torch_code(model, loss_fn, optimizer)
    print("\n" + side_by_side(inspect.getsource(build), torch_code) + "\n")

    missing = [name for name in EXTRAS if importlib.util.find_spec(name) is None]
    if missing:
        print(f"  {', '.join(missing)} not installed, so the model stays in microdl here: "
              f"pip install -e '.[torch,onnx]' and run this lesson again")
        save(missing_figure(missing), args, "graduation.png",
             "Graduation needs torch and onnx: not installed")
        finish(args)
        return None

    # 3. the same model in PyTorch and in ONNX: the same outputs
    microdl_logits = train.predict(model, Xt)
    torch_logits, onnx_logits, torch_model, path = exported_outputs(model, Xt, args.out)
    print(f"  wrote {path} (open it in Netron to see the graph)")
    for name, logits in (("PyTorch", torch_logits), ("onnxruntime", onnx_logits)):
        same = (logits.argmax(1) == microdl_logits.argmax(1)).mean()
        print(f"  {name:<12} largest difference from microdl: {np.abs(logits - microdl_logits).max():.1e} "
              f"in the scores, {np.abs(probabilities(logits) - probabilities(microdl_logits)).max():.1e} in "
              f"the probabilities; same class for {same:.0%} of {len(Xt)} test images")

    # 4. PyTorch trains it one more epoch
    losses, before, after = torch_epoch(torch_model, X, y, Xt, yt, args.seed)
    print(f"  PyTorch, one more epoch: test loss {before[0]:.3f} -> {after[0]:.3f}, "
          f"test accuracy {before[1]:.1%} -> {after[1]:.1%}")
    shown = slice(0, EXAMPLES_SHOWN)
    engines = {name: probabilities(logits[shown]) for name, logits in
               (("microdl", microdl_logits), ("PyTorch", torch_logits), ("onnxruntime", onnx_logits))}
    figure = graduation_figure(Xt[shown], yt[shown], engines, history.iteration["loss"], losses, before, after)
    save(figure, args, "graduation.png", "The shapes CNN in microdl, PyTorch and onnxruntime: "
                                         "same probabilities; then one more epoch in PyTorch")
    finish(args)
    return after[1]


if __name__ == "__main__":
    main()
