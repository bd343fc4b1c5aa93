"""viz.explore_backprop: click through the forward and the backward pass.

Every number a frame shows is checked against the engine: the contribution on each arrow
is local x upstream from backward(), and the running sum at each node ends at its .grad.
The controls are driven from code (Agg), in the window adapter and in the Jupyter widget,
and once in a real window under Xvfb with a screenshot.
"""
import io
import re
import textwrap

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from lesson_graphs import karpathy
from microdl import Value, topological_order
from microdl.nn import MLP, Neuron
from microdl.viz import animate_backprop, explore_backprop
from microdl.viz.canvas import SceneWindow
from microdl.viz.graph.expand import expand_fused

NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


@pytest.fixture
def figures_before():
    """The pyplot figures open before the test (other code may leave some): ours add none."""
    return plt.get_fignums()


def tanh_graph():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    y = a * b + c.tanh()
    y.label = "y"
    return y


def used_twice(a=3.0):
    a = Value(a, label="a")
    y = a * a + a
    y.label = "y"
    return y, a


def perceptron():
    neuron = Neuron(3, activation="sigmoid", weights=[0.5, -1.0, 0.25], bias=0.1)
    x = [Value(v, label=f"x{i}") for i, v in enumerate([1.0, -2.0, 0.5])]
    y = neuron(x)
    y.label = "y"
    return y, neuron


def rows(diagram, title):
    return next(dict(n.rows) for n in diagram.nodes if n.title == title)


def figure_texts(fig):
    """Every text of the figure, each on one line (a long arrow label is drawn on two)."""
    return [t.get_text().replace("\n", " ") for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_text())]


def halos(fig, state):
    return [p for p in fig.findobj() if getattr(p, "get_gid", lambda: None)() == f"halo-{state}"]


# --- what the steps are -------------------------------------------------------------------

def test_forward_node_by_node_then_backward_arrow_by_arrow():
    scene = explore_backprop(karpathy(backward=False))
    assert [s.kind for s in scene.steps] == ["start"] + ["compute"] * 3 + ["start"] + ["edge"] * 6 + ["done"]
    assert len(scene) == 12 and scene.index == 0
    first, e_step = scene.diagrams[0], scene.diagrams[1]
    assert rows(first, "e")["data"] == "?" and rows(first, "a")["data"] == "2.0000"
    assert rows(e_step, "e")["data"] == "-6.0000" and rows(e_step, "L")["data"] == "?"
    assert scene.steps[1].subtitle == "e = a × b = 2 × -3 = -6"
    assert [n.title for n in e_step.nodes if n.state == "firing"] == ["×", "e"]
    step = scene.steps[9]  # e passes its gradient to a: local (b = -3) x upstream (dL/de = -2)
    assert step.title.endswith("e passes its gradient to a")
    assert step.subtitle.endswith("= -3 × -2 = 6")
    moving = [e.label for e in scene.diagrams[9].edges if e.state == "firing" and e.label]
    assert moving == ["-3 × -2 = 6"]
    assert [n.title for n in scene.diagrams[9].nodes if n.state == "receiving"] == ["a"]


def test_the_drawn_frame_shows_the_step_and_highlights_the_node(figures_before):
    scene = explore_backprop(karpathy(backward=False))
    fig = scene.step(2).figure()
    texts = figure_texts(fig)
    assert "Forward pass, step 2 of 3: compute d" in texts and "d = e + c = -6 + 10 = 4" in texts
    assert len(halos(fig, "firing")) == 2 and not halos(fig, "receiving")  # the + and d
    fig = scene.step(9).figure()
    assert "-3 × -2 = 6" in figure_texts(fig) and len(halos(fig, "receiving")) == 1
    assert tuple(fig.get_size_inches()) == (12.8, 7.2) and fig.dpi == 100  # a 1280x720 slide
    assert plt.get_fignums() == figures_before


@pytest.mark.parametrize("make", [lambda: karpathy(backward=False), tanh_graph, lambda: used_twice()[0], lambda: perceptron()[0]])
def test_every_contribution_is_local_times_upstream_from_backward(make):
    root = make()
    root.backward()
    scene = explore_backprop(root)
    seen = 0
    for step, diagram in zip(scene.steps, scene.diagrams):
        if step.kind != "edge":
            continue
        (child, parent, slot), = step.parts
        expected = parent._local[slot] * parent.grad  # the engine's numbers after backward()
        label, = [e.label for e in diagram.edges if e.state == "firing" and e.label]
        local, upstream, contribution = map(float, re.fullmatch(
            rf"({NUMBER}) × ({NUMBER}) = ({NUMBER})", label).groups())
        assert local == pytest.approx(parent._local[slot], rel=1e-3, abs=1e-9)
        assert upstream == pytest.approx(parent.grad, rel=1e-3, abs=1e-9)
        assert contribution == pytest.approx(expected, rel=1e-3, abs=1e-9)
        seen += 1
    assert seen == sum(len(n._prev) for n in topological_order(root))


@pytest.mark.parametrize("make", [lambda: karpathy(backward=False), tanh_graph, lambda: used_twice()[0]])
def test_running_sums_end_at_every_grad(make):
    root = make()
    root.backward()
    scene = explore_backprop(root)
    nodes = {n.label: n for n in topological_order(root) if n.label}
    for title, node in nodes.items():
        texts = [rows(d, title)["grad"] for d in scene.diagrams if d.title.startswith("Backward")]
        complete = [t for t in texts if t != "?" and not t.endswith("…")]
        assert complete, f"{title} never completes"
        total = float(complete[0].split("=")[-1])   # "1 + 3 + 3 = 7" or "7.0000"
        assert total == pytest.approx(node.grad, rel=1e-3)
        assert rows(scene.diagrams[-1], title)["grad"] == f"{node.grad:.4f}"


def test_a_node_used_twice_shows_its_running_sum():
    y, a = used_twice(3.0)
    scene = explore_backprop(y)
    sums = [rows(d, "a")["grad"] for d, s in zip(scene.diagrams, scene.steps) if s.phase == "backward"]
    assert sums == ["?", "?", "1.0000 + …", "1 + 3 = 4 + …", "1 + 3 + 3 = 7", "7.0000"]
    y.backward()
    assert a.grad == 7.0  # d/da (a*a + a) = 2a + 1


def test_by_node_moves_every_input_of_a_node_at_once_like_animate_backprop():
    L = karpathy(backward=False)
    scene = explore_backprop(L, forward=False, by="node")
    assert [s.kind for s in scene.steps] == ["start", "node", "node", "node", "done"]
    assert animate_backprop(L).diagrams == scene.diagrams  # the same frames
    assert explore_backprop(L).diagrams[4:] != scene.diagrams


# --- expand: a neuron's products ---------------------------------------------------------

def test_expand_writes_out_a_neurons_dot_as_products_and_a_sum():
    y, neuron = perceptron()
    view = expand_fused(y)
    z = view._prev[0]
    assert view._op == "sigmoid" and z._op == "+"
    assert [p.label for p in z._prev] == ["w0·x0", "w1·x1", "w2·x2", "b"]
    assert [p.data for p in z._prev[:3]] == [0.5, 2.0, 0.125]
    assert z._prev[0]._prev[0] is neuron.w[0]  # the leaves are the engine's own nodes
    y.backward()
    scene = explore_backprop(y, params=neuron, expand=True)
    titles = {n.title for n in scene.diagrams[0].nodes}
    assert {"w0·x0", "w1·x1", "w2·x2", "b", "y"} <= titles
    done = scene.diagrams[-1]
    for w, x in zip(neuron.w, (f"x{i}" for i in range(3))):
        assert rows(done, w.label)["grad"] == f"{w.grad:.4f}"  # the same gradients as backward()
    assert rows(done, "b")["grad"] == f"{neuron.b.grad:.4f}"
    assert explore_backprop(y, params=neuron).diagrams[-1].nodes != done.nodes  # one dot box


def test_collapsed_neuron_and_layer_views_of_an_mlp(figures_before):
    model = MLP(2, [3, 1], seed=0)
    loss = (model([1.0, -1.0]) - 1.0) ** 2
    loss.label = "loss"
    for level in ("neuron", "layer"):
        scene = explore_backprop(loss, params=model, collapse=level)
        groups = [n for n in scene.diagrams[0].nodes if n.kind == "group"]
        assert groups and scene.steps[-1].kind == "done"
        assert rows(scene.diagrams[-1], "loss")["grad"] == "1.0000"
        scene.last().figure()
    assert plt.get_fignums() == figures_before


# --- controls: code, window keys, Jupyter widget, files ----------------------------------

def test_controls_from_code():
    scene = explore_backprop(karpathy(backward=False))
    assert scene.next().next().index == 2 and scene.previous().index == 1
    assert scene.last().current.kind == "done" and scene.first().index == 0
    assert scene.step(-1).index == len(scene) - 1
    with pytest.raises(IndexError, match="12 frames"):
        scene.step(12)
    assert "Forward pass, step 3 of 3: compute L" in figure_texts(scene.figure(3))


def test_window_arrow_keys_step_through(figures_before):
    scene = explore_backprop(karpathy(backward=False))
    window = SceneWindow(scene)
    for key, expected in (("right", 1), ("right", 2), ("left", 1), ("end", 11), ("home", 0)):
        window.press(key)
        assert scene.index == expected
        assert scene.current.title in figure_texts(window.figure)
    window.widgets["frame"].set_val(9)                 # the student drags the slider
    assert scene.index == 9 and "-3 × -2 = 6" in figure_texts(window.figure)
    assert plt.get_fignums() == figures_before


def test_jupyter_widget_has_buttons_and_a_slider():
    pytest.importorskip("ipywidgets", reason="ipywidgets is not installed (pip install -e '.[jupyter]')")
    scene = explore_backprop(karpathy(backward=False))
    assert scene.prefer_widgets
    box = scene.widget()
    before = box.image.value
    box.controls["frame"].value = 5
    assert scene.index == 5 and box.image.value != before
    buttons = [w.tooltip for w in box.children[0].children if hasattr(w, "tooltip")]
    assert {"first", "previous", "next", "last"} <= set(buttons)


def test_files_gif_png_and_offline_player(tmp_path):
    scene = explore_backprop(used_twice()[0])
    gif = scene.save(tmp_path / "backprop.gif", dpi=40)
    with Image.open(gif) as image:
        assert image.n_frames == len(scene) == 9
    assert scene.step(6).save(tmp_path / "step.png").stat().st_size > 0
    for i in range(len(scene)):  # nothing is drawn outside the 1280x720 slide
        fig = scene.figure(i)
        box = fig.get_tightbbox(fig.canvas.get_renderer())
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= 12.8 and box.y1 <= 7.2
    html = scene.to_html(width=320)
    assert html.count("iVBOR") >= len(scene) and "https://" not in html


def test_animate_backprop_keeps_its_api(tmp_path, figures_before):
    animation = animate_backprop(karpathy(backward=False))
    assert len(animation) == 5 and "5 frames" in repr(animation)
    frames = animation.frames(dpi=30)
    assert len({Image.open(io.BytesIO(png)).size for png in frames}) == 1
    assert animation.figure(1).get_size_inches()[0] == 12.8
    assert animation.save(tmp_path / "b.html").read_text().count("<script") == 1
    assert "<script" in animation._repr_html_()
    assert plt.get_fignums() == figures_before


def test_limits_and_bad_arguments_are_explained():
    model = MLP(2, [16, 16, 1], seed=0)
    loss = (model([1.0, -1.0]) - 1.0) ** 2
    with pytest.raises(ValueError, match=r"max_frames=200 .*collapse='neuron'.*max_frames=\d+\)"):
        explore_backprop(loss)
    with pytest.raises(ValueError, match=r"animate_backprop: .*max_frames=60"):
        animate_backprop(loss)  # names the limit of the function the user called
    assert len(explore_backprop(loss, params=model, collapse="layer")) < 40
    with pytest.raises(TypeError, match="their sum"):
        explore_backprop([loss, loss])
    with pytest.raises(ValueError, match="by must be"):
        explore_backprop(loss, by="arrow")


def test_exploring_changes_no_node():
    L = karpathy(backward=False)
    before = [(n.data, n.grad) for n in topological_order(L)]
    explore_backprop(L, expand=True).last().figure()
    assert [(n.data, n.grad) for n in topological_order(L)] == before


# --- a real window --------------------------------------------------------------------------

WINDOW_SCRIPT = textwrap.dedent("""
    import sys, subprocess, matplotlib
    matplotlib.use("TkAgg")
    from microdl import Value
    from microdl.viz import explore_backprop
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    y = a * b + c.tanh(); y.label = "y"
    scene = explore_backprop(y)
    window = scene.show(block=False)
    for _ in range(6):
        window.press("right")                     # the arrow key's action
    window.figure.canvas.draw()
    window.figure.canvas.flush_events()
    window.figure.canvas.get_tk_widget().update()
    subprocess.run(["import", "-window", "root", sys.argv[1]], check=True)
    print(scene.index, scene.current.title)
""")


def test_a_real_window_under_xvfb(tmp_path, run_in_virtual_window):
    shot = tmp_path / "explore_backprop_window.png"
    result = run_in_virtual_window(WINDOW_SCRIPT, shot)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("6 Backward pass, step 2 of")
    with Image.open(shot) as image:
        colours = image.convert("RGB").resize((140, 90)).getcolors(140 * 90)
    assert colours is not None and len(colours) > 20  # a drawn window, not a blank screen


def test_lesson_2_saves_the_explorer_gif_and_a_backward_step(tmp_path, capsys, figures_before):
    from microdl import cli
    cli.run_lesson(cli.find_lesson("backprop"), ["--quick", "--out", str(tmp_path)])
    assert "explore_backprop: 12 steps" in capsys.readouterr().out
    with Image.open(tmp_path / "explore_backprop.gif") as image:
        assert image.n_frames == 12
    with Image.open(tmp_path / "explore_backprop_step.png") as image:
        assert len(image.convert("RGB").getcolors(1 << 20)) > 20
    assert plt.get_fignums() == figures_before


# --- collapsed views of an MLP keep their text readable on a 1280x720 slide -----------------

def mlp_views():
    model = MLP(2, [3, 1], seed=0)
    x = [Value(1.0, label="x1"), Value(-1.0, label="x2")]
    y = model(x)
    y.label = "y"
    loss = (model([1.0, -1.0]) - 1.0) ** 2
    return {"MLP(2, [3, 1]) neuron": explore_backprop(y, params=model, collapse="neuron"),
            "its loss, neuron": explore_backprop(loss, params=model, collapse="neuron"),
            "its loss, layer": explore_backprop(loss, params=model, collapse="layer")}


def test_collapsed_views_keep_every_text_at_least_12_pt_on_the_slide(figures_before):
    from test_tour_sizes import SLIDE_PX_PER_INCH, _smallest_text
    for name, scene in mlp_views().items():
        for i in range(len(scene)):
            fig = scene.figure(i)
            width, height = fig.get_size_inches() * fig.dpi
            on_slide = _smallest_text(fig) * fig.dpi / SLIDE_PX_PER_INCH * min(1280 / width, 720 / height)
            assert on_slide >= 12, f"{name}, frame {i}: {on_slide:.1f} pt on the slide"
            box = fig.get_tightbbox(fig.canvas.get_renderer())       # nothing drawn off the slide
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= 12.8 and box.y1 <= 7.2, (name, i, box)
    assert plt.get_fignums() == figures_before


def test_a_folded_view_shows_the_engines_numbers_on_every_arrow():
    scene = mlp_views()["its loss, neuron"]
    assert scene.wrap_labels and len({round(y, 3) for _, y in scene.layout.positions.values()}) > 3
    folded = sum(any(q[0] < p[0] for p, q in zip(r, r[1:])) for r in scene.layout.routes)
    assert folded >= 1, "the loss view is expected to be folded into two rows"
    for step, diagram in zip(scene.steps, scene.diagrams):
        if step.kind != "edge":
            continue
        (child, parent, slot), = step.parts
        label, = [e.label for e in diagram.edges if e.state == "firing" and e.label]
        texts = figure_texts(scene.figure(scene.steps.index(step)))
        assert label in texts                                        # drawn, on two lines
        local, upstream, _ = map(float, re.fullmatch(rf"({NUMBER}) × ({NUMBER}) = ({NUMBER})", label).groups())
        assert local == pytest.approx(parent._local[slot], rel=1e-3, abs=1e-9)
