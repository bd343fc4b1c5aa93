"""The command line: tour, lessons (alias demos), run, graph, doctor, and its errors."""
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from microdl import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "microdl", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", ["lessons", "demos"])   # demos: the older name, kept
def test_lessons_lists_every_lesson(command):
    out = run(command)
    assert out.returncode == 0
    lines = out.stdout.strip().splitlines()
    assert len(lines) == len(cli.list_lessons()) == 11
    assert lines[0].split()[0] == "perceptron" and "Lesson 1" in lines[0]
    assert lines[-1].split()[0] == "graduation" and "Lesson 11" in lines[-1]


def test_graph_draws_an_expression_after_backward(tmp_path):
    out = run("graph", "a*b + c.tanh()", "--values", "a=2,b=-3,c=0.5", "--out", str(tmp_path / "g.svg"))
    assert out.returncode == 0, out.stderr
    assert "dL/da = -3" in out.stdout and "dL/db = 2" in out.stdout
    svg = ET.parse(tmp_path / "g.svg")
    text = " ".join(t for t in svg.getroot().itertext())
    for label in ("a", "b", "c", "L"):
        assert label in text


@pytest.mark.parametrize("expression, values, message", [
    ("a*b + __import__('os').system('x')", "a=1,b=2", "not allowed"),
    ("a * q", "a=1", "'q' has no value"),
    ("a *", "a=1", "cannot read the expression"),
    ("a + 1", "a=one", "is not a number"),
    ("2 + 3", "", "uses no named value"),
])
def test_graph_refuses_bad_expressions_clearly(expression, values, message, tmp_path):
    out = run("graph", expression, "--values", values, "--out", str(tmp_path / "g.svg"))
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_lesson_and_unwritable_folder_are_refused_as_bad_input():
    out = run("run", "nope")
    assert out.returncode == 2 and "unknown lesson 'nope'" in out.stderr and "perceptron" in out.stderr
    assert out.stderr.startswith("microdl run: ") and len(out.stderr.strip().splitlines()) == 1
    out = run("tour", "--out", "/proc/forbidden")
    assert out.returncode == 2 and "cannot create the folder" in out.stderr and "--out" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_run_one_lesson(tmp_path):
    out = run("run", "perceptron", "--quick", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "perceptron_graph.png").is_file()


def test_doctor_reports_versions_renderer_and_datasets(monkeypatch, capsys):
    assert cli.main(["doctor"]) == 0
    text = capsys.readouterr().out
    assert "numpy" in text and "graphviz dot:" in text and "Fashion-MNIST:" in text and "backend" in text
    monkeypatch.setattr("shutil.which", lambda name: None)
    cli.main(["doctor"])
    assert "built-in renderer" in capsys.readouterr().out


def test_doctor_says_what_a_missing_optional_package_is_for(monkeypatch, capsys):
    from importlib import metadata

    def version(package):
        if package in ("onnx", "ipympl"):
            raise metadata.PackageNotFoundError(package)
        return "1.0"
    monkeypatch.setattr(metadata, "version", version)
    assert cli.main(["doctor"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:13]}
    assert "not installed (optional: microdl.export.to_onnx; pip install -e '.[onnx]')" in lines["onnx"]
    assert "drawing pad" in lines["ipympl"] and "pip install -e '.[jupyter]'" in lines["ipympl"]
    assert lines["torch"].split() == ["torch", "1.0"]


def test_tour_runs_every_lesson_quickly(tmp_path, capsys):
    assert cli.main(["tour", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "=== 11/11" in text and f"Figures are in {tmp_path.resolve()}" in text
    assert len(list(tmp_path.glob("*/*.png"))) >= 25


def test_run_without_a_name_and_a_lesson_s_own_errors_name_the_command(capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["run"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "give a lesson's name" in err and "perceptron" in err
    assert "lesson_args" not in err
    with pytest.raises(SystemExit) as refused:
        cli.main(["run", "perceptron", "--quik"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "usage: microdl run perceptron" in err and "--quik" in err
    assert not sys.argv[0].startswith("microdl run")      # put back after the lesson
