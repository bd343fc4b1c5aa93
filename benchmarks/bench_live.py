"""How much a live view slows training down: fit(..., live=LiveView(...)) against plain fit.

    python benchmarks/bench_live.py            # moons MLP (tensor and scalar engines), shapes CNN
    python benchmarks/bench_live.py --quick

Each case trains the same model from the same seed, alternating without and with a live
view that draws every frame and encodes it as a PNG in memory, as a notebook does
(show="offscreen"; a window draws the same figure without the encoding), --repeat times
(default 3) in the same invocation. Before timing, one frame is drawn untimed: importing
matplotlib and loading fonts happens once per process, not per redraw. The view picks its
redraw interval so that drawing costs at most 20 % of the training time, and keeps an
account so that the first and the last frame are paid for within that budget. The goal
(issue 11): overhead at most 25 %.

Printed per run: seconds without (plain fit) and with the view, the overhead
(with - without) / without on the wall clock and in CPU seconds of this process (steadier
when other programs share the machine), the redraws, the seconds one frame took (mean)
and the interval the view settled on; per case the medians.
"""
import argparse
import statistics
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
    """(wall seconds, CPU seconds, the view) of one fit."""
    model, loss_fn, optimizer, train_data, epochs, batch_size = case(epochs)
    view = LiveView(show="offscreen", class_names=data.SHAPE_CLASSES) if live else None
    started, cpu = time.perf_counter(), time.process_time()
    train.fit(model, loss_fn, optimizer, train_data, epochs=epochs, batch_size=batch_size, seed=0, live=view,
              progress=False)
    return time.perf_counter() - started, time.process_time() - cpu, view


def warm_up():
    """Import matplotlib and load the fonts once, untimed (a frame of an untrained model)."""
    model, *_ = moons_tensor(1)
    view = LiveView(show="offscreen", every=1)
    X, y = data.moons(64, seed=0)
    view.attach(X, y).update(model, loss=1.0, step=1)
    view.current_figure()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (the fixed first/last frames weigh more)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument("--case", choices=["tensor", "scalar", "cnn"], action="append",
                        help="only these cases (repeatable; default: all three)")
    args = parser.parse_args()
    cases = [("moons MLP, tensor engine", moons_tensor, 40 if args.quick else 150),
             ("moons MLP, scalar engine", moons_scalar, 10 if args.quick else 60),
             ("shapes CNN", shapes_cnn, 1 if args.quick else 3)]
    chosen = {"tensor": cases[0], "scalar": cases[1], "cnn": cases[2]}
    cases = [chosen[name] for name in args.case] if args.case else cases
    print(f"{'model':<26} {'run':>3} {'plain s':>8} {'live s':>8} {'overhead':>9} {'CPU ovh':>8} "
          f"{'redraws':>8} {'s/frame':>8} {'every':>6}")
    warm_up()
    for name, case, epochs in cases:
        wall, cpu = [], []
        for run in range(1, args.repeat + 1):
            plain, plain_cpu, _ = timed(case, epochs, live=False)
            live, live_cpu, view = timed(case, epochs, live=True)
            wall.append((live - plain) / plain)
            cpu.append((live_cpu - plain_cpu) / plain_cpu)
            print(f"{name:<26} {run:3d} {plain:8.2f} {live:8.2f} {wall[-1]:9.1%} {cpu[-1]:8.1%} {view.redraws:8d} "
                  f"{view.redraw_seconds / max(view.redraws, 1):8.2f} {view._interval:6d}", flush=True)
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        verdict = "ok" if median <= 0.25 else "OVER the 25 % goal"
        print(f"{'':<26} median overhead {median:.1%} (CPU {median_cpu:.1%}), runs {min(wall):.1%} .. "
              f"{max(wall):.1%}: {verdict}", flush=True)

if __name__ == "__main__":
    main()
