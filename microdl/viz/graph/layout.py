"""A layered drawing of a directed acyclic graph, left to right (the Sugiyama method).

`draw_graph` uses it when Graphviz's `dot` program is not installed, and the backprop
animation always does, so a student with nothing but pip gets a picture. Four steps:

1. layering     every node sits one column right of its latest input (longest path);
                then each leaf (an input, a parameter) moves right, next to its first
                consumer, so that no leaf dangles far away from where it is used;
2. waypoints    an edge that spans k columns gets k-1 invisible waypoints ("dummy
                nodes"), so that every edge joins two neighbouring columns;
3. ordering     a few sweeps of the barycenter heuristic: in each column, nodes are
                sorted by the mean position of their neighbours in the column before
                (or after), which untangles crossings; the ordering with the fewest
                crossings wins;
4. coordinates  columns stand side by side; inside a column, each node is pulled toward
                the mean height of its neighbours, keeping the order and a gap (an
                isotonic regression, solved exactly by pool-adjacent-violators).

Deterministic: ties are broken by the order in which nodes and edges were given.
Coordinates are in the unit of `sizes` (the renderer uses inches); y grows downward.

>>> lay = layered_layout(["a", "b", "c"], [("a", "c"), ("b", "c")],
...                      {"a": (1, 0.5), "b": (1, 0.5), "c": (1, 0.5)})
>>> lay.columns
[['a', 'b'], ['c']]
>>> lay.positions["c"][1] == (lay.positions["a"][1] + lay.positions["b"][1]) / 2
True
"""
from collections import deque
from dataclasses import dataclass

__all__ = ["Layout", "layered_layout", "count_crossings", "place_in_order", "assign_columns",
           "order_columns", "assign_widths", "assign_heights"]


@dataclass(frozen=True)
class Layout:
    """Where everything goes. y grows downward; (0, 0) is the top-left corner."""
    positions: dict   # node -> (x, y) of its centre
    routes: list      # per edge, in the given order: [(x, y), ...] from the source's centre
                      # through the waypoints to the target's centre
    columns: list     # the nodes of each column, left to right, each top to bottom
    width: float
    height: float
    crossings: int    # edge crossings between neighbouring columns (0 is a planar drawing)


def layered_layout(nodes, edges, sizes, *, column_gap=0.5, row_gap=0.25, sweeps=8,
                   edge_room=None):
    """Lay out a DAG left to right.

    nodes:  hashable ids, in a meaningful order (e.g. topological): it breaks ties.
    edges:  (source, target) pairs; repeated pairs are separate edges.
    sizes:  node -> (width, height).
    column_gap, row_gap: free space between columns, and between nodes of a column.
    edge_room: optional width per edge that the gap right of its source must leave free
            (the renderer writes edge labels there).
    """
    nodes = list(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    if len(index) != len(nodes):
        raise ValueError("layered_layout: the same node is listed twice")
    try:
        pairs = [(index[u], index[v]) for u, v in edges]
    except KeyError as missing:
        raise ValueError(f"layered_layout: an edge uses {missing.args[0]!r}, which is not "
                         f"in the list of nodes") from None
    column = assign_columns(len(nodes), pairs, nodes)

    # waypoints: vertices 0..n-1 are the nodes, the rest are dummies on long edges
    vcolumn, vsize = list(column), [tuple(map(float, sizes[node])) for node in nodes]
    chains = []
    for u, v in pairs:
        chain = [u]
        for c in range(column[u] + 1, column[v]):
            vcolumn.append(c)
            vsize.append((0.0, 0.0))
            chain.append(len(vcolumn) - 1)
        chains.append(chain + [v])
    preds = [[] for _ in vcolumn]
    succs = [[] for _ in vcolumn]
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            succs[a].append(b)
            preds[b].append(a)

    columns = [[] for _ in range(max(vcolumn, default=-1) + 1)]
    for vertex, c in enumerate(vcolumn):
        columns[c].append(vertex)
    columns, crossings = order_columns(columns, preds, succs, sweeps)

    is_dummy = [vertex >= len(nodes) for vertex in range(len(vcolumn))]
    ys = assign_heights(columns, preds, succs, vsize, is_dummy, row_gap, rounds=2 * sweeps)
    room = [0.0] * len(columns)
    for (u, _), extra in zip(pairs, edge_room or ()):
        room[column[u]] = max(room[column[u]], extra)
    xs, width = assign_widths(columns, vsize, column_gap, succs, room)

    top = min((ys[v] - vsize[v][1] / 2 for v in range(len(vcolumn))), default=0.0)
    point = [(xs[vcolumn[v]], ys[v] - top) for v in range(len(vcolumn))]
    height = max((point[v][1] + vsize[v][1] / 2 for v in range(len(vcolumn))), default=0.0)
    return Layout(
        positions={node: point[i] for i, node in enumerate(nodes)},
        routes=[[point[v] for v in chain] for chain in chains],
        columns=[[nodes[v] for v in col if not is_dummy[v]] for col in columns],
        width=width, height=height, crossings=crossings)


# --- 1. layering ---------------------------------------------------------------------

def assign_columns(n, pairs, names=None):
    """Column of each node: longest path from the sources, then leaves moved right.

    Kahn's algorithm gives a topological order (ties: the given order); a cycle is an
    error, since a computational graph never has one.
    """
    preds = [[] for _ in range(n)]
    succs = [[] for _ in range(n)]
    for u, v in pairs:
        succs[u].append(v)
        preds[v].append(u)
    waiting = [len(p) for p in preds]
    queue = deque(i for i in range(n) if waiting[i] == 0)
    order = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in succs[u]:
            waiting[v] -= 1
            if waiting[v] == 0:
                queue.append(v)
    if len(order) < n:
        stuck = next(i for i in range(n) if waiting[i] > 0)
        name = names[stuck] if names is not None else stuck
        raise ValueError(f"layered_layout: the graph has a cycle (through {name!r}); "
                         f"only a directed acyclic graph can be laid out in columns")
    column = [0] * n
    for v in order:
        column[v] = max((column[u] + 1 for u in preds[v]), default=0)
    for v in order:  # a leaf sits just left of its first consumer
        if not preds[v] and succs[v]:
            column[v] = min(column[w] for w in succs[v]) - 1
    return column


# --- 3. ordering: barycenter sweeps ---------------------------------------------------

def order_columns(columns, preds, succs, sweeps):
    """Reorder each column to reduce edge crossings; returns (columns, crossings)."""
    columns = [list(col) for col in columns]
    best, best_crossings = [list(col) for col in columns], count_crossings(columns, succs)
    for sweep in range(sweeps):
        if best_crossings == 0:
            break
        downward = sweep % 2 == 0
        span = range(1, len(columns)) if downward else range(len(columns) - 2, -1, -1)
        for c in span:
            reference = columns[c - 1] if downward else columns[c + 1]
            neighbours = preds if downward else succs
            columns[c] = _barycenter_sort(columns[c], reference, neighbours)
        crossings = count_crossings(columns, succs)
        if crossings < best_crossings:
            best, best_crossings = [list(col) for col in columns], crossings
    return best, best_crossings


def _barycenter_sort(col, reference, neighbours):
    """Sort `col` by the mean relative position of each vertex's neighbours in `reference`.

    Positions are fractions of the column (0..1), so a vertex without neighbours there
    keeps its own relative place. Python's sort is stable: ties keep the current order.
    """
    where = {v: (i + 0.5) / len(reference) for i, v in enumerate(reference)}
    keys = {}
    for i, v in enumerate(col):
        near = [where[u] for u in neighbours[v] if u in where]
        keys[v] = sum(near) / len(near) if near else (i + 0.5) / len(col)
    return sorted(col, key=keys.__getitem__)


def count_crossings(columns, succs):
    """Edge crossings between neighbouring columns (inversions, counted by merge sort)."""
    total = 0
    for left, right in zip(columns, columns[1:]):
        place = {v: i for i, v in enumerate(right)}
        ends = sorted((i, place[w]) for i, v in enumerate(left) for w in succs[v] if w in place)
        total += _inversions([b for _, b in ends])
    return total


def _inversions(seq):
    """Pairs i < j with seq[i] > seq[j]."""
    if len(seq) < 2:
        return 0
    mid = len(seq) // 2
    left, right = sorted(seq[:mid]), sorted(seq[mid:])
    count = _inversions(seq[:mid]) + _inversions(seq[mid:])
    j = 0
    for x in left:  # for each x on the left, how many on the right are smaller
        while j < len(right) and right[j] < x:
            j += 1
        count += j
    return count


# --- 4. coordinates ---------------------------------------------------------------------

def assign_widths(columns, sizes, gap, succs, room):
    """x of each column's centre: columns side by side, each as wide as its widest node.

    The gap after a column grows with the number of edges that cross it (x sqrt(k)/1.5
    for k > 2), so that a dense bundle of arrows has room to fan out, and is at least
    room[c] (what its edges asked for).
    """
    xs, right = [], 0.0
    for c, col in enumerate(columns):
        width = max((sizes[v][0] for v in col), default=0.0)
        if c:
            crossing = sum(len(succs[v]) for v in columns[c - 1])
            left = right + max(gap * max(1.0, crossing ** 0.5 / 1.5), room[c - 1])
        else:
            left = 0.0
        xs.append(left + width / 2)
        right = left + width
    return xs, right


def assign_heights(columns, preds, succs, sizes, is_dummy, gap, rounds):
    """y of every vertex: near its neighbours' mean, in column order, with gaps.

    Sweeps left-to-right and back; each column is placed by `place_in_order`. A dummy
    counts double, which straightens long edges.
    """
    y = [0.0] * len(sizes)
    separations = []
    for col in columns:
        seps = [_separation(a, b, sizes, is_dummy, gap) for a, b in zip(col, col[1:])]
        separations.append(seps)
        position = 0.0
        for v, step in zip(col, [0.0] + seps):
            position += step
            y[v] = position
    for round_ in range(rounds):
        span = range(len(columns)) if round_ % 2 == 0 else range(len(columns) - 1, -1, -1)
        for c in span:
            col = columns[c]
            targets, weights = [], []
            for v in col:
                near = preds[v] + succs[v]
                targets.append(sum(y[u] for u in near) / len(near) if near else y[v])
                weights.append(len(near) * (2.0 if is_dummy[v] else 1.0) or 1.0)
            for v, value in zip(col, place_in_order(targets, weights, separations[c])):
                y[v] = value
    return y


def _separation(a, b, sizes, is_dummy, gap):
    """Distance between the centres of two vertices stacked in one column."""
    both_real = not (is_dummy[a] or is_dummy[b])
    return (sizes[a][1] + sizes[b][1]) / 2 + (gap if both_real else gap / 2)


def place_in_order(targets, weights, separations):
    """The y closest to `targets` (weighted least squares) with y[i+1] - y[i] >= sep[i].

    With offsets o[i] = sep[0] + ... + sep[i-1], the constraint says z = y - o must not
    decrease, so z is the isotonic regression of targets - o: pool adjacent violators.
    """
    offsets = [0.0]
    for sep in separations:
        offsets.append(offsets[-1] + sep)
    blocks = []  # [mean, weight, count]
    for target, weight, offset in zip(targets, weights, offsets):
        blocks.append([target - offset, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, w, k = blocks.pop()
            last = blocks[-1]
            last[0] = (last[0] * last[1] + mean * w) / (last[1] + w)
            last[1] += w
            last[2] += k
    z = [mean for mean, _, count in blocks for _ in range(count)]
    return [zi + oi for zi, oi in zip(z, offsets)]
