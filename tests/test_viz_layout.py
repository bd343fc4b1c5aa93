"""viz.graph layout: the built-in layered layout (columns, few crossings, no overlaps, deterministic)."""
import random

import pytest

from microdl.viz.graph import count_crossings, layered_layout, place_in_order


def unit_sizes(nodes, width=1.0, height=0.5):
    return {n: (width, height) for n in nodes}


def test_a_chain_is_one_straight_row_left_to_right():
    nodes = ["a", "b", "c", "d"]
    lay = layered_layout(nodes, list(zip(nodes, nodes[1:])), unit_sizes(nodes))
    assert lay.columns == [["a"], ["b"], ["c"], ["d"]]
    xs = [lay.positions[n][0] for n in nodes]
    ys = {lay.positions[n][1] for n in nodes}
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert len(ys) == 1


def test_a_leaf_sits_next_to_its_consumer_not_in_the_first_column():
    # L = (a*b + c) * f: f is used by the last op only
    edges = [("a", "mul"), ("b", "mul"), ("mul", "add"), ("c", "add"), ("add", "out"), ("f", "out")]
    nodes = ["a", "b", "c", "f", "mul", "add", "out"]
    lay = layered_layout(nodes, edges, unit_sizes(nodes))
    column = {n: i for i, col in enumerate(lay.columns) for n in col}
    assert column["a"] == column["b"] == 0
    assert column["c"] == column["add"] - 1
    assert column["f"] == column["out"] - 1


def test_every_edge_goes_left_to_right_and_long_edges_get_waypoints():
    nodes = ["x", "h1", "h2", "y"]
    edges = [("x", "h1"), ("h1", "h2"), ("h2", "y"), ("x", "y")]
    lay = layered_layout(nodes, edges, unit_sizes(nodes))
    for (u, v), route in zip(edges, lay.routes):
        assert route[0] == lay.positions[u] and route[-1] == lay.positions[v]
        xs = [p[0] for p in route]
        assert xs == sorted(xs)
    assert len(lay.routes[3]) == 4  # x -> y spans 3 columns: 2 waypoints


def test_nodes_of_a_column_do_not_overlap():
    rng = random.Random(1)
    nodes = list(range(60))
    edges = [(i, j) for j in range(1, 60) for i in rng.sample(range(j), min(j, 2))]
    sizes = {n: (0.5 + rng.random(), 0.3 + rng.random()) for n in nodes}
    gap = 0.25
    lay = layered_layout(nodes, edges, sizes, row_gap=gap)
    for col in lay.columns:
        for a, b in zip(col, col[1:]):
            top_of_b = lay.positions[b][1] - sizes[b][1] / 2
            bottom_of_a = lay.positions[a][1] + sizes[a][1] / 2
            assert top_of_b - bottom_of_a >= gap - 1e-9
    for n in nodes:  # everything inside the reported bounding box
        x, y = lay.positions[n]
        assert -1e-9 <= x - sizes[n][0] / 2 and x + sizes[n][0] / 2 <= lay.width + 1e-9
        assert -1e-9 <= y - sizes[n][1] / 2 and y + sizes[n][1] / 2 <= lay.height + 1e-9


def test_barycenter_sweeps_untangle_a_crossing_drawn_in_a_bad_order():
    # given in an order that crosses every edge: a1 b1 / b2 a2
    nodes = ["a1", "b1", "b2", "a2", "a3", "b3"]
    edges = [("a1", "a2"), ("b1", "b2"), ("a2", "a3"), ("b2", "b3")]
    lay = layered_layout(nodes, edges, unit_sizes(nodes))
    assert lay.crossings == 0
    assert count_crossings([["a1", "b1"], ["b2", "a2"]], {"a1": ["a2"], "b1": ["b2"]}) == 1


def test_the_same_input_gives_the_same_layout():
    rng = random.Random(7)
    nodes = list(range(80))
    edges = [(i, j) for j in range(1, 80) for i in rng.sample(range(j), min(j, 3))]
    sizes = unit_sizes(nodes)
    first = layered_layout(nodes, edges, sizes)
    second = layered_layout(list(nodes), list(edges), dict(sizes))
    assert first == second


def test_repeated_edges_and_single_nodes_are_fine():
    lay = layered_layout(["a", "b"], [("a", "b"), ("a", "b")], unit_sizes("ab"))
    assert len(lay.routes) == 2
    alone = layered_layout(["only"], [], {"only": (2.0, 1.0)})
    assert alone.positions["only"] == (1.0, 0.5) and (alone.width, alone.height) == (2.0, 1.0)
    empty = layered_layout([], [], {})
    assert empty.positions == {} and empty.columns == []


def test_edge_room_widens_only_the_gap_it_asks_for():
    nodes = ["a", "b", "c"]
    plain = layered_layout(nodes, [("a", "b"), ("b", "c")], unit_sizes(nodes), column_gap=0.5)
    roomy = layered_layout(nodes, [("a", "b"), ("b", "c")], unit_sizes(nodes), column_gap=0.5,
                           edge_room=[2.0, 0.0])
    assert roomy.positions["b"][0] - plain.positions["b"][0] == pytest.approx(1.5)
    def second_gap(lay):
        return lay.positions["c"][0] - lay.positions["b"][0]
    assert second_gap(roomy) == pytest.approx(second_gap(plain))


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="cycle"):
        layered_layout(["a", "b"], [("a", "b"), ("b", "a")], unit_sizes("ab"))
    with pytest.raises(ValueError, match="not in the list of nodes"):
        layered_layout(["a"], [("a", "z")], unit_sizes("a"))


def test_place_in_order_is_the_closest_ordered_placement():
    # targets out of order: the two collide and are pushed apart symmetrically
    assert place_in_order([1.0, 1.0], [1, 1], [2.0]) == pytest.approx([0.0, 2.0])
    assert place_in_order([0.0, 5.0], [1, 1], [2.0]) == pytest.approx([0.0, 5.0])
    assert place_in_order([3.0, 0.0, 10.0], [1, 1, 1], [1.0, 1.0]) == pytest.approx([1.0, 2.0, 10.0])


def test_folding_puts_the_later_columns_in_a_second_row_joined_by_lanes():
    from microdl.viz.graph.folding import fold_layout, fold_splits
    nodes = ["a", "b", "c", "d", "e"]
    sizes = {n: (1.0, 0.5) for n in nodes}
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("a", "d")]
    flat = layered_layout(nodes, edges, sizes)
    assert fold_splits(flat) == [1, 2, 3, 4]
    folded = fold_layout(flat, sizes, 3, edge_room=[0.0, 0.0, 1.5, 0.0, 1.5])
    top = [folded.positions[n] for n in "abc"]
    bottom = [folded.positions[n] for n in "de"]
    assert folded.width < flat.width and folded.height > flat.height
    assert min(y for _, y in bottom) - max(y for _, y in top) >= 0.5 + 0.35      # the rows do not overlap
    assert min(x for x, _ in bottom) - 0.5 >= 1.5                                 # room for the labels before d
    crossing = [folded.routes[2], folded.routes[4]]                               # c -> d and a -> d
    assert all(len(route) == len(flat.routes[i]) + 4 for route, i in zip(crossing, (2, 4)))
    lanes = [route[-3][1] for route in crossing]                                  # the lanes between the rows
    assert lanes[0] != lanes[1] and all(max(y for _, y in top) < lane < min(y for _, y in bottom) for lane in lanes)
    assert folded.routes[3] == [folded.positions["d"], folded.positions["e"]]     # inside a row: only moved
