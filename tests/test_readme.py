"""The README is executable: every Python block runs, and CI runs its test command."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_every_python_block_runs_in_order(tmp_path):
    blocks = python_blocks()
    assert len(blocks) >= 6
    script = tmp_path / "readme.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for name in ("graph.svg", "boundary.png", "optimizers.png", "feature_maps.png"):
        assert (tmp_path / name).is_file(), name


def test_printed_results_match_the_comments(tmp_path):
    """Lines like `print(x)   # 0.7311` must print what the comment says."""
    first = python_blocks()[0]
    script = tmp_path / "first.py"
    script.write_text(first, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True)
    assert out.stdout.splitlines()[0] == re.search(r"print\(L\)\s+# (.*)", first).group(1).strip()


def test_the_two_commands_open_the_readme_and_ci_runs_the_test_command():
    commands = re.findall(r"^    (python3 -m venv .*)$", README, flags=re.M)
    assert len(commands) == 2
    tour, tests = commands
    assert tour.endswith("-m microdl tour") and tests.endswith("-m pytest")
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_images_exist():
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).is_file(), image
