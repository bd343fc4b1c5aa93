"""microdl.demo.save / finish: house Figures, Scenes and graphs, without pyplot owning them."""
import warnings

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from microdl import viz  # noqa: E402
from microdl.demo import demo_args, finish, save  # noqa: E402


def test_save_writes_figures_and_animations_and_leaves_pyplot_empty(tmp_path):
    args = demo_args("a lesson", ["--out", str(tmp_path)])
    save(viz.plot_activation("relu"), args, "relu.png")
    save(viz.animate_pooling(np.arange(16.0).reshape(4, 4)), args, "pooling.gif")
    with Image.open(tmp_path / "pooling.gif") as gif:
        assert gif.n_frames == 4
    assert (tmp_path / "relu.png").stat().st_size > 1000
    assert plt.get_fignums() == [] and not hasattr(args, "to_show")


def test_show_remembers_every_picture_and_finish_shows_each(tmp_path, monkeypatch):
    monkeypatch.setattr(matplotlib, "use", lambda *a, **k: None)  # stay on Agg in the test
    args = demo_args("a lesson", ["--out", str(tmp_path), "--show"])
    figure = viz.plot_activation("tanh")
    save(figure, args, "tanh.png")
    assert args.to_show == [figure]
    with warnings.catch_warnings(record=True) as caught:   # Agg: no window, a warning says so
        warnings.simplefilter("always")
        finish(args)
    assert any("no window can open" in str(w.message) for w in caught)
    assert plt.get_fignums() == []
