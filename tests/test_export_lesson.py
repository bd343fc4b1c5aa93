"""Lesson 11 (graduation): with torch and onnxruntime it shows the three engines agree and
PyTorch's extra epoch learning; without them it says what to install and still exits cleanly."""
import sys

import pytest

from microdl import cli


def run(tmp_path, capsys):
    result = cli.run_lesson(cli.find_lesson("graduation"), ["--quick", "--out", str(tmp_path)])
    return result, capsys.readouterr().out


def test_the_lesson_shows_the_engines_agree_and_pytorch_learning(tmp_path, capsys):
    pytest.importorskip("torch", reason="the lesson's comparison needs torch")
    pytest.importorskip("onnxruntime", reason="the lesson's comparison needs onnxruntime")
    accuracy, printed = run(tmp_path, capsys)
    differences = [float(line.split("microdl: ")[1].split()[0]) for line in printed.splitlines()
                   if "largest difference from microdl" in line]
    assert len(differences) == 2 and max(differences) < 1e-5          # PyTorch, onnxruntime
    assert "same class for 100%" in printed
    before, after = printed.split("test loss ")[1].split(",")[0].split(" -> ")
    assert float(after) < float(before)                                  # PyTorch's epoch learned
    assert 0.2 < accuracy <= 1.0
    assert "nn.Conv2d(1, 8, 5, padding=2, seed=seed)," in printed        # microdl's code ...
    assert "|     nn.Conv2d(1, 8, 5, padding=2)," in printed               # ... beside PyTorch's
    assert (tmp_path / "shapes_cnn.onnx").is_file() and (tmp_path / "graduation.png").is_file()


def test_without_the_extras_the_lesson_says_what_to_install(tmp_path, capsys, monkeypatch):
    for name in ("torch", "onnx", "onnxruntime"):
        monkeypatch.setitem(sys.modules, name, None)     # as if not installed
    result, printed = run(tmp_path, capsys)
    assert result is None
    assert "torch, onnx, onnxruntime not installed" in printed and "pip install -e '.[torch,onnx]'" in printed
    assert "| model = nn.Sequential(" in printed          # the code still prints: it needs no torch
    assert (tmp_path / "graduation.png").is_file() and not (tmp_path / "shapes_cnn.onnx").exists()
