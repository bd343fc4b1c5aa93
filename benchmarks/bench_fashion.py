"""Fashion-MNIST end to end, short: the lesson-9 CNN for a few epochs, time / accuracy / memory.

Trains demos/09_mnist.py's model on all 60,000 training images and reports, per epoch,
the seconds and the test accuracy, then the peak resident memory of the process. With
PyTorch installed, the same architecture and schedule run in PyTorch in the same
invocation, for the time ratio. (The full lesson, 10 epochs: python demos/09_mnist.py.)

    python benchmarks/bench_fashion.py [--epochs 2]
"""
import argparse
import importlib.util
import resource
import sys
import time
from pathlib import Path

import numpy as np

from microdl.data import DatasetNotFoundError, fashion_mnist

ROOT = Path(__file__).resolve().parents[1]


def lesson():
    spec = importlib.util.spec_from_file_location("lesson9", ROOT / "demos" / "09_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_run(X, y, Xt, yt, epochs, batch_size, lr):
    import torch
    torch.manual_seed(0)
    L = torch.nn
    model = L.Sequential(L.Conv2d(1, 16, 5, padding=2), L.ReLU(), L.MaxPool2d(2),
                         L.Conv2d(16, 32, 5, padding=2), L.ReLU(), L.MaxPool2d(2), L.Flatten(),
                         L.Linear(1568, 128), L.ReLU(), L.Dropout(0.25), L.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    X, y, Xt, yt = map(torch.from_numpy, (X, y, Xt, yt))
    rng = np.random.default_rng(0)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(len(X)))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            loss = torch.nn.functional.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        seconds.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        accuracy = float((model(Xt).argmax(1) == yt).float().mean())
    return seconds, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    try:
        X, y = fashion_mnist("train", download=False)
        Xt, yt = fashion_mnist("test", download=False)
    except DatasetNotFoundError as error:
        sys.exit(f"bench_fashion: {error}")
    demo = lesson()
    model, history, seconds = demo.train_model(X, y, Xt, yt, args.epochs, progress=False)
    per_epoch = seconds / args.epochs
    print(f"microdl: {args.epochs} epochs in {seconds:.0f} s ({per_epoch:.1f} s/epoch incl. test pass); "
          f"test accuracy per epoch: " + ", ".join(f"{a:.2%}" for a in history.epoch["val_accuracy"]))
    print(f"microdl: peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"projected {demo.EPOCHS}-epoch lesson: {per_epoch * demo.EPOCHS / 60:.1f} min")
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: no comparison")
        return
    torch.set_num_threads(2)
    torch_seconds, torch_accuracy = torch_run(X, y, Xt, yt, args.epochs, demo.BATCH_SIZE, demo.LEARNING_RATE)
    theirs = sum(torch_seconds) / args.epochs
    print(f"PyTorch: {theirs:.1f} s/epoch (training only), test accuracy {torch_accuracy:.2%}; "
          f"microdl / PyTorch time ratio {per_epoch / theirs:.2f}x")


if __name__ == "__main__":
    main()
