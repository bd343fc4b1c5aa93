"""What every lesson's script (demos/NN_name.py) shares: its command line and where its figures go.

    args = demo_args(__doc__)          # --quick --out DIR --show --seed N
    save(fig, args, "perceptron.png")  # writes into args.out and says where
"""
import argparse
import contextvars
import os
from contextlib import contextmanager
from pathlib import Path

__all__ = ["demo_args", "save", "finish", "recording"]

#: the list save() appends (path, caption) to, inside `with recording():` (the tour's index)
_RECORDER = contextvars.ContextVar("microdl_demo_recorder", default=None)


def demo_args(doc, argv=None, options=None):
    """Parse the standard options of a lesson's script; the first line of `doc` is the description.

    `options(parser)` may add the script's own options.
    """
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast version (seconds)")
    parser.add_argument("--out", default="figures", help="folder for the figures (default: figures)")
    parser.add_argument("--show", action="store_true", help="open the figures in a window")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    if options is not None:
        options(parser)
    args = parser.parse_args(argv)
    args.out = Path(args.out)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        parser.error(f"cannot create the output folder {args.out}: {error.strerror}")
    if not os.access(args.out, os.W_OK):
        parser.error(f"the output folder {args.out} is not writable; pass --out DIR")
    if not args.show:
        import matplotlib
        matplotlib.use("Agg")  # headless: never open a window unless asked
    return args


def save(figure, args, name, caption=None):
    """Save a Figure, an animation (a Scene: .gif) or a graph (anything with .save) as
    args.out/name; with --show, remember it for `finish`.

    caption: one line saying what the figure shows (default: the figure's title), for the
    tour's figures/index.html."""
    path = args.out / name
    if hasattr(figure, "savefig"):
        figure.savefig(path, dpi=110, bbox_inches="tight")
    else:
        figure.save(path)
    if args.show:
        args.__dict__.setdefault("to_show", []).append(figure)
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.append((path, caption or title_of(figure)))
    print(f"  saved {path}")
    return path


@contextmanager
def recording():
    """`with recording() as saved:` every save() inside appends (path, caption) to `saved`."""
    saved = []
    token = _RECORDER.set(saved)
    try:
        yield saved
    finally:
        _RECORDER.reset(token)


def title_of(figure):
    """A figure's title on one line ('' if it has none): its suptitle, else its first axes title."""
    fig = getattr(figure, "_fig", None) or getattr(figure, "fig", None) or figure
    texts = [getattr(getattr(fig, "_suptitle", None), "get_text", lambda: "")()]
    texts += [ax.get_title() for ax in getattr(fig, "axes", [])]
    return " ".join(next((t for t in texts if t and t.strip()), "").split())


def finish(args):
    """Show the figures when --show was given: one window each, until the last is closed."""
    shown = [figure for figure in getattr(args, "to_show", []) if hasattr(figure, "show")]
    if not shown:
        return
    from matplotlib.figure import Figure as MatplotlibFigure

    from .viz.canvas import Figure
    pyplot_owned = any(isinstance(f, MatplotlibFigure) and not isinstance(f, Figure) for f in shown)
    ours = [f for f in shown if not isinstance(f, MatplotlibFigure) or isinstance(f, Figure)]
    for i, figure in enumerate(ours):  # microdl's pictures: a window each, the last one blocks
        figure.show(block=i == len(ours) - 1 and not pyplot_owned)
    if pyplot_owned:  # a lesson's own plt.subplots figure: pyplot shows it (and waits)
        import matplotlib.pyplot as plt
        plt.show()
