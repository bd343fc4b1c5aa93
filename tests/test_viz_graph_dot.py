"""viz.graph with Graphviz: every arrow's label sits on its own arrow, inputs keep their
order, and the picture fits a 16:9 slide (the issue-13 review of the dot renderer)."""
import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from lesson_graphs import perceptron
from microdl import Value
from microdl.viz import draw_graph
from microdl.viz.graph.dot import fit_to_slide

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed")


def chain(length=8):
    """A long thin graph: Graphviz lays it out in one flat row."""
    v = Value(0.5, label="x")
    for i in range(length):
        v = (v * 1.1).tanh()
    v.label = "out"
    v.backward()
    return v


def layout(source):
    """{node id: (x, y)} and {node id: label text} from `dot -Tplain` (y grows upward)."""
    plain = subprocess.run(["dot", "-Tplain"], input=source.encode(), capture_output=True,
                           check=True).stdout.decode()
    places, texts = {}, {}
    for line in plain.splitlines():
        if line.startswith("node "):
            name, x, y, _, _, text = line.split(" ", 6)[1:7]
            places[name], texts[name] = (float(x), float(y)), text
    return places, texts


def test_a_labelled_arrow_runs_through_its_own_label_node():
    y, neuron = perceptron()
    source = draw_graph(y, params=neuron, show_local=True).to_dot()
    arrows = re.findall(r"^  (n\d+) -> (label\d+) .*\n  \2 -> (n\d+) ", source, flags=re.M)
    labels = dict(re.findall(r'^  (label\d+) \[.*label="([^"]*)"\];', source, flags=re.M))
    assert len(arrows) == len(labels) == 8      # 7 inputs of dot, 1 into sigmoid (none onto Y)
    assert "decorate" not in source             # no detached labels on leader lines
    assert labels[arrows[0][1]] == "1 × 0.2403 = 0.2403"   # w0's: x1 * dY/dz


@needs_dot
def test_each_label_lies_between_its_arrows_ends_and_inputs_keep_their_order():
    y, neuron = perceptron()
    source = draw_graph(y, params=neuron, show_local=True).to_dot()
    places, _ = layout(source)
    arrows = re.findall(r"^  (n\d+) -> (label\d+) .*\n  \2 -> (n\d+) ", source, flags=re.M)
    for start, label, end in arrows:
        (x0, y0), (xl, yl), (x1, y1) = places[start], places[label], places[end]
        assert x0 < xl < x1
        assert min(y0, y1) - 0.01 <= yl <= max(y0, y1) + 0.01
    # the inputs of the weighted sum, top to bottom: w0 w1 w2 X1 X2 X3 b (argument order)
    inputs = [start for start, _, end in arrows if end == arrows[0][2]]
    heights = [places[node][1] for node in inputs]
    assert heights == sorted(heights, reverse=True)


@needs_dot
@pytest.mark.parametrize("graph", ["chain", "perceptron"])
def test_graphviz_pictures_fit_a_slide(graph):
    root = chain() if graph == "chain" else perceptron()[0]
    drawing = draw_graph(root, show_local=True, renderer="graphviz")
    width, height = Image.open(io.BytesIO(drawing.to_png())).size
    assert 1.0 <= width / height <= 2.4, (width, height)
    assert max(width, height) <= 2400


@needs_dot
def test_fit_to_slide_leaves_a_graph_that_already_fits_alone():
    source = draw_graph(perceptron()[0], show_local=True).to_dot()
    assert fit_to_slide(source) == source
    assert 'ratio="' in fit_to_slide(draw_graph(chain(), show_local=True).to_dot())
