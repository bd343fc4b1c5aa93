"""The command line: `python -m microdl` (or `microdl`) COMMAND.

    tour            run every lesson in order (quick; --full for the real thing)
    lessons         list the lessons (`demos` is another name for it)
    run NAME        run one lesson (extra options go to the lesson's script)
    graph "EXPR"    draw the computational graph of an expression, after backward()
    doctor          versions, graphviz, datasets, plotting backend
    playground      TensorFlow Playground on microdl's engines (a window; --save: headless)
    draw            a drawing pad: draw, and a small CNN names it (--strokes F.json --save pad.png)

Each lesson's script is a file in the repository's demos/ folder, demos/NN_name.py.

Input a command cannot use is refused with one line on stderr and exit status 2, as
argparse does for a bad option: `graph`'s bad expression or --values, a division by
zero, an overflow, nesting Python cannot parse, more boxes than --max-nodes
(cli_graph.py reads the graph command's input); an unknown lesson for `run`; an
--out folder that cannot be written; a playground data set that cannot be read.
Exit status 1 is left for what goes wrong inside (a lesson's own error).
"""
import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from . import __version__
from .cli_doctor import cmd_doctor
from .cli_graph import add_graph_parser, expression_after_dashes, graph_root, leaves, refuse, too_many_boxes

__all__ = ["main", "build_parser", "list_lessons", "find_lesson", "run_lesson", "load_lesson"]

LESSON_DIR = Path(__file__).resolve().parents[1] / "demos"


def list_lessons():
    """{short name: path} of the lessons' scripts, in lesson order (01_perceptron -> perceptron)."""
    if not LESSON_DIR.is_dir():
        raise SystemExit(f"microdl: the lessons' scripts were not found in {LESSON_DIR}; they ship "
                         f"with the source checkout: git clone the repository and pip install -e .")
    lessons = {}
    for path in sorted(LESSON_DIR.glob("[0-9][0-9]_*.py")):
        lessons[path.stem.split("_", 1)[1]] = path
    return lessons


def summary(path):
    """The first line of a lesson script's docstring."""
    text = path.read_text(encoding="utf-8")
    start = text.find('"""')
    return text[start + 3:text.find("\n", start)].strip() if start >= 0 else path.stem


def load_lesson(path):
    """Import a lesson's script as a module (its settings and functions)."""
    spec = importlib.util.spec_from_file_location(f"microdl_lesson_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_lesson(path, argv):
    """Run a lesson script's main(argv) in this process."""
    return load_lesson(path).main(argv)


def find_lesson(name):
    """The script of lesson `name` ('perceptron', '01_perceptron' or '01_perceptron.py')."""
    lessons = list_lessons()
    key = name.split("_", 1)[1] if name[:2].isdigit() and "_" in name else name
    key = key.removesuffix(".py")
    if key not in lessons:
        raise LookupError(f"unknown lesson {name!r}. Known lessons: {', '.join(lessons)} "
                          f"(see `python -m microdl lessons`)")
    return lessons[key]


def cmd_tour(args):
    out = Path(args.out)
    problem = _unwritable(out)
    if problem:
        refuse(f"microdl tour: {problem}")
    started = time.perf_counter()
    lessons, figures = list_lessons(), []
    from .demo import recording
    from .tour import write_index
    for i, (name, path) in enumerate(lessons.items(), 1):
        print(f"\n=== {i}/{len(lessons)}  {name} " + "=" * max(0, 60 - len(name)))
        with recording() as saved:
            run_lesson(path, ([] if args.full else ["--quick"]) + ["--out", str(out / name), "--seed", str(args.seed)])
        figures.append((name, f"{summary(path)}", saved))
    index = write_index(out, figures)
    print(f"\nTour done in {time.perf_counter() - started:.1f} s. Figures are in {out.resolve()}/; "
          f"browse them all: {index.resolve()}")
    return 0


def cmd_lessons(args):
    for name, path in list_lessons().items():
        print(f"  {name:<18} {summary(path)}")
    return 0


def cmd_run(args):
    if args.name is None:
        refuse(f"microdl run: give a lesson's name, e.g. microdl run perceptron --quick; the lessons: "
               f"{', '.join(list_lessons())}")
    try:
        path = find_lesson(args.name)
    except LookupError as error:
        refuse(f"microdl run: {error.args[0]}")
    program, sys.argv[0] = sys.argv[0], f"microdl run {args.name}"   # the lesson's --help and
    try:                                                              # errors name what was typed
        run_lesson(path, args.lesson_args)
    finally:
        sys.argv[0] = program
    return 0


def cmd_graph(args):
    out = Path(args.out)
    if out.suffix.lower() not in (".svg", ".png", ".pdf", ".dot", ".gv"):
        refuse(f"microdl graph: --out {out} needs a .svg, .png, .pdf or .dot suffix")
    if args.max_nodes < 1:
        refuse(f"microdl graph: --max-nodes must be at least 1, got {args.max_nodes}")
    root = graph_root(args)
    problem = _unwritable(out.parent)
    if problem:
        refuse(f"microdl graph: {problem}")
    from .viz import draw_graph
    try:
        drawing = draw_graph(root, show_local=args.local, renderer=args.renderer,
                             collapse=args.collapse, max_nodes=args.max_nodes)
        path = drawing.save(out)
    except ValueError as error:   # more boxes than --max-nodes
        refuse(f"microdl graph: {too_many_boxes(error, args.max_nodes)}")
    except RuntimeError as error:  # Graphviz's dot missing, or failing
        if "not on the PATH" in str(error):
            refuse("microdl graph: --renderer graphviz needs Graphviz's dot program, which is not "
                    "on the PATH; install graphviz, or use --renderer builtin (or auto)")
        refuse(f"microdl graph: {error}")
    except OSError as error:
        refuse(f"microdl graph: cannot write {out}: {error.strerror or error}")
    print(f"{args.label} = {args.expression} = {root.data:.6g}")
    for leaf in sorted((n for n in leaves(root) if n.label), key=lambda n: n.label):
        print(f"  d{args.label}/d{leaf.label} = {leaf.grad:.6g}")
    print(f"saved {path} ({drawing.renderer} renderer)")
    return 0


def _unwritable(folder):
    """Why files cannot be written into `folder` (created if missing), or None."""
    folder = folder if str(folder) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create the folder {folder}: {error.strerror}; choose another with --out"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is not writable; choose another with --out"
    return None


def cmd_playground(args):
    import time
    from .viz import projector
    from .viz.live.playground import Playground
    layers = [int(w) for w in args.layers.split(",") if w.strip()] if args.layers.strip() else []
    settings = dict(layers=layers, activation=args.activation, lr=args.lr, batch_size=args.batch_size,
                    optimizer=args.optimizer, l2=args.l2, noise=args.noise, split=args.split,
                    engine=args.engine, seed=args.seed, csv=args.csv)
    with projector(args.projector):
        try:
            pg = Playground("csv" if args.csv else args.dataset, **settings)
        except (OSError, ValueError) as error:
            refuse(f"microdl playground: {error}")
        if args.save is None:
            pg.show(block=True)
            return 0
        started = time.perf_counter()
        pg.train(args.steps)
        scores = pg.accuracy()
        print(f"{args.steps} steps in {time.perf_counter() - started:.1f} s: train accuracy "
              f"{scores['train']:.1%}, test accuracy {scores['test']:.1%}")
        print(f"saved {pg.save(args.save)}")
    return 0


#: the playground's data sets (microdl.viz.live.playground.DATASETS; not imported here:
#: the command line loads matplotlib only for the commands that draw)
PLAYGROUND_DATASETS = ("moons", "circles", "xor", "spiral", "blobs")


def _playground_parser(sub):
    pg = sub.add_parser("playground", help="TensorFlow Playground on microdl: microdl playground "
                                           "[--dataset moons] [--csv points.csv] [--save pg.png]")
    pg.add_argument("--dataset", choices=PLAYGROUND_DATASETS, default="moons")
    pg.add_argument("--csv", help="your own data: a CSV of rows x1,x2,label")
    pg.add_argument("--layers", default="8,8", help="hidden layer widths, e.g. 8,8 (empty: none)")
    pg.add_argument("--activation", choices=["relu", "tanh", "sigmoid", "leaky_relu"], default="relu")
    pg.add_argument("--lr", type=float, default=0.03)
    pg.add_argument("--batch-size", type=int, default=16)
    pg.add_argument("--optimizer", choices=["sgd", "momentum", "adam"], default="adam")
    pg.add_argument("--l2", type=float, default=0.0)
    pg.add_argument("--noise", type=float, default=0.15)
    pg.add_argument("--split", type=float, default=0.5, help="the training part of the data")
    pg.add_argument("--engine", choices=["tensor", "scalar"], default="tensor")
    pg.add_argument("--seed", type=int, default=0)
    pg.add_argument("--steps", type=int, default=300, help="with --save: steps to train")
    pg.add_argument("--save", help="train headless for --steps, print the accuracy, save the last frame")
    pg.add_argument("--projector", action="store_true", help="large fonts and thick lines")
    pg.set_defaults(func=cmd_playground)


def cmd_draw(args):
    from .viz.live.draw_pad import draw_pad, load_strokes
    from .zoo import shapes_cnn, small_cnn
    if args.dataset == "shapes":
        model, classes = shapes_cnn(args.seed)
    else:
        from .data import FASHION_CLASSES, MNIST_CLASSES, DatasetNotFoundError, fashion_mnist, mnist
        load, classes = {"mnist": (mnist, MNIST_CLASSES), "fashion": (fashion_mnist, FASHION_CLASSES)}[args.dataset]
        try:
            X, y = load("train", download=False)
        except DatasetNotFoundError as error:
            raise SystemExit(f"microdl draw: {str(error).splitlines()[0]}") from None
        model, classes = small_cnn(X[:args.images], y[:args.images], classes, args.seed, epochs=2)
    strokes = load_strokes(args.strokes) if args.strokes else None
    pad = draw_pad(model, classes, strokes=strokes, centre=args.dataset != "shapes", features=args.features)
    if args.save is None:
        pad.show(block=True)
        return 0
    probabilities = pad.probabilities()
    print(", ".join(f"{name} {p:.0%}" for name, p in zip(pad.classes, probabilities)))
    print(f"saved {pad.save(args.save)}")
    return 0


def _draw_parser(sub):
    draw = sub.add_parser("draw", help="a drawing pad that names what you draw: microdl draw "
                                       "[--dataset shapes] [--strokes strokes.json --save pad.png]")
    draw.add_argument("--dataset", choices=["shapes", "mnist", "fashion"], default="shapes",
                      help="the small CNN is trained on it first (mnist / fashion: when installed)")
    draw.add_argument("--strokes", help='a JSON list of strokes, each a list of [x, y] pixel points')
    draw.add_argument("--save", help="draw the strokes headless and save the picture (.png)")
    draw.add_argument("--features", action="store_true", help="also show the first layers' feature maps")
    draw.add_argument("--images", type=int, default=6000, help="training images for mnist / fashion")
    draw.add_argument("--seed", type=int, default=0)
    draw.set_defaults(func=cmd_draw)


def build_parser():
    parser = argparse.ArgumentParser(prog="microdl", description="microdl: see how neural networks learn.")
    parser.add_argument("--version", action="version", version=f"microdl {__version__}")
    sub = parser.add_subparsers(dest="command")
    tour = sub.add_parser("tour", help="run every lesson in order, saving the figures")
    tour.add_argument("--full", action="store_true", help="full-size lessons (minutes, not seconds)")
    tour.add_argument("--out", default="figures", help="folder for the figures (default: figures)")
    tour.add_argument("--seed", type=int, default=0)
    tour.set_defaults(func=cmd_tour)
    lessons = sub.add_parser("lessons", aliases=["demos"], help="list the lessons (also: demos)")
    lessons.set_defaults(func=cmd_lessons)
    run = sub.add_parser("run", help="run one lesson: microdl run perceptron --quick")
    run.add_argument("name", nargs="?", help="a lesson name from `microdl lessons`")
    run.add_argument("lesson_args", nargs=argparse.REMAINDER,
                     help="options for the lesson's script (--quick, --out DIR, --show, --seed N)")
    run.set_defaults(func=cmd_run)
    add_graph_parser(sub).set_defaults(func=cmd_graph)
    doctor = sub.add_parser("doctor", help="check the installation")
    doctor.set_defaults(func=cmd_doctor)
    _playground_parser(sub)
    _draw_parser(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(expression_after_dashes(argv))
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except BrokenPipeError:      # `microdl doctor | head`: the reader has gone; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
