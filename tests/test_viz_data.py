"""viz.plot_data: 2-D classification data in the house colours, and viz.snapshot."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from microdl import data, viz  # noqa: E402
from microdl.viz.boundary import class_color  # noqa: E402


def test_plot_data_draws_one_coloured_group_per_class():
    X, y = data.spirals(90, classes=3, seed=0)
    fig = viz.plot_data(X, y)
    ax = fig.axes[0]
    groups = ax.collections
    assert len(groups) == 3
    for k, group in enumerate(groups):
        assert len(group.get_offsets()) == np.sum(y == k)
        assert np.allclose(group.get_facecolor()[0][:3], matplotlib.colors.to_rgb(class_color(k)))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    assert isinstance(fig, viz.Figure) and plt.get_fignums() == []


def test_plot_data_on_given_axes_and_clear_errors():
    X, y = data.moons(40, seed=0)
    fig, ax = plt.subplots()
    assert viz.plot_data(X, y, ax=ax, class_names=["a", "b"]) is ax
    plt.close(fig)
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*got \(40, 3\)"):
        viz.plot_data(np.zeros((40, 3)), y)
    with pytest.raises(ValueError, match="40 points but y has 39"):
        viz.plot_data(X, y[:-1])


def test_snapshot_is_exported_and_frozen():
    from microdl.nn import MLP
    model = MLP(2, [3, 1])
    frozen = viz.snapshot(model)
    model.parameters()[0].data += 1.0
    assert frozen.parameters()[0].data != model.parameters()[0].data
