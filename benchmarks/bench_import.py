"""Start-up time for live coding: how long `import microdl` takes in a fresh interpreter.

Runs `python -c "import microdl"` and, as the reference, `python -c "import numpy"`
several times each, interleaved, and prints the medians (goal: microdl under 0.2 s) and
microdl's own share on top of NumPy. Also checks that matplotlib, graphviz and tqdm
are not imported.

    python benchmarks/bench_import.py [--runs 15]
"""
import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import time; t = time.perf_counter(); import {module}; "
         "print(time.perf_counter() - t); import sys; "
         "print(' '.join(m for m in ('matplotlib', 'graphviz', 'tqdm') if m in sys.modules))")


def time_import(module):
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    seconds, heavy = (out.stdout.splitlines() + [""])[:2]
    return float(seconds), heavy.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ours, numpy_only, heavy = [], [], ""
    for _ in range(args.runs):
        seconds, heavy = time_import("microdl")
        ours.append(seconds)
        numpy_only.append(time_import("numpy")[0])
    total, base = statistics.median(ours), statistics.median(numpy_only)
    print(f"import microdl: {total * 1e3:.0f} ms (goal < 200 ms); import numpy alone: {base * 1e3:.0f} ms; "
          f"microdl's own share: {(total - base) * 1e3:.0f} ms")
    print(f"heavy modules loaded by import microdl: {heavy or 'none'}")


if __name__ == "__main__":
    main()
