"""How much a live view slows training down: fit(..., live=LiveView(...)) against plain fit.

    python benchmarks/bench_live.py            # moons MLP (tensor and scalar engines), shapes CNN
    python benchmarks/bench_live.py --quick

Each case trains the same model from the same seed, alternating without and with a live
view that draws every frame to a PNG in memory, as a notebook does (show="offscreen"; a
window costs about the same), --repeat times (default 2) in the same invocation. The view
picks its redraw interval so that drawing costs at most 20 % of the training time, and
keeps an account so that the first frame (which also loads fonts) and the last one are
paid for within that budget. The goal (issue 11): overhead at most 25 %.

Printed per run: seconds without (plain fit) and with the view, the overhead
(with - without) / without, the redraws, the seconds one frame took (mean) and the
interval the view settled on. The machine may be shared: compare runs, read the spread.
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
    parser.add_argument("--repeat", type=int, default=2, help="runs of each case (default 2)")
    args = parser.parse_args()
    cases = [("moons MLP, tensor engine", moons_tensor, 40 if args.quick else 150),
             ("moons MLP, scalar engine", moons_scalar, 10 if args.quick else 60),
             ("shapes CNN", shapes_cnn, 1 if args.quick else 3)]
    print(f"{'model':<26} {'run':>3} {'plain s':>8} {'live s':>8} {'overhead':>9} {'redraws':>8} "
          f"{'s/frame':>8} {'every':>6}")
    for name, case, epochs in cases:
        overheads = []
        for run in range(1, args.repeat + 1):
            plain, _ = timed(case, epochs, live=False)
            live, view = timed(case, epochs, live=True)
            overheads.append((live - plain) / plain)
            print(f"{name:<26} {run:3d} {plain:8.2f} {live:8.2f} {overheads[-1]:9.1%} {view.redraws:8d} "
                  f"{view.redraw_seconds / max(view.redraws, 1):8.2f} {view._interval:6d}", flush=True)
        verdict = "ok" if max(overheads) <= 0.25 else "OVER the 25 % goal"
        print(f"{'':<26} {'':>3} overhead {min(overheads):.1%} .. {max(overheads):.1%}: {verdict}", flush=True)


if __name__ == "__main__":
    main()
