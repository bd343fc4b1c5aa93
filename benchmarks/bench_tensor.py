"""Tensor engine speed: one training step, microdl vs PyTorch (when installed), same run.

A step = forward, cross-entropy, backward, SGD update, at batch 64, float32, for
  A   Conv(1,8,3,p1)-ReLU-Pool2-Conv(8,16,3,p1)-ReLU-Pool2-Flatten-Linear(784,10)
  B   Conv(1,16,5,p2)-ReLU-Pool2-Conv(16,32,5,p2)-ReLU-Pool2-Flatten-Linear(1568,128)-ReLU-Linear(128,10)
  MLP Linear(784,128)-ReLU-Linear(128,10)
Prints the median step time of each and the ratio microdl / PyTorch (goals: A <= 1.2,
B <= 1.5, MLP <= 1.0), and the peak memory of a batch-64 step of model B.

It calls microdl.reuse_freed_memory() first (glibc keeps freed blocks for reuse: model A
runs about 3x faster with it on Linux); MICRODL_NO_MALLOPT=1 measures without it.

    python benchmarks/bench_tensor.py [--steps 60]
    pip install torch==2.13.0      # for the ratios
"""
import argparse
import statistics
import time
import tracemalloc

import numpy as np

import microdl
import microdl.nn.functional as F
from microdl import Tensor, nn

BATCH = 64
MODELS = {
    "A": lambda L: [L.Conv2d(1, 8, 3, padding=1), L.ReLU(), L.MaxPool2d(2),
                    L.Conv2d(8, 16, 3, padding=1), L.ReLU(), L.MaxPool2d(2),
                    L.Flatten(), L.Linear(784, 10)],
    "B": lambda L: [L.Conv2d(1, 16, 5, padding=2), L.ReLU(), L.MaxPool2d(2),
                    L.Conv2d(16, 32, 5, padding=2), L.ReLU(), L.MaxPool2d(2),
                    L.Flatten(), L.Linear(1568, 128), L.ReLU(), L.Linear(128, 10)],
    "MLP": lambda L: [L.Flatten(), L.Linear(784, 128), L.ReLU(), L.Linear(128, 10)],
}


def median_time(step, steps, warmup=5):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def microdl_step(name):
    model = nn.Sequential(*MODELS[name](nn))
    rng = np.random.default_rng(0)
    x = Tensor(rng.random((BATCH, 1, 28, 28), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)
    params = model.parameters()

    def step():
        loss = F.cross_entropy(model(x), y)
        for p in params:
            p.zero_grad()
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad
    return step


def torch_step(name, torch):
    model = torch.nn.Sequential(*MODELS[name](torch.nn))
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def peak_memory_mib(step):
    step()
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2 ** 20


def blas_threads():
    try:
        from threadpoolctl import threadpool_info
        return max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"), default=None)
    except ImportError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    reused = microdl.reuse_freed_memory()
    print(f"microdl.reuse_freed_memory(): {'on' if reused else 'off (MICRODL_NO_MALLOPT=1, or not glibc)'}")
    try:
        import torch
        threads = blas_threads() or torch.get_num_threads()
        torch.set_num_threads(threads)
        print(f"PyTorch {torch.__version__}, {threads} threads")
    except ImportError:
        torch = None
        print("PyTorch not installed (pip install torch==2.13.0): no ratios printed")
    for name in MODELS:
        ours = median_time(microdl_step(name), args.steps)
        line = f"model {name:<4} microdl {ours * 1e3:7.2f} ms"
        if torch is not None:
            theirs = median_time(torch_step(name, torch), args.steps)
            line += f"   PyTorch {theirs * 1e3:7.2f} ms   ratio {ours / theirs:5.2f}x"
        print(line)
    print(f"peak memory of one batch-64 step of model B (tracemalloc): "
          f"{peak_memory_mib(microdl_step('B')):.1f} MiB")


if __name__ == "__main__":
    main()
