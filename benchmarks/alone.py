"""Run each framework ALONE in its own process, alternating rounds, and summarise the times.

Why not time microdl and PyTorch interleaved in one process: after a NumPy matrix
multiply, OpenBLAS's worker threads keep spinning for a while, waiting for the next
job. PyTorch's own thread pool (OpenMP) then fights them for the 2 cores, and its step
is measured 2-3x slower than it really runs: an interleaved benchmark flatters microdl.
So each measurement here is a fresh `python script --worker FRAMEWORK ...` process
that imports only its own framework, and the frameworks take turns (microdl, PyTorch,
microdl, PyTorch, ...) so that a change in the machine's load hits both alike.

Thread settings, the same for both: OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=2
(this project's machines have 2 cores; NumPy's OpenBLAS would start that many anyway)
and torch.set_num_threads(2) in the PyTorch worker (`TORCH_THREADS`).

A worker prints one JSON line on stdout; `run_rounds` collects them.
"""
import json
import os
import statistics
import subprocess
import sys

TORCH_THREADS = 2
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


def worker_env(extra=None):
    """The environment of a worker: ours, the thread settings, this checkout on PYTHONPATH."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, **THREAD_ENV, **(extra or {}))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def run_worker(script, args, env=None):
    """Run `python script --worker ...args` in a fresh process; its JSON answer (or None)."""
    command = [sys.executable, script, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=worker_env(env))
    if done.returncode != 0:
        sys.stderr.write(f"worker {' '.join(args)} failed:\n{done.stderr[-2000:]}\n")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_rounds(script, jobs, rounds, log=print):
    """jobs: {name: (args, env)}. Each round runs every job once, in turn; the order of the
    jobs alternates from round to round. Returns {name: [answer of each round]}."""
    results = {name: [] for name in jobs}
    names = list(jobs)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            args, env = jobs[name]
            answer = run_worker(script, args, env)
            if answer is not None:
                results[name].append(answer)
                log(f"  round {r + 1}/{rounds}  {name:<22} {answer.get('summary', '')}")
    return results


def spread(values):
    """'median (min-max)' of a list of numbers."""
    return statistics.median(values), min(values), max(values)


def ratio_line(label, ours, theirs, unit="ms", scale=1e3, goal=None):
    """One line: medians and spread of both, and the ratio of the medians."""
    m, lo, hi = spread(ours)
    tm, tlo, thi = spread(theirs)
    text = (f"{label:<14} microdl {m * scale:8.2f} {unit} ({lo * scale:.2f}-{hi * scale:.2f})   "
            f"PyTorch {tm * scale:8.2f} {unit} ({tlo * scale:.2f}-{thi * scale:.2f})   "
            f"microdl/PyTorch {m / tm:5.2f}x")
    return text + (f"  (goal <= {goal:.1f})" if goal is not None else "")


def machine_load():
    """The 1-minute load average, to print beside the numbers (the machine is shared)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")
