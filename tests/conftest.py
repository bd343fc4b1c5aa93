"""pytest setup: tests import their shared helpers from this folder; plots are headless.

Fixtures shared by the viz tests: `close_figures` (closes every pyplot figure after a
test) and `assert_png_not_blank` (saves a figure and checks the picture has content).
"""
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))


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
