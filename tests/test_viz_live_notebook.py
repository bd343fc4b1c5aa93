"""The live view's buttons in a real Jupyter kernel: pause, step and resume reach training
while it runs. A headless kernel (nbclient) runs the cells one by one; between cells the
test clicks a button the way a browser does, with a comm message to the button's widget.
Skipped without nbclient / ipykernel / ipywidgets.
"""
import json
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need nbformat (pip install -e .[dev])")
nbclient = pytest.importorskip("nbclient", reason="the notebook tests need nbclient (pip install -e .[dev])")
pytest.importorskip("ipykernel", reason="the notebook tests need ipykernel (pip install -e .[dev])")
pytest.importorskip("ipywidgets", reason="the buttons need ipywidgets (pip install -e .[jupyter])")

ROOT = Path(__file__).resolve().parents[1]

START = """\
import json, time
from microdl import data, nn, optim
from microdl.viz import LiveView, train_live
X, y = data.moons(300, seed=0)
model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 2, seed=1))
view = LiveView(X, y, every=25)
train_live(view, model, nn.functional.cross_entropy, optim.SGD(model.parameters(), lr=0.05), (X, y),
           epochs=100_000)
buttons = view._display.widgets
print(json.dumps({"pause": buttons.pause.model_id, "step": buttons.step.model_id}))"""

#: two readings of the step count 1 s apart (after 1 s for a click to land)
WATCH = """\
time.sleep(1.0); before = view.record.step; time.sleep(1.0)
print(json.dumps({"before": before, "after": view.record.step, "paused": view.paused,
                  "running": view.running, "frames": len(view._display.pngs),
                  "label": buttons.pause.description}))"""

STOP = """\
view.stop(); view.wait(timeout=30)
print(json.dumps({"running": view.running}))"""


def _printed(cell):
    text = "".join(o.get("text", "") for o in cell["outputs"] if o["output_type"] == "stream")
    return json.loads(text.strip().splitlines()[-1])


def _click(client, model_id):
    """What the browser sends when a button is clicked."""
    kc = client.kc
    message = kc.session.msg("comm_msg", {"comm_id": model_id,
                                          "data": {"method": "custom", "content": {"event": "click"}}})
    kc.shell_channel.send(message)


def test_pause_step_and_resume_reach_training_that_is_running(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in
                                           (START, WATCH, WATCH, WATCH, WATCH, STOP)])
    client = nbclient.NotebookClient(book, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    cells = book.cells
    with client.setup_kernel():
        client.execute_cell(cells[0], 0)
        ids = _printed(cells[0])
        client.execute_cell(cells[1], 1)
        running = _printed(cells[1])
        _click(client, ids["pause"])
        client.execute_cell(cells[2], 2)
        paused = _printed(cells[2])
        _click(client, ids["step"])
        client.execute_cell(cells[3], 3)
        stepped = _printed(cells[3])
        _click(client, ids["pause"])                      # the same button now resumes
        client.execute_cell(cells[4], 4)
        resumed = _printed(cells[4])
        client.execute_cell(cells[5], 5)
        stopped = _printed(cells[5])
    assert running["running"] and running["after"] > running["before"] > 0, running
    assert paused["paused"] and paused["after"] == paused["before"], paused      # no step while paused
    assert paused["label"].endswith("resume") and paused["frames"] >= 2, paused
    assert stepped["after"] == paused["after"] + 1 and stepped["paused"], stepped   # exactly one step
    assert not resumed["paused"] and resumed["after"] > resumed["before"], resumed
    assert not stopped["running"]
    shown = [o for o in cells[0]["outputs"] if o["output_type"] == "display_data"]
    assert len(shown) == 1 and "application/vnd.jupyter.widget-view+json" in shown[0]["data"]
