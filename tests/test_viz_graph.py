"""viz.graph: pictures of computational graphs, and backprop step by step.

Each picture is checked for what a student relies on: every node is there, the numbers
are the right ones (local x upstream on the arrows), grads are not faked before
backward(), the built-in renderer stands in for Graphviz, and drawing changes nothing.
"""
import io
import re
import shutil
import xml.etree.ElementTree as ET

import matplotlib.image
import numpy as np
import pytest
from PIL import Image

from lesson_graphs import karpathy, perceptron
from microdl import Value, topological_order
from microdl.nn import MLP
from microdl.viz import GraphDrawing, animate_backprop, draw_graph
from microdl.viz.graph import ACTIVATION_OPS, COMBINE_OPS, edge_color, edge_width

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")


# --- graphs ----------------------------------------------------------------------------------

def mlp_loss(sizes=(4, 4, 1), points=2, backward=True):
    model = MLP(2, list(sizes), seed=0)
    xs = [[2.0, 3.0], [-1.0, 0.5], [0.5, -2.0], [1.0, 1.0]][:points]
    ys = [1.0, -1.0, 1.0, -1.0][:points]
    loss = Value.sum([(model(x) - y) ** 2 for x, y in zip(xs, ys)])
    loss.label = "loss"
    if backward:
        loss.backward()
    return loss, model


def snapshot(root):
    return [(n.data, n.grad) for n in topological_order(root)]


def svg_text(svg):
    tree = ET.fromstring(svg)
    return " ".join(el.text for el in tree.iter() if el.text)


def labels_of(root):
    return [n.label for n in topological_order(root) if n.label]


@pytest.fixture(scope="module")
def karpathy_builtin():
    return draw_graph(karpathy(), renderer="builtin", show_local=True)


# --- what is drawn ----------------------------------------------------------------------------

def test_dot_source_has_every_node_numbered_in_topological_order():
    L = karpathy()
    dot = draw_graph(L).to_dot()
    ids = re.findall(r"^  (n\d+) \[", dot, flags=re.M)
    assert ids == [f"n{i}" for i in range(10)]  # 7 values + 3 ops, no gaps, no id() numbers
    for label in labels_of(L):
        assert f"<b>{label}</b>" in dot
    assert len(re.findall(r"^  n\d+ -> n\d+", dot, flags=re.M)) == 9
    assert "rankdir=LR" in dot


def test_arrows_carry_local_times_upstream():
    L = karpathy()
    drawing = draw_graph(L, show_local=True)
    titles = {n.id: n.title for n in drawing.diagram.nodes}
    into_ops = {titles[e.source]: (e.grad, e.label) for e in drawing.diagram.edges
                if titles[e.source] in "abcdef"}
    # dL/da = b * (f * 1) = 6 received along a's arrow, and so on
    assert into_ops == {"a": (6.0, "-3 × -2 = 6"), "b": (-4.0, "2 × -2 = -4"),
                        "e": (-2.0, "1 × -2 = -2"), "c": (-2.0, "1 × -2 = -2"),
                        "d": (-2.0, "-2 × 1 = -2"), "f": (4.0, "4 × 1 = 4")}
    for node in topological_order(L):  # each arrow's value is what the grad received
        if node.label in "abcf":
            assert into_ops[node.label][0] == node.grad


def test_edge_colour_is_the_sign_and_width_the_size_of_the_gradient():
    drawing = draw_graph(karpathy())
    scale = drawing.diagram.grad_scale
    assert scale == 6.0
    red = edge_color(6.0, scale)
    blue = edge_color(-4.0, scale)
    assert int(red[1:3], 16) > int(red[5:7], 16) and int(blue[5:7], 16) > int(blue[1:3], 16)
    assert edge_width(6.0, scale) > edge_width(-4.0, scale) > \
        edge_width(1.0, scale) > edge_width(0.0, scale)
    dot = drawing.to_dot()
    assert f'color="{red}", penwidth="{edge_width(6.0, scale):.2f}"' in dot
    y, _ = perceptron()  # X2 = 0 sends nothing to w1: a dashed grey arrow
    assert 'style="dashed"' in draw_graph(y).to_dot()


def test_roles_colour_the_boxes():
    y, neuron = perceptron()
    roles = {n.title: n.role for n in draw_graph(y, params=neuron).diagram.nodes if n.kind == "value"}
    assert roles == {"w0": "parameter", "w1": "parameter", "w2": "parameter", "b": "parameter",
                     "X1": "input", "X2": "input", "X3": "input", "": "intermediate", "Y": "output"}
    by_label = {n.title: n.role for n in draw_graph(y).diagram.nodes if n.kind == "value"}
    assert by_label == roles  # the label rule agrees when no params are given
    L = karpathy()  # no weights here: b is a variable, not a bias
    assert {n.title: n.role for n in draw_graph(L).diagram.nodes if n.title in "abcf"} == \
        dict.fromkeys("abcf", "input")
    z = Value.dot([Value(0.5, label="w0")], [3.0])  # 3.0 becomes a constant: no grad
    constant = [n for n in draw_graph(z).diagram.nodes if n.role == "constant"]
    assert len(constant) == 1 and [k for k, _ in constant[0].rows] == ["data"]
    assert 'style="rounded,filled,dashed"' in draw_graph(z).to_dot()


def test_before_backward_grads_are_not_shown_as_zeros():
    L = karpathy(backward=False)
    drawing = draw_graph(L, show_local=True)
    assert "grads not computed yet: call L.backward()" in drawing.diagram.subtitle
    grads = [text for n in drawing.diagram.nodes for key, text in n.rows if key == "grad"]
    assert grads and set(grads) == {"—"}
    assert "not computed" in drawing.to_dot()
    assert all(e.grad is None for e in drawing.diagram.edges)
    assert "local -3" in {e.label for e in drawing.diagram.edges}  # known from the forward pass
    forced = draw_graph(L, show_grad=True)
    assert {t for n in forced.diagram.nodes for k, t in n.rows if k == "grad"} == {"0.0000"}
    data_only = draw_graph(L, show_grad=False)
    assert all(k != "grad" for n in data_only.diagram.nodes for k, _ in n.rows)
    L.backward()
    assert draw_graph(L).diagram.subtitle == "grad = dL / d(node)"


def test_before_backward_builtin_picture_says_so():
    L = karpathy(backward=False)
    text = svg_text(draw_graph(L, renderer="builtin").to_svg())
    assert "grads not computed yet" in text and "—" in text


# --- renderers --------------------------------------------------------------------------

def test_builtin_svg_parses_and_names_every_node(karpathy_builtin):
    text = svg_text(karpathy_builtin.to_svg())
    for label in "abcdefL":
        assert re.search(rf"(^|\s){label}(\s|$)", text)
    assert "-3 × -2 = 6" in text and "gradient > 0" in text  # arrow labels and the legend


def test_builtin_png_is_a_real_picture(karpathy_builtin, tmp_path):
    path = karpathy_builtin.save(tmp_path / "graph.png")
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 800
    assert pixels[..., :3].var() > 0.01
    assert (pixels[..., :3].min(axis=2) < 0.9).mean() > 0.02  # not an empty white page


def test_auto_renderer_uses_the_builtin_one_without_dot(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    drawing = draw_graph(karpathy())
    assert drawing.renderer == "builtin"
    assert drawing.to_png()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(RuntimeError, match="renderer='builtin'"):
        draw_graph(karpathy(), renderer="graphviz")
    assert "digraph" in drawing.to_dot()  # no binary needed for the source


@needs_dot
def test_auto_renderer_uses_graphviz_when_dot_is_installed(tmp_path):
    drawing = draw_graph(karpathy(), show_local=True)
    assert drawing.renderer == "graphviz"
    text = svg_text(drawing.to_svg())
    for label in "abcdefL":
        assert re.search(rf"(^|\s){label}(\s|$)", text)
    pixels = matplotlib.image.imread(drawing.save(tmp_path / "graph.png"))
    assert pixels[..., :3].var() > 0.01


def test_save_takes_the_format_from_the_suffix(karpathy_builtin, tmp_path):
    assert (karpathy_builtin.save(tmp_path / "g.svg")).read_text().lstrip().startswith("<?xml")
    assert (karpathy_builtin.save(tmp_path / "g.dot")).read_text().startswith("digraph")
    with pytest.raises(ValueError, match=r"\.svg, \.png"):
        karpathy_builtin.save(tmp_path / "g.jpeg")


def test_displays_itself_in_jupyter(karpathy_builtin):
    bundle = karpathy_builtin._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["image/svg+xml"] == karpathy_builtin.to_svg()
    text_only = karpathy_builtin._repr_mimebundle_(include=["text/plain"])
    assert text_only == {"text/plain": repr(karpathy_builtin)}
    assert repr(karpathy_builtin) == "GraphDrawing(10 nodes, 9 edges, renderer='builtin')"


def test_a_notebook_stores_one_small_image_per_graph(karpathy_builtin):
    formatter = pytest.importorskip("IPython.core.formatters").DisplayFormatter()
    data, _ = formatter.format(karpathy_builtin)
    assert sorted(data) == ["image/svg+xml", "text/plain"]          # one picture, not SVG + PNG
    loss, model = mlp_loss()
    big = draw_graph(loss, params=model, max_nodes=1000, renderer="builtin")
    assert len(big.to_svg()) > big.SVG_LIMIT                         # too heavy as SVG ...
    data, _ = formatter.format(big)
    assert sorted(data) == ["image/png", "text/plain"]               # ... so one PNG
    png = data["image/png"]
    assert max(int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) <= big.NOTEBOOK_PIXELS
    assert len(png) < 1_000_000 < len(big.to_png())                  # not the 2 MB full-size PNG


# --- large graphs -------------------------------------------------------------------------

def test_collapse_draws_one_box_per_neuron_or_layer_call():
    loss, model = mlp_loss()
    full = draw_graph(loss, params=model, max_nodes=1000)
    neurons = draw_graph(loss, params=model, collapse="neuron")
    layers = draw_graph(loss, params=model, collapse="layer")
    assert layers.num_nodes < neurons.num_nodes < full.num_nodes
    groups = [n for n in neurons.diagram.nodes if n.kind == "group"]
    assert len(groups) == 9 * 2  # 4 + 4 + 1 neurons, called on 2 points
    assert {n.title for n in groups} == {f"L{l}.N{k} · ReLU" for l in (1, 2) for k in range(1, 5)} | {"L3.N1"}
    assert sorted(n.title for n in layers.diagram.nodes if n.kind == "group") == \
        ["L1 · ReLU"] * 2 + ["L2 · ReLU"] * 2 + ["L3"] * 2
    # the parameters' dotted labels give the same groups without the model
    assert draw_graph(loss, collapse="neuron").num_nodes == neurons.num_nodes
    # a collapsed box shows its output's data and grad
    output_neuron = next(n for n in neurons.diagram.nodes if n.title == "L3.N1")
    assert dict(output_neuron.rows)["grad"] != "—"


def test_arrows_into_a_collapsed_neuron_sum_what_the_input_received():
    loss, model = mlp_loss(points=1)
    x0 = next(n for n in topological_order(loss) if not n._prev and n.data == 2.0 and not n.label)
    drawing = draw_graph(loss, params=model, collapse="neuron")
    inputs = {n.id for n in drawing.diagram.nodes if n.rows and n.rows[0] == ("data", "2.0000")}
    sent = sum(e.grad for e in drawing.diagram.edges if e.source in inputs)
    assert sent == pytest.approx(x0.grad)


def test_too_many_nodes_is_an_error_that_suggests_collapse():
    loss, model = mlp_loss(sizes=(16, 16, 1), points=4)
    with pytest.raises(ValueError, match=r"more than its limit of 300.*collapse='neuron'.*draw_graph\(\.\.\., max_nodes="):
        draw_graph(loss, params=model)
    assert draw_graph(loss, params=model, collapse="layer").num_nodes < 60


# --- promises: deterministic, read-only, light -------------------------------------------------

def test_the_same_expression_draws_the_same_picture():
    first, second = draw_graph(karpathy(), renderer="builtin"), draw_graph(karpathy(), renderer="builtin")
    assert first.to_dot() == second.to_dot()
    assert first.layout == second.layout
    assert first.to_svg() == second.to_svg()
    loss1, model1 = mlp_loss()
    loss2, model2 = mlp_loss()
    assert draw_graph(loss1, params=model1, collapse="neuron").to_dot() == \
        draw_graph(loss2, params=model2, collapse="neuron").to_dot()


def test_drawing_changes_no_node():
    L = karpathy(backward=False)
    before = snapshot(L)
    drawing = draw_graph(L, renderer="builtin", show_local=True)
    drawing.to_dot()
    drawing.to_svg()
    animate_backprop(L).diagrams  # replays backprop without running it
    assert snapshot(L) == before and all(grad == 0 for _, grad in snapshot(L))
    loss, model = mlp_loss()
    before = snapshot(loss)
    draw_graph(loss, params=model, collapse="layer", show_local=True).to_dot()
    assert snapshot(loss) == before


def test_collapse_knows_exactly_the_op_names_the_engines_emit():
    Tensor = pytest.importorskip("microdl.tensor").Tensor
    F = pytest.importorskip("microdl.nn.functional")
    a, t = Value(0.5), Tensor([[0.5]], requires_grad=True)
    activations = {getattr(x, name)()._op for x in (a, t)
                   for name in ("sigmoid", "tanh", "relu", "leaky_relu")}
    combined = {node._op for node in (a + a, a * a, Value.sum([a, a]), Value.dot([a], [a]),
                                      t + t, t * t, t.sum(), t @ t, F.linear(t, t))}
    assert ACTIVATION_OPS == activations
    assert COMBINE_OPS == combined


def test_bad_arguments_are_explained():
    L = karpathy()
    with pytest.raises(TypeError, match="sum them|their sum"):
        draw_graph([L, L])
    with pytest.raises(ValueError, match="renderer"):
        draw_graph(L, renderer="dot")
    with pytest.raises(ValueError, match="collapse"):
        draw_graph(L, collapse="neurons")


# --- Tensor graphs (duck typed) --------------------------------------------------------------

class StandIn:
    """A node like a Tensor: ndarray data and grad, a function as _local."""

    def __init__(self, data, prev=(), op="", label="", requires_grad=True):
        self.data = np.asarray(data, dtype=float)
        self.grad = np.zeros_like(self.data)
        self._prev, self._op, self.label, self.requires_grad = prev, op, label, requires_grad
        self._local = (lambda g: tuple(g for _ in prev)) if prev else None


def test_tensor_nodes_show_shape_and_a_summary():
    x = StandIn(np.arange(6).reshape(3, 2), label="x", requires_grad=False)
    W = StandIn([[1.0, -1.0], [0.5, 2.0]], label="W")
    h = StandIn(x.data @ W.data, (x, W), "@", label="h")
    loss = StandIn(h.data.sum(), (h,), "sum", label="loss")
    drawing = draw_graph(loss)
    rows = {n.title: dict(n.rows) for n in drawing.diagram.nodes if n.kind == "value"}
    assert rows["x"] == {"shape": "(3, 2)", "data": "mean 2.5, norm 7.42"}  # an input: no grad
    assert rows["W"]["data"] == "[1, -1, 0.5, 2]" and rows["W"]["grad"] == "—"
    assert rows["loss"]["shape"] == "scalar"
    loss.grad = np.array(1.0)
    h.grad = np.ones((3, 2))
    W.grad = x.data.T @ h.grad
    drawing = draw_graph(loss, renderer="builtin", show_local=True)
    rows = {n.title: dict(n.rows) for n in drawing.diagram.nodes if n.kind == "value"}
    assert rows["W"]["grad"] == "[6, 6, 9, 9]"
    ids = {n.title: n.id for n in drawing.diagram.nodes}
    into_matmul = {e.source: e for e in drawing.diagram.edges if e.target == ids["@"]}
    W_id = ids["W"]
    assert np.allclose(into_matmul[W_id].grad, W.grad)  # W feeds one op: its grad came from there
    assert into_matmul[W_id].label.startswith("norm ")
    assert "W" in svg_text(drawing.to_svg())


def test_a_real_tensor_model_draws_and_collapses():
    Tensor = pytest.importorskip("microdl.tensor").Tensor
    nn = pytest.importorskip("microdl.nn")
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.ReLU(), nn.Linear(3, 1, seed=1))
    X = Tensor(np.random.default_rng(0).normal(size=(5, 2)), label="X")
    loss = (model(X) ** 2).mean()
    loss.label = "loss"
    loss.backward()
    full = draw_graph(loss, params=model)
    titles = {n.title for n in full.diagram.nodes}
    assert {"0.weight", "0.bias", "2.weight", "2.bias", "X"} <= titles
    collapsed = draw_graph(loss, params=model, collapse="neuron")
    assert {n.title for n in collapsed.diagram.nodes if n.kind == "group"} == {"Linear 0 · ReLU", "Linear 2"}


# --- the backprop animation -----------------------------------------------------------------

def test_animation_has_one_frame_per_node_that_passes_a_gradient_on():
    L = karpathy(backward=False)
    animation = animate_backprop(L)
    assert len(animation) == 3 + 2  # start, three ops, done
    first, *steps, last = animation.diagrams
    lit = [n.title for n in first.nodes if n.state == "firing"]
    assert lit == ["L"] and all(e.state == "waiting" for e in first.edges)
    assert [[n.title for n in d.nodes if n.state == "firing" and n.kind == "value"] for d in steps] == \
        [["L"], ["d"], ["e"]]
    firing = [e.label for e in steps[0].edges if e.state == "firing" and e.label]
    assert sorted(firing) == ["-2 × 1 = -2", "4 × 1 = 4"]
    grads_at_start = {n.title: dict(n.rows).get("grad") for n in first.nodes if n.kind == "value"}
    assert grads_at_start["L"] == "1.0000" and grads_at_start["a"] == "?"
    final = {n.title: dict(n.rows)["grad"] for n in last.nodes if n.kind == "value"}
    L.backward()  # the replay matches the real thing
    assert final == {n.label: f"{n.grad:.4f}" for n in topological_order(L)}


def test_animation_shows_partial_sums_for_a_node_used_twice():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    animation = animate_backprop(d)
    after_d = {n.title: dict(n.rows)["grad"] for n in animation.diagrams[1].nodes if n.title in "ab"}
    assert after_d == {"a": "1.0000 + …", "b": "?"}  # a gets 1 now and b = 2 more from c
    done = {n.title: dict(n.rows)["grad"] for n in animation.diagrams[-1].nodes if n.title in "ab"}
    assert done == {"a": "3.0000", "b": "3.0000"}


def test_animation_files_and_frames(tmp_path):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * b
    y.label = "y"
    animation = animate_backprop(y)
    frames = animation.frames(dpi=40)
    assert len(frames) == len(animation) == 3
    sizes = {Image.open(io.BytesIO(png)).size for png in frames}
    assert len(sizes) == 1  # every frame the same size
    gif = animation.save(tmp_path / "backprop.gif", dpi=40)
    with Image.open(gif) as image:
        assert image.n_frames == 3
    assert "<script" in animation.to_jshtml(dpi=40)


def test_animation_limits_and_tensor_graphs():
    loss, model = mlp_loss(points=1, backward=False)
    with pytest.raises(ValueError, match="max_frames=10"):
        animate_backprop(loss, params=model, max_frames=10)
    assert len(animate_backprop(loss, params=model, collapse="layer")) < 15
    x = StandIn([1.0, 2.0], label="x")
    s = StandIn(3.0, (x,), "sum", label="s")
    with pytest.raises(ValueError, match="call backward"):
        animate_backprop(s)
    s.grad, x.grad = np.array(1.0), np.ones(2)
    assert len(animate_backprop(s)) == 3


def test_draw_graph_returns_a_graph_drawing():
    assert isinstance(draw_graph(karpathy()), GraphDrawing)


# --- which backward() the grads came from ---------------------------------------------------

def _karpathy_with_inner():
    a, b, c, f = (Value(x, label=n) for x, n in [(2, "a"), (-3, "b"), (10, "c"), (-2, "f")])
    d = a * b + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return (a, b, c, f), d, L


def test_an_inner_node_drawn_after_backward_names_the_root_the_grads_came_from():
    leaves, d, L = _karpathy_with_inner()
    L.backward()
    assert draw_graph(d, renderer="builtin").diagram.subtitle.startswith("grad = dL / d(node)")
    assert draw_graph(L, renderer="builtin").diagram.subtitle == "grad = dL / d(node)"


def test_repeated_backward_says_the_leaf_grads_accumulated():
    leaves, d, L = _karpathy_with_inner()
    L.backward()
    L.backward()
    subtitle = draw_graph(L, renderer="builtin").diagram.subtitle
    assert "leaf grads accumulated over 2 backward() calls" in subtitle
    assert leaves[0].grad == 2 * -2 * -3            # the documented rule is kept: 2 x dL/da
    L.backward()
    assert "over 3 backward() calls" in draw_graph(L, renderer="builtin").diagram.subtitle
    for leaf in leaves:
        leaf.zero_grad()
    L.backward()
    assert "accumulated" not in draw_graph(L, renderer="builtin").diagram.subtitle


def test_tensor_leaves_count_backward_passes_too():
    from microdl import Tensor
    from microdl.autodiff import backward_record
    w = Tensor(np.ones(3), requires_grad=True, label="w")
    loss = (w * 2.0).sum()
    loss.label = "loss"
    loss.backward()
    loss.backward()
    assert backward_record(w)[:2] == (2, "loss")
    assert "over 2 backward() calls" in draw_graph(loss, renderer="builtin").diagram.subtitle
    w.zero_grad()
    assert backward_record(w) is None
