"""How much a live view slows training down: fit(..., live=LiveView(...)) against plain fit.

    python benchmarks/bench_live.py            # moons MLP (tensor and scalar engines), shapes CNN
    python benchmarks/bench_live.py --case cnn --repeat 4
    python benchmarks/bench_live.py --quick

Each case trains the same model from the same seed, without and with a live view that
draws every frame and encodes it as a PNG in memory, as a notebook does (show="offscreen";
a window draws the same figure without the encoding), --repeat times (default 3) in the
same invocation, the order alternating (plain first, then live first, ...). Before timing,
untimed: one frame (importing matplotlib and loading fonts happens once per process, not
per redraw) and a few steps of each case (the conv workspace's buffers). OpenBLAS runs
one thread (--threads to change it). The view picks its redraw interval so that drawing
costs at most 20 % of the training time, and keeps an account so that the first and the
last frame are paid for within that budget. The goal (issue 11): overhead at most 25 %.

The CNN case is lesson 9's CNN (demos/09_mnist.py, its settings) on 3000 shape images for
3 epochs, ~5 s of CPU on one thread: a run long enough for a class to watch the strip of
predictions change. Lesson 8's small CNN on its 3000 images x 4 epochs trains in ~1 s,
and a run that short is dominated by the first and the last frame (~0.2 s each, drawn
whatever the interval): nobody turns on a live view for it, so it measures nothing.

Printed per run: seconds without (plain fit) and with the view, the overhead
(with - without) / without on the wall clock and in CPU seconds of this process (steadier
when other programs share the machine; the verdict uses it), the redraws, the seconds one
frame took (mean) and the interval the view settled on; per case the medians.
"""
import argparse
import os
import statistics
import sys
import time

# The thread count must be set before NumPy starts OpenBLAS. One thread by default: on a
# machine shared with other work, OpenBLAS threads waiting for a descheduled partner spin,
# and the plain run (all matrix products) suffered that more than the live run, whose
# drawing gaps let the spinning stop: measured -30 .. -70 % "overhead" with 2 threads.
_THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "1"
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = _THREADS

from microdl import data, nn, optim, train     # noqa: E402 (after the thread settings)
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
    """Lesson 9's CNN and settings (demos/09_mnist.py: two 5x5 convolutions of 16 and 32
    channels, a dense layer of 128 with dropout, batch 64, Adam 2e-3) on 3000 shape images:
    a run of several seconds, as a class watches live (see the module docstring)."""
    X, y = data.shapes(1000 if epochs < 3 else 3000, seed=0)
    model = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 5, padding=2, seed=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(32 * 7 * 7, 128, seed=2), nn.ReLU(), nn.Dropout(0.25, seed=0),
                          nn.Linear(128, 5, seed=3))
    return model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=2e-3), (X, y), epochs, 64


def timed(case, epochs, live):
    """(wall seconds, CPU seconds, the view) of one fit."""
    model, loss_fn, optimizer, train_data, epochs, batch_size = case(epochs)
    view = LiveView(show="offscreen", class_names=data.SHAPE_CLASSES) if live else None
    started, cpu = time.perf_counter(), time.process_time()
    train.fit(model, loss_fn, optimizer, train_data, epochs=epochs, batch_size=batch_size, seed=0, live=view,
              progress=False)
    return time.perf_counter() - started, time.process_time() - cpu, view


def warm_up(cases):
    """Untimed, once: import matplotlib and load the fonts (a frame of an untrained model),
    and a few training steps of every case (the conv workspace's buffers are made then)."""
    model, *_ = moons_tensor(1)
    view = LiveView(show="offscreen", every=1)
    X, y = data.moons(64, seed=0)
    view.attach(X, y).update(model, loss=1.0, step=1)
    view.current_figure()
    for _name, case, _epochs in cases:
        model, loss_fn, optimizer, (X, y), _, batch_size = case(1)
        train.fit(model, loss_fn, optimizer, (X[:4 * batch_size], y[:4 * batch_size]), epochs=1,
                  batch_size=batch_size, seed=0, progress=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (the fixed first/last frames weigh more)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument("--threads", default="1", help="OpenBLAS threads (default 1; read before NumPy loads)")
    parser.add_argument("--case", choices=["tensor", "scalar", "cnn"], action="append",
                        help="only these cases (repeatable; default: all three)")
    args = parser.parse_args()
    cases = [("moons MLP, tensor engine", moons_tensor, 40 if args.quick else 150),
             ("moons MLP, scalar engine", moons_scalar, 10 if args.quick else 60),
             ("shapes CNN (lesson 9's)", shapes_cnn, 1 if args.quick else 3)]
    chosen = {"tensor": cases[0], "scalar": cases[1], "cnn": cases[2]}
    cases = [chosen[name] for name in args.case] if args.case else cases
    print(f"{'model':<26} {'run':>3} {'plain s':>8} {'live s':>8} {'overhead':>9} {'CPU ovh':>8} "
          f"{'redraws':>8} {'s/frame':>8} {'every':>6}")
    warm_up(cases)
    for name, case, epochs in cases:
        wall, cpu = [], []
        for run in range(1, args.repeat + 1):
            if run % 2:                      # alternate which goes first: a drift in load hits both
                plain, plain_cpu, _ = timed(case, epochs, live=False)
                live, live_cpu, view = timed(case, epochs, live=True)
            else:
                live, live_cpu, view = timed(case, epochs, live=True)
                plain, plain_cpu, _ = timed(case, epochs, live=False)
            wall.append((live - plain) / plain)
            cpu.append((live_cpu - plain_cpu) / plain_cpu)
            print(f"{name:<26} {run:3d} {plain:8.2f} {live:8.2f} {wall[-1]:9.1%} {cpu[-1]:8.1%} {view.redraws:8d} "
                  f"{view.redraw_seconds / max(view.redraws, 1):8.2f} {view._interval:6d}", flush=True)
        median, median_cpu = statistics.median(wall), statistics.median(cpu)
        verdict = "ok" if median_cpu <= 0.25 else "OVER the 25 % goal"
        print(f"{'':<26} median overhead CPU {median_cpu:.1%} (runs {min(cpu):.1%} .. {max(cpu):.1%}), "
              f"wall {median:.1%} (runs {min(wall):.1%} .. {max(wall):.1%}): {verdict} "
              f"[{_THREADS} thread(s)]", flush=True)

if __name__ == "__main__":
    main()
