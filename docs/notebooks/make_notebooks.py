"""Write the lesson notebooks (docs/notebooks/NN_name.ipynb), one per demos/NN_name.py.

    python docs/notebooks/make_notebooks.py      # rewrites every .ipynb here, without outputs

The notebooks are generated so they stay small and in step: edit the cells below, not
the .ipynb files. A code cell tagged "figure" ends in a picture (the tests check it
shows exactly one image), "animation" in a player (one HTML output).
Settings are quick (seconds per notebook); the demos' full settings are in demos/.
"""
from pathlib import Path

import nbformat

HERE = Path(__file__).parent
SETUP = "from microdl import viz"

LESSONS = {}


def lesson(name, title, *cells):
    LESSONS[name] = (title, cells)


def md(text):
    return ("markdown", text.strip(), None)


def code(text, tag=None):
    return ("code", text.strip(), tag)


lesson("01_perceptron", "Lesson 1: the perceptron",
       md("One neuron: `y = sigmoid(w1*x1 + w2*x2 + w3*x3 + b)`. After `y.backward()` every "
          "weight knows how much `y` would change if it moved a little: `dy/dw_i = x_i * y(1-y)`."),
       code("from microdl import Value, viz\nfrom microdl.nn import Neuron\n\n"
            "x = [Value(v, label=f\"X{i + 1}\") for i, v in enumerate([1.0, 0.0, 1.0])]\n"
            "neuron = Neuron(3, activation=\"sigmoid\", weights=[0.3, 0.5, 0.2], bias=-0.1)\n"
            "y = neuron(x)\ny.label = \"Y\"\ny.backward()\n"
            "print(f\"Y = {y:.4f}, dY/dw = {[f'{w.grad:.4f}' for w in neuron.w]}\")"),
       md("The neuron as a picture: edges coloured by weight (red positive, blue negative)."),
       code("viz.draw_network(neuron, inputs=[1.0, 0.0, 1.0], input_names=[\"X1\", \"X2\", \"X3\"])", "figure"),
       md("The same computation as a graph: look at the gradient on every arrow."),
       code("viz.draw_graph(y, params=neuron, show_local=True)", "figure"))

lesson("02_backprop", "Lesson 2: backprop, node by node",
       md("For `L = (a*b + c) * f` each node's gradient is the upstream gradient times the "
          "local derivative. The engine does exactly this; finite differences agree."),
       code("from microdl import Value, gradcheck, viz\n\n"
            "def expression(a, b, c, f):\n    d = a * b + c\n    d.label = \"d\"\n"
            "    L = d * f\n    L.label = \"L\"\n    return L\n\n"
            "a, b, c, f = (Value(v, label=n) for v, n in zip((2.0, -3.0, 10.0, -2.0), \"abcf\"))\n"
            "L = expression(a, b, c, f)\nL.backward()\n"
            "print(f\"dL/da = {a.grad:.3f}, dL/db = {b.grad:.3f}\")\n"
            "gradcheck(expression, 2.0, -3.0, 10.0, -2.0)"),
       md("Each arrow says `local x upstream = value`: what the input's grad received."),
       code("viz.draw_graph(L, show_local=True)", "figure"),
       md("Step through backprop one node at a time (play, or use the slider)."),
       code("viz.animate_backprop(L)", "animation"),
       md("Run `L.backward()` again without `zero_grad()`: the leaf grads accumulate. "
          "The picture says so in its subtitle."),
       code("L.backward()\nviz.draw_graph(L)", "figure"))

lesson("03_losses", "Lesson 3: loss functions",
       md("MSE punishes big misses far more than small ones; cross-entropy punishes confident "
          "wrong answers without limit (`-log p`)."),
       code("import numpy as np\nfrom microdl import Tensor, Value\nfrom microdl.data import house_prices\n"
            "from microdl.nn import losses\n\n"
            "X, y = house_prices(30, seed=0)\nsize = X[:, 0]\n"
            "for name, (w, b) in {\"good fit\": (3.0, 1.0), \"too steep\": (4.5, 0.0)}.items():\n"
            "    mse = losses.mse_loss(Tensor(w * size + b), y)\n"
            "    print(f\"{name:<10} MSE = {mse:.3f}\")"),
       md("Your own matplotlib plots work next to microdl's: here `-log p` with plain `plt.plot`."),
       code("import matplotlib.pyplot as plt\n\np = np.linspace(0.01, 1, 100)\n"
            "plt.plot(p, -np.log(p))\nplt.xlabel(\"probability given to the right class\")\n"
            "plt.ylabel(\"cross-entropy\")\nplt.show()", "figure"),
       code("print(f\"confident and wrong (p = 0.01): {-np.log(0.01):.2f}; "
            "confident and right (p = 0.99): {-np.log(0.99):.3f}\")"))

lesson("04_gradient_descent", "Lesson 4: gradient descent",
       md("`p <- p - lr * dL/dp`. Too small a learning rate crawls; the right one arrives; "
          "too large a one overshoots and diverges."),
       code("from microdl import viz\n\nbowl = viz.quadratic_bowl()\n"
            "viz.compare_learning_rates(bowl)", "figure"),
       md("Momentum, Adam and RMSprop take different paths on the same bowl."),
       code("viz.compare_optimizers(bowl)", "figure"),
       md("The path, step by step (an offline player: no internet needed)."),
       code("path = viz.descent_path(bowl, optimizer=\"momentum\", steps=20)\n"
            "viz.animate_descent(bowl, [path])", "animation"),
       md("With `pip install -e '.[jupyter]'` (ipywidgets, in microdl's folder), a slider redraws the picture "
          "in place, one picture per move, none left open:\n\n"
          "```python\nfrom ipywidgets import interact\n"
          "interact(lambda lr: viz.plot_landscape(bowl, viz.descent_path(bowl, lr=lr)), lr=(0.01, 0.2, 0.01))\n```\n\n"
          "(Left as text here: a notebook run headless, as the tests do, has no browser to answer "
          "the slider.)"))

lesson("05_sgd_vs_batch", "Lesson 5: SGD vs mini-batch vs full batch",
       md("Same data, same start, same number of examples seen. Batch size 1 takes many noisy "
          "steps; the full batch one exact step per epoch; mini-batches sit between."),
       code("from microdl import viz\nfrom microdl.data import describe_batching, house_prices\n\n"
            "print(describe_batching(1_000_000, 10_000))\nx, y = house_prices(50, seed=0)\n"
            "viz.compare_batch_sizes(x, y, (1, 16, None), lr=0.1, epochs=3, seed=0)", "figure"))

lesson("06_activations", "Lesson 6: activation functions and vanishing gradients",
       md("sigmoid and tanh saturate (their derivative is almost 0 far from 0); ReLU is dead "
          "for x < 0."),
       code("from microdl import viz\n\nviz.plot_activations()", "figure"),
       code("viz.plot_softmax([2.0, 1.0, 0.1, -1.0])", "figure"),
       md("In a deep sigmoid network the gradient shrinks layer by layer on its way back."),
       code("from microdl import manual_seed, nn, optim, train\nfrom microdl.data import spirals\n"
            "from microdl.nn import losses\n\nX, y = spirals(300, seed=0)\nmanual_seed(0)\n"
            "layers = []\nfor i in range(6):\n"
            "    layers += [nn.Linear(2 if i == 0 else 32, 32, init=\"xavier\", seed=i), nn.Sigmoid()]\n"
            "model = nn.Sequential(*layers, nn.Linear(32, 3, seed=6))\n"
            "history = train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=0.05),\n"
            "                    (X, y), epochs=3, batch_size=32, seed=0, track_gradients=True)"),
       code("viz.plot_gradient_norms(history)", "figure"),
       md("Layer 1's gradient is about 10,000 times smaller than the output layer's (four steps "
          "on the log scale): the first layers hardly move. And the network barely learns: its "
          "training accuracy (`acc` above) stays near chance, 1 in 3 for the three spirals."))

lesson("07_moons_mlp", "Lesson 7: an MLP learns the two moons",
       md("The data first: two interleaved half circles, one colour per class."),
       code("from microdl import nn, optim, train, viz\nfrom microdl.data import moons\n"
            "from microdl.nn import losses\n\nX, y = moons(100, noise=0.1, seed=1)\nviz.plot_data(X, y)", "figure"),
       md("A scalar MLP (every weight a `Value`), trained with the hinge loss, full batch, for 80 steps. "
          "`viz.snapshot` freezes a copy of the model at a moment of training."),
       code("model = nn.MLP(2, [16, 16, 1], seed=0)\noptimizer = optim.SGD(model.parameters(), lr=1.0)\n"
            "snapshots, done = [(\"before training\", viz.snapshot(model))], 0\n"
            "for mark in (10, 80):\n"
            "    history = train.fit(model, losses.hinge_loss, optimizer, (X, y), epochs=mark - done,\n"
            "                        batch_size=None, progress=False)\n"
            "    done = mark\n    snapshots.append((f\"after {mark} steps\", viz.snapshot(model)))\n"
            "print(f\"training accuracy {history.epoch['accuracy'][-1]:.0%}\")"),
       code("viz.plot_boundary_evolution(snapshots, X, y, resolution=40)", "figure"),
       code("viz.plot_decision_boundary(model, X, y, resolution=60)", "figure"))

lesson("08_convolution", "Lesson 8: convolution and max pooling",
       md("A 3x3 kernel slides over a 5x5 image: multiply, add, write one output cell."),
       code("import numpy as np\nfrom microdl import viz\n\n"
            "image = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],\n"
            "                  [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=float)\n"
            "kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)\n"
            "viz.plot_convolution_steps(image, kernel, max_steps=3)", "figure"),
       code("viz.animate_convolution(image, kernel)", "animation"),
       code("viz.plot_pooling_steps([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])", "figure"),
       md("A small CNN learns to tell five generated shapes apart (circle, square, triangle, cross, "
          "line; chance is 20%): 2,000 training images, 5 epochs, and 500 other images to test it on."),
       code("from microdl import manual_seed, nn, optim, train\nfrom microdl.data import SHAPE_CLASSES, shapes\n"
            "from microdl.nn import losses\n\nX, y = shapes(2000, seed=0)\n"
            "Xt, yt = shapes(500, seed=1)   # test images: never trained on\nmanual_seed(0)\n"
            "model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),\n"
            "                      nn.Flatten(), nn.Linear(8 * 14 * 14, 5, seed=1))\n"
            "history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=3e-3),\n"
            "                    (X, y), epochs=5, batch_size=32, seed=0, validation=(Xt, yt))\n"
            "print(f\"test accuracy {history.epoch['val_accuracy'][-1]:.0%} on {len(Xt)} new images \"\n"
            "      f\"({', '.join(SHAPE_CLASSES)}; chance 20%)\")"),
       md("The 8 kernels it learned (each started random):"),
       code("viz.plot_filters(model.layers[0])", "figure"),
       md("What they detect in a test image: each kernel's feature map, after ReLU, after pooling."),
       code("viz.plot_feature_maps(model, Xt[0])", "figure"))

lesson("09_mnist", "Lesson 9: a CNN on Fashion-MNIST",
       md("Quick settings: the first 1,000 training images, two epochs, and 300 test images to "
          "measure it on (the full lesson, `demos/09_mnist.py`, trains a bigger CNN on all 60,000 "
          "images for 10 epochs and reaches about 92%). Falls back to the generated shapes when "
          "Fashion-MNIST is not installed."),
       code("from microdl import manual_seed, nn, optim, train, viz\n"
            "from microdl.data import FASHION_CLASSES, SHAPE_CLASSES, DatasetNotFoundError, fashion_mnist, shapes\n"
            "from microdl.nn import losses\n\ntry:\n"
            "    X, y = fashion_mnist(\"train\", download=False)\n"
            "    Xt, yt = fashion_mnist(\"test\", download=False)\n    classes = FASHION_CLASSES\n"
            "except DatasetNotFoundError:\n"
            "    print(\"Fashion-MNIST is not installed: the generated shapes stand in for it.\")\n"
            "    (X, y), (Xt, yt), classes = shapes(1000, seed=0), shapes(300, seed=1), SHAPE_CLASSES\n"
            "X, y, Xt, yt = X[:1000], y[:1000], Xt[:300], yt[:300]\nmanual_seed(0)\n"
            "model = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2, seed=0), nn.ReLU(), nn.MaxPool2d(2),\n"
            "                      nn.Flatten(), nn.Linear(8 * 14 * 14, len(classes), seed=1))\n"
            "history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=2e-3),\n"
            "                    (X, y), epochs=2, batch_size=64, seed=0, validation=(Xt, yt))"),
       code("viz.plot_history(history, held_out=\"test\")   # validation=(Xt, yt): the test images", "figure"),
       code("predicted = train.predict(model, Xt).argmax(axis=1)\n"
            "viz.plot_confusion_matrix(yt, predicted, classes)", "figure"),
       md("Some of its mistakes. `plot_misclassified` is given every test prediction, right and "
          "wrong, so its title counts the mistakes among all 300 test images."),
       code("viz.plot_misclassified(Xt, yt, predicted, classes, max_images=8)", "figure"))

lesson("10_transfer_learning", "Lesson 10: transfer learning",
       md("Reuse a CNN trained on other classes: keep its convolutional layers (the *backbone*, the "
          "features), freeze them, put a new last layer (the *head*) on top and train only that, on "
          "classes the backbone has never seen, from few labelled images.\n\n"
          "With Fashion-MNIST installed, the backbone is the one microdl ships "
          "(`zoo.fashion_backbone()`, trained on all 42,000 training images of T-shirt/top .. Shirt) and "
          "the new classes are Sneaker, Bag and Ankle boot. Without it, the same CNN is pretrained here "
          "on circles and squares and the new classes are triangles, crosses and lines. Every accuracy "
          "below is measured on held-out test images, never on the images trained on."),
       code('''
import numpy as np
from microdl import manual_seed, nn, optim, train, viz, zoo
from microdl.data import FASHION_CLASSES, SHAPE_CLASSES, DatasetNotFoundError, fashion_mnist, shapes
from microdl.nn import losses

def select(X, y, classes, per_class=None):
    """The images of `classes` (the first `per_class` of each), labels renumbered 0, 1, ..."""
    keep = np.sort(np.concatenate([np.flatnonzero(y == k)[:per_class] for k in classes]))
    return X[keep], np.searchsorted(classes, y[keep])

try:
    X, y = fashion_mnist("train", download=False)
    Xt, yt = fashion_mnist("test", download=False)
    names, old, new, fashion = FASHION_CLASSES, [0, 1, 2, 3, 4, 5, 6], [7, 8, 9], True
except DatasetNotFoundError:
    print("Fashion-MNIST is not installed: the generated shapes stand in for it.")
    X, y = shapes(2000, seed=0)
    Xt, yt = shapes(750, seed=1)
    names, old, new, fashion = SHAPE_CLASSES, [0, 1], [2, 3, 4], False
print(f"old classes: {', '.join(names[k] for k in old)}")
print(f"new classes: {', '.join(names[k] for k in new)}")
'''),
       md("**1. A network that knows the old classes.** Its accuracy on their test images:"),
       code('''
manual_seed(0)
if fashion:
    pretrained = zoo.fashion_backbone(head=True)   # shipped weights, SHA-256 checked
else:
    pretrained = zoo.fashion_cnn(len(old), seed=0)  # the same CNN, pretrained here in seconds
    train.fit(pretrained, losses.cross_entropy, optim.Adam(pretrained.parameters(), lr=2e-3),
              select(X, y, old), epochs=4, batch_size=32, seed=0, progress=False)
Xo, yo = select(Xt, yt, old)
old_accuracy = (train.predict(pretrained, Xo).argmax(axis=1) == yo).mean()
print(f"pretrained: {old_accuracy:.1%} right on {len(yo):,} test images of its {len(old)} old classes "
      f"(chance {1 / len(old):.0%})")
'''),
       md("**2. Transfer.** Keep its convolutional layers, freeze every weight, add a new 3-class head "
          "and train only the head: 100 labelled images of each new class, batches of 32, 4 epochs. "
          "After each epoch it is tested on the new classes' test images."),
       code('''
backbone = pretrained[:zoo.BACKBONE_LAYERS].freeze()   # the convolutions; the old head goes
model = nn.Sequential(*backbone, nn.Linear(zoo.FEATURES, len(new), seed=10))   # the new head
trainable = [p for p in model.parameters() if p.requires_grad]
print(f"frozen: {model.num_parameters() - sum(p.size for p in trainable):,} weights, "
      f"trained: {sum(p.size for p in trainable):,} (the new head)")
Xn, yn = select(X, y, new, per_class=100)   # 300 labelled training images
Xnt, ynt = select(Xt, yt, new)              # test images of the new classes: never trained on
transfer = train.fit(model, losses.cross_entropy, optim.Adam(trainable, lr=2e-3), (Xn, yn),
                     epochs=4, batch_size=32, seed=0, validation=(Xnt, ynt))
print(f"transfer: {transfer.epoch['val_accuracy'][-1]:.1%} on {len(ynt):,} test images of the "
      f"new classes (chance 33%)")
'''),
       md("**3. The baseline.** The same CNN from a random start, every weight trained, on the same 300 "
          "images with the same epochs, batch size and learning rate:"),
       code('''
manual_seed(0)
random_backbone = zoo.fashion_cnn(seed=20)[:zoo.BACKBONE_LAYERS]   # the same layers, random weights
scratch_model = nn.Sequential(*random_backbone, nn.Linear(zoo.FEATURES, len(new), seed=30))
scratch = train.fit(scratch_model, losses.cross_entropy, optim.Adam(scratch_model.parameters(), lr=2e-3),
                    (Xn, yn), epochs=4, batch_size=32, seed=0, validation=(Xnt, ynt))
print(f"from scratch: all {scratch_model.num_parameters():,} weights trained: "
      f"{scratch.epoch['val_accuracy'][-1]:.1%} on the same test images")
for epoch in (1, 4):
    print(f"after epoch {epoch}: transfer {transfer.epoch['val_accuracy'][epoch - 1]:.1%}, "
          f"from scratch {scratch.epoch['val_accuracy'][epoch - 1]:.1%}")
'''),
       code('''
import matplotlib.pyplot as plt
from matplotlib.ticker import PercentFormatter

epochs = range(1, 5)
plt.plot(epochs, transfer.epoch["val_accuracy"], "o-", label="transfer: frozen backbone, new head")
plt.plot(epochs, scratch.epoch["val_accuracy"], "s-", label="from scratch: every weight trains")
plt.axhline(1 / 3, color="grey", linestyle="--", label="chance (1 in 3)")
plt.xticks(epochs)
plt.ylim(0, 1)
plt.gca().yaxis.set_major_formatter(PercentFormatter(1.0))
plt.xlabel("epoch")
plt.ylabel("accuracy on the test images")
plt.title(f"The new classes: same {len(Xn)} labelled images, same epochs")
plt.legend(loc="lower right")
plt.show()
''', "figure"),
       md("Which test images of the new classes the transferred model gets right and wrong:"),
       code('''
predicted = train.predict(model, Xnt).argmax(axis=1)
viz.plot_confusion_matrix(ynt, predicted, [names[k] for k in new])
''', "figure"),
       md("**What the numbers show.** The pretrained network really learned its old classes. With "
          "its features frozen, a head of a few thousand weights trained on only 300 images is far "
          "above chance (33%) on test images of classes the backbone never saw. The same CNN trained "
          "from scratch on those 300 images comes close on these three easy classes: with "
          "Fashion-MNIST it stays a couple of points behind; with the shapes, whose new classes look "
          "less like the old ones, it starts far behind after one epoch and catches up over the "
          "epochs. Transfer pays most when labels are few and time is short.\n\n"
          "Try it: give each new class 10 labelled images instead of 100 (`per_class=10` in step 2) "
          "and train both again; `demos/10_transfer_learning.py --labels 10` does the same on all "
          "the test images. And how much comes from the pretraining? Replace the backbone by a "
          "random, frozen one, `zoo.fashion_cnn(seed=0)[:zoo.BACKBONE_LAYERS].freeze()`, and train "
          "the head again."))

lesson("11_graduation", "Lesson 11: graduation to PyTorch and ONNX",
       md("A model trained in microdl moves on: `export.to_torch` gives a `torch.nn.Module` with the "
          "same weights, `export.to_onnx` an ONNX file for onnxruntime (or Netron), and "
          "`export.to_torch_code` the PyTorch source of the same network. Needs "
          "`pip install -e '.[torch,onnx]'` (in microdl's folder)."),
       code("import numpy as np\nfrom microdl import export, manual_seed, nn, optim, train\n"
            "from microdl.data import shapes\n\nX, y = shapes(400, seed=0)\nXt, yt = shapes(200, seed=1)\nmanual_seed(0)\n"
            "model = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2, seed=0), nn.ReLU(), nn.MaxPool2d(4),\n"
            "                      nn.Flatten(), nn.Linear(8 * 7 * 7, 5, seed=1))\n"
            "loss_fn = nn.CrossEntropyLoss()\noptimizer = optim.Adam(model.parameters(), lr=3e-3)\n"
            "history = train.fit(model, loss_fn, optimizer, (X, y), epochs=1, seed=0, progress=False,\n"
            "                    validation=(Xt, yt))\nmodel.eval()\n"
            "print(f\"microdl: test accuracy {history.epoch['val_accuracy'][-1]:.0%}\")"),
       md("Your microdl code, in PyTorch:"),
       code("export.to_torch_code(model, loss_fn, optimizer)"),
       md("The same model in PyTorch and in onnxruntime gives the same scores:"),
       code("import tempfile\nfrom pathlib import Path\n\nimport onnxruntime\nimport torch\n\n"
            "ours = train.predict(model, Xt)\n"
            "torch_model = export.to_torch(model)\nwith torch.no_grad():\n"
            "    theirs = torch_model(torch.from_numpy(Xt)).numpy()\n"
            "path = export.to_onnx(model, Xt[:1], Path(tempfile.gettempdir()) / \"shapes_cnn.onnx\")\n"
            "onnx_scores = onnxruntime.InferenceSession(path).run(None, {\"input\": Xt})[0]\n"
            "print(f\"largest difference: PyTorch {abs(theirs - ours).max():.1e}, \"\n"
            "      f\"onnxruntime {abs(onnx_scores - ours).max():.1e}\")"),
       md("Now PyTorch trains it one more epoch, in plain PyTorch:"),
       code("import matplotlib.pyplot as plt\n\ntorch.manual_seed(0)\n"
            "torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=3e-3)\n"
            "torch_model.train()\nlosses = []\n"
            "for batch in torch.randperm(len(X)).split(32):\n"
            "    torch_optimizer.zero_grad()\n"
            "    loss = torch.nn.functional.cross_entropy(torch_model(torch.from_numpy(X[batch.numpy()])),\n"
            "                                             torch.from_numpy(y[batch.numpy()]))\n"
            "    loss.backward()\n    torch_optimizer.step()\n    losses.append(loss.item())\n"
            "plt.plot(history.iteration[\"loss\"], label=\"microdl\")\n"
            "plt.plot(range(len(history.iteration[\"loss\"]), len(history.iteration[\"loss\"]) + len(losses)), losses,\n"
            "         label=\"one more epoch in PyTorch\")\n"
            "plt.xlabel(\"batch\")\nplt.ylabel(\"training loss\")\nplt.legend()\nplt.show()", "figure"),
       md("And back: `export.from_torch(torch_model)` is a microdl model with PyTorch's weights."),
       code("back = export.from_torch(torch_model.eval())\nwith torch.no_grad():\n"
            "    theirs = torch_model(torch.from_numpy(Xt)).numpy()\n"
            "print(f\"largest difference: {abs(train.predict(back, Xt) - theirs).max():.1e}\")"))


def notebook(title, cells):
    book = nbformat.v4.new_notebook()
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.cells.append(nbformat.v4.new_markdown_cell(f"# {title}"))
    for kind, text, tag in cells:
        if kind == "markdown":
            book.cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cell = nbformat.v4.new_code_cell(text)
            if tag:
                cell.metadata["tags"] = [tag]
            book.cells.append(cell)
    for i, cell in enumerate(book.cells):  # stable ids: regenerating changes nothing
        cell.id = f"cell-{i}"
    return book


def main():
    for name, (title, cells) in LESSONS.items():
        path = HERE / f"{name}.ipynb"
        nbformat.write(notebook(title, cells), path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
