"""The command line: `python -m microdl` (or `microdl`) COMMAND.

    tour            run every lesson in order (quick; --full for the real thing)
    demos           list the lessons
    run NAME        run one lesson (extra options go to the demo)
"""
import argparse
import importlib.util
import sys
import time
from pathlib import Path

from . import __version__

DEMO_DIR = Path(__file__).resolve().parents[1] / "demos"


def list_demos():
    """{short name: path} of the demo scripts, in lesson order (01_perceptron -> perceptron)."""
    if not DEMO_DIR.is_dir():
        raise SystemExit(f"microdl: the demos folder was not found at {DEMO_DIR}; the demos ship "
                         f"with the source checkout: git clone the repository and pip install -e .")
    demos = {}
    for path in sorted(DEMO_DIR.glob("[0-9][0-9]_*.py")):
        demos[path.stem.split("_", 1)[1]] = path
    return demos


def summary(path):
    """The first line of a demo's docstring."""
    text = path.read_text(encoding="utf-8")
    start = text.find('"""')
    return text[start + 3:text.find("\n", start)].strip() if start >= 0 else path.stem


def run_demo(path, argv):
    """Import the script as a module and call its main(argv)."""
    spec = importlib.util.spec_from_file_location(f"microdl_demo_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def find_demo(name):
    demos = list_demos()
    key = name.split("_", 1)[1] if name[:2].isdigit() and "_" in name else name
    key = key.removesuffix(".py")
    if key not in demos:
        raise SystemExit(f"microdl: unknown demo {name!r}. Known demos: {', '.join(demos)} "
                         f"(see `python -m microdl demos`)")
    return demos[key]


def cmd_tour(args):
    out = Path(args.out)
    started = time.perf_counter()
    demos = list_demos()
    for i, (name, path) in enumerate(demos.items(), 1):
        print(f"\n=== {i}/{len(demos)}  {name} " + "=" * max(0, 60 - len(name)))
        run_demo(path, ([] if args.full else ["--quick"]) + ["--out", str(out / name), "--seed", str(args.seed)])
    print(f"\nTour done in {time.perf_counter() - started:.1f} s. Figures are in {out.resolve()}/")
    return 0


def cmd_demos(args):
    for name, path in list_demos().items():
        print(f"  {name:<18} {summary(path)}")
    return 0


def cmd_run(args):
    run_demo(find_demo(args.name), args.demo_args)
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="microdl", description="microdl: see how neural networks learn.")
    parser.add_argument("--version", action="version", version=f"microdl {__version__}")
    sub = parser.add_subparsers(dest="command")
    tour = sub.add_parser("tour", help="run every lesson in order, saving the figures")
    tour.add_argument("--full", action="store_true", help="full-size lessons (minutes, not seconds)")
    tour.add_argument("--out", default="figures", help="folder for the figures (default: figures)")
    tour.add_argument("--seed", type=int, default=0)
    tour.set_defaults(func=cmd_tour)
    demos = sub.add_parser("demos", help="list the lessons")
    demos.set_defaults(func=cmd_demos)
    run = sub.add_parser("run", help="run one lesson: microdl run perceptron --quick")
    run.add_argument("name", help="a demo name from `microdl demos`")
    run.add_argument("demo_args", nargs=argparse.REMAINDER, help="options for the demo")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
