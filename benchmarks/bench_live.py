"""How much a live view slows training down: fit(..., live=LiveView(...)) against plain fit.

    python benchmarks/bench_live.py            # moons MLP (tensor and scalar engines), shapes CNN
    python benchmarks/bench_live.py --quick

Each run trains the same model from the same seed twice, without and with a live view
that draws every frame to a PNG in memory, as a notebook does (show="offscreen"; a window
costs about the same). The view picks its redraw interval so that drawing costs at most
20 % of the time; the first and the last frame are always drawn, so very short runs pay
more. Printed: seconds without, seconds with, the overhead and the number of redraws.
"""
import argparse
import time

from microdl import data, nn, optim, train
from microdl.nn.losses import cross_entropy
from microdl.viz import LiveView


def moons_tensor(epochs):
    X, y = data.moons(2000, noise=0.15, seed=0)
    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Linear(16, 16, seed=1), nn.ReLU(),
                          nn.Linear(16, 2, seed=2))
    return model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.01), (X, y), epochs, 32


def moons_scalar(epochs):
    X, y = data.moons(200, noise=0.15, seed=0)
    model = nn.MLP(2, [8, 8, 2], seed=0)
    return model, cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y), epochs, 16


def shapes_cnn(epochs):
    X, y = data.shapes(2000, seed=0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1, seed=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(16 * 7 * 7, 5, seed=2))
    return model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.003), (X, y), epochs, 32


def timed(case, epochs, live):
    model, loss_fn, optimizer, train_data, epochs, batch_size = case(epochs)
    view = LiveView(show="offscreen", class_names=data.SHAPE_CLASSES) if live else None
    started = time.perf_counter()
    train.fit(model, loss_fn, optimizer, train_data, epochs=epochs, batch_size=batch_size, seed=0, live=view)
    return time.perf_counter() - started, view


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (the fixed first/last frames weigh more)")
    args = parser.parse_args()
    cases = [("moons MLP, tensor engine", moons_tensor, 40 if args.quick else 150),
             ("moons MLP, scalar engine", moons_scalar, 10 if args.quick else 60),
             ("shapes CNN", shapes_cnn, 1 if args.quick else 3)]
    print(f"{'model':<26} {'plain s':>8} {'live s':>8} {'overhead':>9} {'redraws':>8} {'every':>7}")
    for name, case, epochs in cases:
        plain, _ = timed(case, epochs, live=False)
        live, view = timed(case, epochs, live=True)
        print(f"{name:<26} {plain:8.2f} {live:8.2f} {(live - plain) / plain:9.1%} {view.redraws:8d} "
              f"{view._interval:7d}")


if __name__ == "__main__":
    main()
