"""fit's progress: one bar per run in a terminal, one output in Jupyter, quiet elsewhere."""
import io
import sys
import types
from pathlib import Path

import pytest

from microdl import nn, optim, train
from microdl.data import moons
from microdl.nn import losses
from microdl.progress import progress_text


def small_run(epochs=3, validation=True, **options):
    """A tiny scalar-MLP run: 40 examples, batches of 20 = 2 iterations per epoch."""
    X, y = moons(40, seed=0)
    model = nn.MLP(2, [4, 2], seed=0)
    return train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X, y),
                     epochs=epochs, batch_size=20, seed=0,
                     validation=(X, y) if validation else None, **options)


class FakeHandle:
    """Stands in for the handle `IPython.display.display(..., display_id=True)` returns."""

    def __init__(self, shown):
        self.shown = [shown]

    def update(self, obj):
        self.shown.append(obj)


@pytest.fixture
def fake_jupyter(monkeypatch):
    """Pretend to run inside a Jupyter kernel; returns the list of display handles made."""
    handles = []

    def display(obj, display_id=False):
        assert display_id is True, "the bar must be displayed with an id, to update it in place"
        handles.append(FakeHandle(obj))
        return handles[-1]

    shell = types.SimpleNamespace(kernel=object())
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell
    ipython_display = types.ModuleType("IPython.display")
    ipython_display.display = display
    ipython.display = ipython_display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython_display)
    return handles


def test_notebook_shows_one_output_updated_to_the_final_epoch(fake_jupyter, capsys):
    history = small_run(epochs=5)
    assert len(fake_jupyter) == 1  # one display for the whole run, not one per epoch
    final = fake_jupyter[0].shown[-1]
    text = repr(final)
    assert text.startswith("epoch 5/5 |") and "100% 10/10" in text
    assert f"loss {history.epoch['loss'][-1]:.4f}" in text
    assert f"acc {history.epoch['accuracy'][-1]:.3f}" in text
    assert f"val_acc {history.epoch['val_accuracy'][-1]:.3f}" in text
    html = final._repr_html_()
    assert "<progress value='10' max='10'" in html and "epoch 5/5" in html
    assert capsys.readouterr().err == ""  # nothing leaks to stderr


def test_notebook_progress_false_displays_nothing(fake_jupyter):
    small_run(progress=False)
    assert fake_jupyter == []


def test_terminal_run_draws_one_bar_updated_in_place(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    history = small_run(epochs=3)
    out = terminal.getvalue()
    assert out.count("\n") == 1 and out.endswith("\n")  # one bar, left on screen at the end
    final = out.rstrip("\n").split("\r")[-1]
    assert final.startswith("epoch 3/3") and "6/6" in final and "100%" in final
    assert f"val_acc {history.epoch['val_accuracy'][-1]:.3f}" in final
    assert "epoch 1/3" in out  # the same bar showed the earlier epochs before


def test_off_a_terminal_the_default_is_silent(capsys):
    small_run()
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_off_a_terminal_progress_true_prints_one_line_per_epoch(capsys):
    history = small_run(epochs=3, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" |")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert f"loss {history.epoch['loss'][-1]:.4f}" in lines[-1]
    assert "\r" not in "".join(lines)


def test_progress_text_for_regression_shows_no_accuracy():
    text = progress_text(2, 4, 3, 12, {"loss": 0.5, "accuracy": None, "val_loss": 0.75})
    assert text == "epoch 2/4 |██████░░░░░░░░░░░░░░░░░░|  25% 3/12 | loss 0.5000 | val_loss 0.7500"


def test_a_real_notebook_keeps_one_output_with_the_final_epoch(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    root = Path(__file__).resolve().parents[1]
    code = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
            "from microdl import nn, optim, train\n"
            "from microdl.data import moons\n"
            "from microdl.nn import losses\n"
            "X, y = moons(40, seed=0)\n"
            "model = nn.MLP(2, [4, 2], seed=0)\n"
            "history = train.fit(model, losses.cross_entropy, optim.SGD(model.parameters(), lr=0.1),\n"
            "                    (X, y), epochs=5, batch_size=20, seed=0)")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    path = tmp_path / "saved.ipynb"
    nbformat.write(notebook, path)  # what a teacher's saved notebook holds
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert len(outputs) == 1, outputs
    text = outputs[0]["data"]["text/plain"]
    assert text.startswith("epoch 5/5 |") and "100% 10/10" in text
