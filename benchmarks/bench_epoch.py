"""Lesson 9 end to end: a training epoch, and a fixed time budget, microdl vs PyTorch, each alone.

epoch (default): one epoch of demos/09_mnist.py's CNN on Fashion-MNIST exactly as the
lesson trains it (microdl.train.fit: shuffling, batching, forward, backward, Adam 2e-3,
the cosine schedule, the per-batch loss and accuracy, then the evaluation pass on the
10,000 test images), against PyTorch running the same model, schedule and data pipeline
(the same NumPy permutation, X[indices] batches, loss.item() and accuracy per batch, the
test pass in batches of 256 under no_grad). Printed: median seconds per epoch over the
rounds, spread, ratio (goal <= 1.0).

--budget SECONDS: each framework trains the lesson's model (Adam 1e-3, batch 64, the same
data order) until SECONDS have passed, then reports its epochs, test accuracy and peak
resident memory (the process's ru_maxrss, data included). The issue's budget is
--budget 280; the default, 30 s, is a quick look.

Each measurement is a fresh process; the frameworks alternate (alone.py says why).

    python benchmarks/bench_epoch.py [--rounds 3] [--train-size 60000]
    python benchmarks/bench_epoch.py --budget 280 --rounds 1
"""
import argparse
import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from alone import machine_load, ratio_line, run_rounds, spread

ROOT = Path(__file__).resolve().parents[1]
EVAL_BATCH = 256   # microdl.train.evaluate's batch size


def lesson():
    spec = importlib.util.spec_from_file_location("lesson9", ROOT / "demos" / "09_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(train_size):
    from microdl.data import fashion_mnist
    X, y = fashion_mnist("train", download=False)
    Xt, yt = fashion_mnist("test", download=False)
    return X[:train_size], y[:train_size], Xt, yt


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- microdl ----------------------------------------------------------------------------------

def microdl_epoch(train_size):
    demo = lesson()
    X, y, Xt, yt = load(train_size)
    _, history, seconds = demo.train_model(X, y, Xt, yt, epochs=1, progress=False)
    accuracy = history.epoch["val_accuracy"][-1]
    return {"seconds": seconds, "accuracy": accuracy, "summary": f"{seconds:.1f} s, test {accuracy:.2%}"}


def microdl_budget(budget, train_size):
    from microdl import Tensor, manual_seed, nn, no_grad, optim
    demo = lesson()
    X, y, Xt, yt = load(train_size)
    manual_seed(0)
    model = demo.build_model(0)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)

    def step(rows):
        loss = nn.functional.cross_entropy(model(Tensor(X[rows])), y[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.train()
    steps = steps_within(budget, len(X), demo.BATCH_SIZE, step)
    model.eval()
    with no_grad():
        predicted = np.concatenate([model(Tensor(Xt[i:i + EVAL_BATCH])).data.argmax(1)
                                    for i in range(0, len(Xt), EVAL_BATCH)])
    return budget_answer(steps, len(X), demo.BATCH_SIZE, float((predicted == yt).mean()))


def steps_within(budget, n, batch, step):
    """Call step(rows) on batches of a fresh permutation (seed 0) each epoch until `budget`
    seconds have passed: the same data order for both frameworks. Returns the steps made."""
    rng, steps, start = np.random.default_rng(0), 0, time.perf_counter()
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch):
            step(order[i:i + batch])
            steps += 1
            if time.perf_counter() - start >= budget:
                return steps


def budget_answer(steps, n, batch, accuracy):
    epochs = steps * batch / n
    rss = peak_rss_mib()
    return {"epochs": epochs, "steps": steps, "accuracy": accuracy, "rss": rss,
            "summary": f"{steps} steps ({epochs:.2f} epochs), test {accuracy:.2%}, peak RSS {rss:.0f} MiB"}


# --- PyTorch, the same model, schedule and pipeline -----------------------------------------

def torch_model(torch):
    L = torch.nn
    return L.Sequential(L.Conv2d(1, 16, 5, padding=2), L.ReLU(), L.MaxPool2d(2),
                        L.Conv2d(16, 32, 5, padding=2), L.ReLU(), L.MaxPool2d(2), L.Flatten(),
                        L.Linear(1568, 128), L.ReLU(), L.Dropout(0.25), L.Linear(128, 10))


def torch_setup():
    import torch
    from alone import torch_threads
    torch.set_num_threads(torch_threads())
    torch.manual_seed(0)
    return torch


def torch_epoch(train_size):
    torch = torch_setup()
    demo = lesson()
    X, y, Xt, yt = load(train_size)
    start = time.perf_counter()
    model = torch_model(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=demo.LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=1)
    X_all, y_all = torch.from_numpy(X), torch.from_numpy(y)
    order = np.random.default_rng(0).permutation(len(X))        # fit(seed=0)'s shuffle
    model.train()
    losses, accuracies = [], []
    for i in range(0, len(X), demo.BATCH_SIZE):
        rows = torch.from_numpy(order[i:i + demo.BATCH_SIZE])
        xb, yb = X_all[rows], y_all[rows]
        outputs = model(xb)
        loss = torch.nn.functional.cross_entropy(outputs, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())                              # fit's history, per batch
        accuracies.append(float((outputs.argmax(1) == yb).float().mean()))
    schedule.step()
    accuracy = torch_test_accuracy(torch, model, Xt, yt)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "accuracy": accuracy, "summary": f"{seconds:.1f} s, test {accuracy:.2%}"}


def torch_test_accuracy(torch, model, Xt, yt):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(Xt), EVAL_BATCH):
            xb, yb = torch.from_numpy(Xt[i:i + EVAL_BATCH]), torch.from_numpy(yt[i:i + EVAL_BATCH])
            outputs = model(xb)
            torch.nn.functional.cross_entropy(outputs, yb).item()   # fit's evaluation loss
            correct += int((outputs.argmax(1) == yb).sum())
    return correct / len(Xt)


def torch_budget(budget, train_size):
    torch = torch_setup()
    demo = lesson()
    X, y, Xt, yt = load(train_size)
    model = torch_model(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    X_all, y_all = torch.from_numpy(X), torch.from_numpy(y)

    def step(rows):
        rows = torch.from_numpy(rows)
        loss = torch.nn.functional.cross_entropy(model(X_all[rows]), y_all[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.train()
    steps = steps_within(budget, len(X), demo.BATCH_SIZE, step)
    return budget_answer(steps, len(X), demo.BATCH_SIZE, torch_test_accuracy(torch, model, Xt, yt))


# --- the driver ------------------------------------------------------------------------------

def worker(args):
    if args.budget is not None:
        run = microdl_budget if args.worker == "microdl" else torch_budget
        answer = run(args.budget, args.train_size)
    else:
        answer = (microdl_epoch if args.worker == "microdl" else torch_epoch)(args.train_size)
    print(json.dumps(answer))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--train-size", type=int, default=60000, help="training images (<= 60000)")
    parser.add_argument("--budget", type=float, nargs="?", const=30.0, default=None,
                        help="train for this many seconds instead of one epoch (default 30)")
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP/PyTorch threads (default 2)")
    parser.add_argument("--worker", choices=["microdl", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    try:
        load(1)
    except Exception as error:  # DatasetNotFoundError, OSError: say why and stop
        sys.exit(f"bench_epoch: Fashion-MNIST is needed: {error}")
    common = ["--train-size", str(args.train_size)] + (["--budget", str(args.budget)] if args.budget else [])
    jobs = {"microdl": (["--worker", "microdl", *common], None), "PyTorch": (["--worker", "torch", *common], None)}
    what = f"a {args.budget:g}-s budget" if args.budget else f"one lesson-9 epoch on {args.train_size:,} images"
    print(f"{what}, each framework alone, {args.rounds} alternating rounds, {args.threads} threads; load average {machine_load():.1f}")
    results = run_rounds(__file__, jobs, args.rounds, args.threads)
    ours, theirs = results["microdl"], results["PyTorch"]
    if not (ours and theirs):
        return 1
    if args.budget:
        for name, runs in (("microdl", ours), ("PyTorch", theirs)):
            print(f"{name:<8} {spread([r['steps'] for r in runs])[0]:6.0f} steps "
                  f"({spread([r['epochs'] for r in runs])[0]:.2f} epochs), test accuracy "
                  f"{spread([r['accuracy'] for r in runs])[0]:.2%}, peak RSS {spread([r['rss'] for r in runs])[0]:.0f} MiB")
        print(f"accuracy microdl - PyTorch {spread([r['accuracy'] for r in ours])[0] - spread([r['accuracy'] for r in theirs])[0]:+.2%} "
              f"(goal >= 0); peak RSS microdl/PyTorch {spread([r['rss'] for r in ours])[0] / spread([r['rss'] for r in theirs])[0]:.2f}x (goal <= 1.0)")
    else:
        print(ratio_line("lesson-9 epoch", [r["seconds"] for r in ours], [r["seconds"] for r in theirs],
                         unit="s", scale=1, goal=1.0))
    print(f"load average after: {machine_load():.1f} (a shared machine: compare ratios, not times)")


if __name__ == "__main__":
    sys.exit(main())
