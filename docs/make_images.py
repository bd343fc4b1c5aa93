"""Redraw the README's pictures into docs/images/: python docs/make_images.py"""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import matplotlib

from microdl import Value, viz
from microdl.data import house_prices
from microdl.nn import Neuron

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
DEMOS = IMAGES.parents[1] / "demos"


def main():
    matplotlib.use("Agg")  # files only, never a window
    IMAGES.mkdir(parents=True, exist_ok=True)
    x = [Value(v, label=f"X{i + 1}") for i, v in enumerate([1.0, 0.0, 1.0])]
    neuron = Neuron(3, activation="sigmoid", weights=[0.3, 0.5, 0.2], bias=-0.1)
    y = neuron(x)
    y.label = "Y"
    y.backward()
    viz.draw_graph(y, params=neuron, show_local=True, renderer="builtin").save(IMAGES / "perceptron_graph.png")
    a = Value(3.0, label="a")
    y = a * a + a  # a is used twice: its grad is a running sum, 1 + 3 + 3 = 7
    y.label = "y"
    viz.explore_backprop(y).step(7).save(IMAGES / "explore_backprop.png", dpi=80)
    size, price = house_prices(50, seed=0)
    viz.compare_batch_sizes(size, price, (1, 10, None), 0.1, 3, 30).savefig(
        IMAGES / "sgd_vs_batch.png", dpi=80, bbox_inches="tight")
    image = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    viz.plot_convolution_steps(image, kernel, cells=[(0, 0), (1, 1)]).savefig(
        IMAGES / "convolution_steps.png", dpi=80, bbox_inches="tight")
    moons_landscape().savefig(IMAGES / "loss_landscape.png", dpi=80, bbox_inches="tight")
    for path in sorted(IMAGES.glob("*.png")):
        print(f"saved {path.relative_to(IMAGES.parents[1])} ({path.stat().st_size // 1024} KiB)")


def moons_landscape():
    """Lesson 7's full-size loss landscape (demos/07_moons_mlp.py), exactly as the lesson draws it."""
    spec = importlib.util.spec_from_file_location("moons_lesson", DEMOS / "07_moons_mlp.py")
    lesson = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lesson)
    X, y = lesson.moons(lesson.POINTS, noise=lesson.NOISE, seed=1)
    return lesson.loss_landscape(X, y, SimpleNamespace(quick=False, seed=0))


if __name__ == "__main__":
    main()
