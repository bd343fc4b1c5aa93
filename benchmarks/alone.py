"""Run each framework ALONE in its own process, alternating rounds, and summarise the times.

Why not time microdl and PyTorch interleaved in one process: after a NumPy matrix
multiply, OpenBLAS's worker threads keep spinning for a while, waiting for the next
job. PyTorch's own thread pool (OpenMP) then fights them for the 2 cores, and its step
is measured 2-3x slower than it really runs: an interleaved benchmark flatters microdl.
So each measurement here is a fresh `python script --worker FRAMEWORK ...` process
that imports only its own framework, and the frameworks take turns (microdl, PyTorch,
microdl, PyTorch, ...) so that a change in the machine's load hits both alike.

Thread settings, the same for both frameworks: OPENBLAS_NUM_THREADS = OMP_NUM_THREADS =
MKL_NUM_THREADS = 2 (this project's machines have 2 cores; NumPy's OpenBLAS would start
that many anyway) and torch.set_num_threads(2) in the PyTorch worker. `--threads 1`
gives both one thread: on a machine busy with other work, a thread pool that waits for
a descheduled partner (OpenBLAS spins, so does OpenMP) can make a step 10-100x slower,
for either framework, and one thread measures the code rather than the scheduler.

A worker prints one JSON line on stdout; `run_rounds` collects them.
"""
import json
import os
import statistics
import subprocess
import sys

THREADS_VARIABLE = "MICRODL_BENCH_THREADS"   # how the driver tells a worker its thread count


def torch_threads():
    """The thread count a PyTorch worker sets (2 unless the driver says otherwise)."""
    return int(os.environ.get(THREADS_VARIABLE, "2"))


def worker_env(extra=None, threads=2):
    """The environment of a worker: ours, the thread settings, this checkout on PYTHONPATH."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    count = str(threads)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=count, OMP_NUM_THREADS=count, MKL_NUM_THREADS=count,
               **{THREADS_VARIABLE: count}, **(extra or {}))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def run_worker(script, args, env=None, threads=2):
    """Run `python script --worker ...args` in a fresh process; its JSON answer (or None)."""
    command = [sys.executable, script, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=worker_env(env, threads))
    if done.returncode != 0:
        sys.stderr.write(f"worker {' '.join(args)} failed:\n{done.stderr[-2000:]}\n")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_rounds(script, jobs, rounds, threads=2, log=print):
    """jobs: {name: (args, env)}. Each round runs every job once, in turn; the order of the
    jobs alternates from round to round. Returns {name: [answer of each round]}."""
    results = {name: [] for name in jobs}
    names = list(jobs)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            args, env = jobs[name]
            answer = run_worker(script, args, env, threads)
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
