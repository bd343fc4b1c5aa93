"""How fast the loss landscapes and the explorers are (issue 12).

    python benchmarks/bench_landscape.py                # everything
    python benchmarks/bench_landscape.py --only cnn     # moons, cnn, grid or redraw

moons:  lesson 7's plot_loss_landscape: the moons MLP (337 Values), three runs, 25 x 25.
cnn:    lesson 9's figure (demos/09_mnist.landscape_figure): the lesson's CNN from its start
        on 500 Fashion-MNIST images (the shapes images where the data is missing), three
        runs, a 15 x 15 grid on 256 images. The goal: under a minute on 2 cores.
grid:   the CNN's loss evaluations: CPU a point on all 500 images and on 256, and what the
        old budget (25 x 25 grid, 80 recorded steps a run, every image) and the new one
        (15 x 15, 30 a run, 256 images) cost in evaluations; printed as a ratio.
redraw: the explorers at 1280x720: CPU milliseconds a slider move costs in a window
        (SceneWindow on an Agg canvas: the work a real window does), split into the scene's
        redraw (in place, Scene.update_in_place, against clearing and drawing afresh) and
        the canvas render, for explore_landscape, explore_convolution and explore_backprop.
        The goal: < 150 ms.

The machine may be shared by other work: the load average is printed; CPU times
(process_time) are less disturbed by it than wall-clock seconds.
"""
import argparse
import os
import importlib.util
import statistics
import time
from pathlib import Path

import numpy as np

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def lesson(name):
    spec = importlib.util.spec_from_file_location(name, DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(function, *args, **kwargs):
    """(result, wall seconds); the CPU seconds of the last call are in timed.cpu."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    timed.cpu = time.process_time() - cpu
    return result, time.perf_counter() - started


def bench_moons():
    from microdl import nn
    from microdl.data import moons
    from microdl.nn import losses
    from microdl.viz import plot_loss_landscape
    seven = lesson("07_moons_mlp")
    X, y = moons(seven.POINTS, noise=seven.NOISE, seed=1)
    start = nn.MLP(2, [16, 16, 1], seed=0)

    def loss_fn(scores, labels):
        return losses.hinge_loss(scores, labels) + losses.l2_regularization(start.parameters(), seven.ALPHA)
    _, seconds = timed(plot_loss_landscape, start, (X, y), loss_fn, batch_sizes=seven.LANDSCAPE_BATCHES, lr=seven.LANDSCAPE_LRS,
                       epochs=seven.LANDSCAPE_EPOCHS, resolution=25)
    print(f"moons MLP, 25 x 25 grid, three runs of {seven.LANDSCAPE_EPOCHS} epochs: {seconds:.1f} s "
          f"({timed.cpu:.1f} s CPU)")


def cnn_data():
    from microdl.data import DatasetNotFoundError, fashion_mnist, shapes
    try:
        X, y = fashion_mnist("train", download=False)
        return X[:1000], y[:1000], "Fashion-MNIST"
    except (DatasetNotFoundError, OSError):
        X, y = shapes(1000, seed=0)
        return X, y, "shapes (Fashion-MNIST not found)"


def bench_cnn():
    nine = lesson("09_mnist")
    X, y, name = cnn_data()
    args = argparse.Namespace(quick=False, seed=0)
    _, seconds = timed(nine.landscape_figure, X, y, args)
    print(f"lesson-9 CNN on {nine.LANDSCAPE_IMAGES} {name} images, 15 x 15 grid on 256, three runs "
          f"of {nine.LANDSCAPE_EPOCHS} epochs: {seconds:.1f} s ({timed.cpu:.1f} s CPU; goal: < 60 s)")


def bench_grid():
    """CPU per grid point at the old budget (every one of lesson 9's 500 images) and the new
    one (256), and what the two budgets cost: grid points plus recorded steps (3 runs)."""
    from microdl.nn import losses
    from microdl.viz.landscape.model_weights import ModelWeights
    from microdl.viz.landscape.plane import RandomPlane
    from microdl.viz.landscape.plane_grid import plane_losses
    nine = lesson("09_mnist")
    X, y, _ = cnn_data()
    model = nine.build_model(0, 16)
    weights = ModelWeights(model)
    plane = RandomPlane(weights, seed=0).centre_on(weights.get())
    a, b = np.linspace(-1, 1, 5), np.array([0.5])
    per_point = {}
    for images in (nine.LANDSCAPE_IMAGES, 256):
        timed(plane_losses, model, plane, losses.cross_entropy, X[:images], y[:images], a, b)
        per_point[images] = timed.cpu / len(a)
    old = (25 * 25 + 3 * 80) * per_point[nine.LANDSCAPE_IMAGES]
    new = (15 * 15 + 3 * 30) * per_point[256]
    print(f"lesson-9 CNN, one loss evaluation: {per_point[nine.LANDSCAPE_IMAGES] * 1000:.0f} ms CPU on "
          f"{nine.LANDSCAPE_IMAGES} images, {per_point[256] * 1000:.0f} ms on 256. Evaluations: old budget "
          f"(25 x 25 grid + 3 x 80 recorded steps, all images) {old:.0f} s CPU, new (15 x 15 + 3 x 30 on 256) "
          f"{new:.0f} s: {old / new:.1f}x less")


def redraw_times(scene, moves, in_place, repeat=3):
    """CPU seconds per change of a SceneWindow, as (scene redrawn, canvas rendered) lists: the
    scene in place or cleared and drawn afresh as before, then the canvas drawn once, as a
    window's event loop does (Agg). CPU time, since other work may share the machine."""
    from microdl.viz.canvas import SceneWindow
    window = SceneWindow(scene)
    canvas = window.figure.canvas
    canvas.draw_idle = lambda *args, **kwargs: None      # a window draws once per change, when idle
    if not in_place:
        scene.update_in_place = lambda fig, **state: False
    canvas.draw()
    redrawn, rendered = [], []
    for _ in range(repeat):
        for move in moves:
            started = time.process_time()
            scene.set(**move)
            middle = time.process_time()
            canvas.draw()
            redrawn.append(middle - started)
            rendered.append(time.process_time() - middle)
    return redrawn, rendered


def bench_redraw():
    from microdl import Value
    from microdl.viz import explore_backprop, explore_convolution, explore_landscape
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    cases = {
        "explore_landscape (bowl), lr slider": (explore_landscape("bowl"),
                                                [{"lr": lr} for lr in (0.05, 0.1, 0.15, 0.2)]),
        "explore_landscape (bowl), start slider": (explore_landscape("bowl"),
                                                   [{"start_1": v} for v in (-1.0, 0.5, 1.5, 2.0)]),
        "explore_convolution, cell pick": (explore_convolution(),
                                           [{"row": r, "col": c} for r, c in ((0, 1), (1, 2), (2, 0), (2, 2))]),
        "explore_convolution, kernel edit": (explore_convolution(),
                                             [{"weight": w} for w in (1.0, 2.0, -1.0, 0.0)]),
        "explore_backprop (a*b + c.tanh()), next step": (explore_backprop(a * b + c.tanh()),
                                                         [{"step": i} for i in (1, 2, 3, 4)]),
    }
    for label, (scene, moves) in cases.items():
        if "step" in moves[0]:
            moves = [{scene.frame_control: scene.controls[scene.frame_control].choices[m["step"]]} for m in moves]
        afresh = [statistics.median(t) * 1000 for t in redraw_times(scene, moves, in_place=False)]
        del scene.update_in_place                            # the scene's own again
        in_place = [statistics.median(t) * 1000 for t in redraw_times(scene, moves, in_place=True)]
        print(f"{label}: in place {sum(in_place):.0f} ms ({in_place[0]:.0f} redraw + {in_place[1]:.0f} render), "
              f"afresh {sum(afresh):.0f} ms ({afresh[0]:.0f} + {afresh[1]:.0f}): "
              f"{sum(afresh) / sum(in_place):.1f}x (median CPU ms a change; goal < 150 ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["moons", "cnn", "grid", "redraw"], action="append")
    chosen = parser.parse_args().only or ["grid", "redraw", "moons", "cnn"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name in chosen:
        globals()[f"bench_{name}"]()


if __name__ == "__main__":
    main()
