"""pytest setup: tests import their shared helpers from this folder; plots are headless.

The whole session gets a cache folder of its own (XDG_CACHE_HOME), so tests never write
the user's record of verified data files. Fixtures shared by the viz tests:
`close_figures` (closes every pyplot figure after a test) and `assert_png_not_blank`
(saves a figure and checks the picture has content).
"""
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def private_cache_folder(tmp_path_factory):
    """Point ~/.cache/microdl at a temporary folder for the whole test session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def close_figures():
    """Close every pyplot figure after the test (use with pytest.mark.usefixtures)."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def _assert_png_not_blank(figure, path):
    """Save `figure` as a PNG at `path`, close it, and check the picture is not one colour."""
    import matplotlib.image
    import matplotlib.pyplot as plt
    figure.savefig(path)
    plt.close(figure)
    assert matplotlib.image.imread(path).var() > 1e-3, f"{path} looks blank"


@pytest.fixture
def assert_png_not_blank():
    """The check `assert_png_not_blank(figure, path)`: saved, closed, not blank."""
    return _assert_png_not_blank


def _window_tools_missing():
    """Why a real-window test cannot run here, or None: it needs xvfb-run, ImageMagick's
    `import` (the screenshot) and tkinter (the TkAgg backend)."""
    import shutil
    if shutil.which("xvfb-run") is None or shutil.which("import") is None:
        return "xvfb-run or ImageMagick's import (screenshots) is not installed"
    try:
        import tkinter  # noqa: F401
    except ImportError:
        return "tkinter is not installed"
    return None


WINDOW_TOOLS_MISSING = _window_tools_missing()


@pytest.fixture
def run_in_virtual_window(tmp_path):
    """run(script_text, *args, timeout=120): the script in a real window on a virtual display
    (xvfb-run, this checkout first on the path, HOME in tmp_path); the finished process."""
    import subprocess
    skip_reason = WINDOW_TOOLS_MISSING
    if skip_reason:
        pytest.skip(skip_reason)
    root = Path(__file__).resolve().parents[1]

    def run(script_text, *args, timeout=120):
        script = tmp_path / "window_script.py"
        script.write_text(script_text)
        return subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, str(script),
                               *map(str, args)], capture_output=True, text=True, timeout=timeout,
                              env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                   "MPLBACKEND": "TkAgg"})
    return run
