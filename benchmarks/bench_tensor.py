"""Tensor engine speed: one training step, microdl vs PyTorch, each alone in its own process.

A step = forward, cross-entropy, zero_grad, backward, SGD with momentum 0.9, at batch 64,
float32, for
  A   Conv(1,8,3,p1)-ReLU-Pool2-Conv(8,16,3,p1)-ReLU-Pool2-Flatten-Linear(784,10)
  B   Conv(1,16,5,p2)-ReLU-Pool2-Conv(16,32,5,p2)-ReLU-Pool2-Flatten-Linear(1568,128)-ReLU-Linear(128,10)
  MLP Linear(784,128)-ReLU-Linear(128,10)
Every round runs a fresh process per framework and model (see alone.py for why they are
never timed in one process); the order alternates between rounds. Printed: the median
over rounds of each round's median step time, the spread (min-max over rounds) and the
ratio microdl / PyTorch (goal <= 1.0); with --threads 1 also the CPU time per step
(process_time), which a busy machine does not inflate. Then the roofline line: model B's achieved GFLOP/s
(its multiply-adds counted from the layer shapes, x2) against this machine's float32
matrix-multiply peak, measured by NumPy in a process of its own (goal >= 40 %).

Threads: 2 for OpenBLAS and for PyTorch, or --threads N for both (alone.py). microdl.reuse_freed_memory() (glibc
keeps freed blocks for reuse) is an explicit opt-in: off here unless --reuse-freed-memory;
--compare-allocator times microdl both ways.

    python benchmarks/bench_tensor.py [--rounds 3] [--steps 40] [--models A B MLP]
    pip install torch==2.13.0      # for the ratios
"""
import argparse
import json
import statistics
import sys
import time

from alone import machine_load, ratio_line, run_rounds, spread

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


# --- workers: each runs in its own process and prints one JSON line ---------------------------

def time_steps(step, steps, warmup=5):
    """(median wall-clock seconds, median CPU seconds of this process) per step."""
    for _ in range(warmup):
        step()
    times, cpu_times = [], []
    for _ in range(steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    return statistics.median(times), statistics.median(cpu_times)


def microdl_worker(name, steps, reuse):
    import numpy as np
    import microdl
    import microdl.nn.functional as F
    from microdl import Tensor, nn, optim
    if reuse:
        microdl.reuse_freed_memory()
    model = nn.Sequential(*MODELS[name](nn))
    rng = np.random.default_rng(0)
    x = Tensor(rng.random((BATCH, 1, 28, 28), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds, cpu = time_steps(step, steps)
    return {"seconds": seconds, "cpu": cpu, "flops": step_flops(model, x),
            "summary": f"{seconds * 1e3:.2f} ms (CPU {cpu * 1e3:.2f} ms)"}


def step_flops(model, x):
    """Floating-point operations of one training step: 2 per multiply-add, in the forward
    (conv and linear layers), the weight gradient (as many) and the input gradient (as
    many, except for the first layer, whose input needs none)."""
    from microdl import nn, no_grad
    forward, first_dx = 0, None
    with no_grad():
        for layer in model.layers:
            out = layer(x)
            if isinstance(layer, nn.Conv2d):
                n, f, ho, wo = out.shape
                macs = n * f * ho * wo * layer.weight.data[0].size
            elif isinstance(layer, nn.Linear):
                macs = out.size * layer.in_features
            else:
                macs = 0
            if macs and first_dx is None:
                first_dx = macs
            forward += macs
            x = out
    return 2 * (3 * forward - first_dx)


def torch_worker(name, steps):
    import torch
    from alone import torch_threads
    torch.set_num_threads(torch_threads())
    torch.manual_seed(0)
    model = torch.nn.Sequential(*MODELS[name](torch.nn))
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds, cpu = time_steps(step, steps)
    return {"seconds": seconds, "cpu": cpu,
            "summary": f"{seconds * 1e3:.2f} ms (CPU {cpu * 1e3:.2f} ms; torch {torch.__version__})"}


def matmul_peak_worker(size=1024, repeats=10):
    """The best float32 GFLOP/s of NumPy's matrix multiply (2 n^3 operations) on this machine."""
    import numpy as np
    rng = np.random.default_rng(0)
    best = 0.0
    for n in (512, size, 2 * size):
        a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
        a @ b
        for _ in range(repeats if n <= size else 3):
            start = time.perf_counter()
            a @ b
            best = max(best, 2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return {"gflops": best, "summary": f"{best:.1f} GFLOP/s"}


def worker(args):
    if args.worker == "microdl":
        answer = microdl_worker(args.model, args.steps, args.reuse_freed_memory)
    elif args.worker == "torch":
        answer = torch_worker(args.model, args.steps)
    else:
        answer = matmul_peak_worker()
    print(json.dumps(answer))


# --- the driver ----------------------------------------------------------------------------------

def jobs_for(model, steps, compare_allocator, reuse):
    common = ["--model", model, "--steps", str(steps)]
    jobs = {f"microdl {model}": (["--worker", "microdl", *common] + (["--reuse-freed-memory"] if reuse else []),
                                 None)}
    if compare_allocator:
        jobs[f"microdl {model} +reuse"] = (["--worker", "microdl", *common, "--reuse-freed-memory"], None)
    jobs[f"PyTorch {model}"] = (["--worker", "torch", *common], None)
    return jobs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--reuse-freed-memory", action="store_true",
                        help="call microdl.reuse_freed_memory() in the microdl worker")
    parser.add_argument("--compare-allocator", action="store_true",
                        help="also time microdl with reuse_freed_memory() on")
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP/PyTorch threads (default 2)")
    parser.add_argument("--worker", choices=["microdl", "torch", "peak"], help=argparse.SUPPRESS)
    parser.add_argument("--model", choices=list(MODELS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    script = __file__
    print(f"each framework alone, {args.rounds} alternating rounds x {args.steps} steps, batch {BATCH}, "
          f"float32, SGD momentum 0.9; {args.threads} BLAS/PyTorch threads; load average {machine_load():.1f}")
    lines = []
    for model in args.models:
        results = run_rounds(script, jobs_for(model, args.steps, args.compare_allocator,
                                              args.reuse_freed_memory), args.rounds, args.threads)
        ours = [r["seconds"] for r in results[f"microdl {model}"]]
        theirs = [r["seconds"] for r in results[f"PyTorch {model}"]]
        if ours and theirs:
            lines.append(ratio_line(f"model {model}", ours, theirs, goal=1.0))
            if args.threads == 1:  # one thread: CPU time is the work done, whatever the machine's load
                lines.append(ratio_line(f"  CPU time {model}", [r["cpu"] for r in results[f"microdl {model}"]],
                                        [r["cpu"] for r in results[f"PyTorch {model}"]]))
        if args.compare_allocator and results[f"microdl {model} +reuse"]:
            reused = [r["seconds"] for r in results[f"microdl {model} +reuse"]]
            lines.append(ratio_line(f"  +reuse {model}", reused, theirs))
        if model == "B" and ours:
            peaks = run_rounds(script, {"NumPy sgemm peak": (["--worker", "peak"], None)}, args.rounds,
                               args.threads)
            peak = statistics.median(r["gflops"] for r in peaks["NumPy sgemm peak"])
            flops = results["microdl B"][0]["flops"]
            achieved = flops / spread(ours)[0] / 1e9
            lines.append(f"roofline       model B: {flops / 1e9:.2f} GFLOP per step, {achieved:.1f} GFLOP/s "
                         f"= {achieved / peak:.0%} of this machine's float32 matmul peak "
                         f"({peak:.1f} GFLOP/s, NumPy, best of its runs) (goal >= 40 %)")
            if args.threads == 1:  # the peak is a best case; CPU time leaves out the time others took
                on_cpu = flops / spread([r["cpu"] for r in results["microdl B"]])[0] / 1e9
                lines.append(f"  by CPU time  {on_cpu:.1f} GFLOP/s = {on_cpu / peak:.0%} of that peak")
    print("\n".join(lines))
    print(f"load average after: {machine_load():.1f} (a shared machine: compare ratios, not times)")


if __name__ == "__main__":
    sys.exit(main())
