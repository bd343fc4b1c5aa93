"""Training progress: ONE compact bar per `fit` run, in a terminal, in Jupyter, or none.

    epoch 3/5 |██████████████░░░░░░░░░░|  60% 120/200 | loss 0.4312 | acc 0.875 | val_acc 0.860

Where it goes is decided once per run by `progress_display(progress, epochs, per_epoch)`:

    Jupyter (an IPython kernel)   one output, updated in place (IPython display handle):
                                  the saved notebook keeps the final text, no ipywidgets needed
    a terminal (stderr is a tty)  one tqdm bar over all iterations of the run, in place
    anything else (a pipe, CI)    nothing when progress=None; one line per epoch when True
    progress=False                nothing, anywhere

Nothing here is imported until `fit` draws a bar: tqdm and IPython load on demand.
"""
import sys
import time


def progress_display(progress, epochs, iterations_per_epoch):
    """The display for one run: `progress` is None (automatic), True or False (see above)."""
    if progress is False:
        return Silent()
    if in_jupyter():
        return NotebookBar(epochs, iterations_per_epoch)
    stream = sys.stderr
    if _is_terminal(stream):
        return TerminalBar(epochs, iterations_per_epoch, stream)
    return EpochLines(epochs, stream) if progress else Silent()


def in_jupyter():
    """True inside a Jupyter kernel (not in terminal IPython, not in a plain script).

    Looks only at an IPython that is already imported: a script never pays for importing it.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def progress_text(epoch, epochs, done, total, scores, width=24):
    """'epoch 3/5 |████░░░░|  60% 120/200 | loss 0.4312 | acc 0.875': one line, no newline."""
    filled = round(width * done / total) if total else width
    bar = "█" * filled + "░" * (width - filled)
    return f"epoch {epoch}/{epochs} |{bar}| {_counts_text(done, total)}{_scores_text(scores)}"


def _counts_text(done, total):
    percent = round(100 * done / total) if total else 100
    return f"{percent:3d}% {done}/{total}"


def _scores_text(scores):
    """' | loss 0.4312 | acc 0.875 | val_acc 0.860' from {'loss': ..., 'accuracy': ...}."""
    parts = []
    for name, value in scores.items():
        if value is None:
            continue
        short = name.replace("accuracy", "acc")
        parts.append(f"{short} {value:.4f}" if "loss" in name else f"{short} {value:.3f}")
    return "".join(f" | {part}" for part in parts)


def _postfix(scores):
    """'loss 0.4312, acc 0.875': the scores after tqdm's own bar and counts."""
    return _scores_text(scores).removeprefix(" | ").replace(" | ", ", ")


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Silent:
    """No progress at all (progress=False, or nowhere sensible to draw)."""

    def iteration(self, epoch, scores):
        pass

    def epoch_end(self, epoch, scores):
        pass

    def close(self):
        pass


class TerminalBar(Silent):
    """One tqdm bar over every iteration of the run; its label says which epoch."""

    def __init__(self, epochs, iterations_per_epoch, stream):
        from tqdm import tqdm  # plain tqdm, never tqdm.auto: Jupyter has its own display
        self.epochs = epochs
        self.bar = tqdm(total=epochs * iterations_per_epoch, file=stream, leave=True,
                        dynamic_ncols=True, unit="it", desc=f"epoch 1/{epochs}")

    def iteration(self, epoch, scores):
        self.bar.set_description_str(f"epoch {epoch}/{self.epochs}", refresh=False)
        self.bar.set_postfix_str(_postfix(scores), refresh=False)
        self.bar.update(1)

    def epoch_end(self, epoch, scores):
        self.bar.set_postfix_str(_postfix(scores))

    def close(self):
        self.bar.close()


class NotebookBar(Silent):
    """One Jupyter output updated in place, at most every `interval` seconds and at the end.

    It is an ordinary rich output (text and a little HTML), so a notebook saved to disk
    keeps the last state, and it needs no ipywidgets.
    """

    def __init__(self, epochs, iterations_per_epoch, interval=0.2):
        from IPython.display import display
        self.epochs, self.total, self.interval = epochs, epochs * iterations_per_epoch, interval
        self.done, self.epoch, self.scores, self.last_drawn = 0, 1, {}, 0.0
        self.handle = display(self._snapshot(), display_id=True)

    def iteration(self, epoch, scores):
        self.done, self.epoch, self.scores = self.done + 1, epoch, scores
        if time.monotonic() - self.last_drawn >= self.interval:
            self._draw()

    def epoch_end(self, epoch, scores):
        self.epoch, self.scores = epoch, scores
        self._draw()

    def close(self):
        self._draw()

    def _draw(self):
        self.handle.update(self._snapshot())
        self.last_drawn = time.monotonic()

    def _snapshot(self):
        return ProgressSnapshot(self.epoch, self.epochs, self.done, self.total, self.scores)


class ProgressSnapshot:
    """What a notebook shows: the text line (text/plain), and an HTML <progress> bar."""

    def __init__(self, epoch, epochs, done, total, scores):
        self.epoch, self.epochs, self.done, self.total, self.scores = epoch, epochs, done, total, scores

    def __repr__(self):
        return progress_text(self.epoch, self.epochs, self.done, self.total, self.scores)

    def _repr_html_(self):
        import html
        after = html.escape(f" {_counts_text(self.done, self.total)}{_scores_text(self.scores)}")
        return (f"<pre style='margin:0'>epoch {self.epoch}/{self.epochs} "
                f"<progress value='{self.done}' max='{max(self.total, 1)}' style='width:12em'>"
                f"</progress>{after}</pre>")


class EpochLines(Silent):
    """Off a terminal with progress=True: one short line per epoch, no carriage returns."""

    def __init__(self, epochs, stream):
        self.epochs, self.stream = epochs, stream

    def epoch_end(self, epoch, scores):
        print(f"epoch {epoch}/{self.epochs}{_scores_text(scores)}", file=self.stream, flush=True)
