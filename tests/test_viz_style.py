"""The house style: a context that restores only what it set, and projector mode."""
import threading

import matplotlib
import pytest

from microdl import viz
from microdl.viz import style


def test_context_sets_the_house_fonts_and_restores_only_its_keys():
    matplotlib.rcParams["font.size"] = 10.0
    matplotlib.rcParams["interactive"] = False
    with style.context():
        assert matplotlib.rcParams["font.size"] == style.FONT_SIZE
        matplotlib.interactive(True)           # what the inline backend does on first use
    assert matplotlib.rcParams["font.size"] == 10.0
    assert matplotlib.is_interactive()         # plt.rc_context would have turned it off
    matplotlib.interactive(False)


def test_projector_mode_raises_fonts_and_lines_then_restores():
    assert not style.is_projector()
    with viz.projector():
        assert style.is_projector()
        assert style.rc()["font.size"] > style.FONT_SIZE and style.rc()["lines.linewidth"] >= 3
        fig = viz.plot_activations(["relu", "tanh"])
        smallest = min(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
        assert smallest >= style.font_size()
    assert not style.is_projector() and style.rc()["font.size"] == style.FONT_SIZE
    viz.projector()
    assert style.is_projector()
    viz.projector(False)
    assert not style.is_projector()


def test_projector_mode_is_per_thread():
    seen = []
    with viz.projector():
        worker = threading.Thread(target=lambda: seen.append(style.is_projector()))
        worker.start()
        worker.join()
    assert seen == [False]


@pytest.fixture(autouse=True)
def _projector_off():
    yield
    viz.projector(False)
