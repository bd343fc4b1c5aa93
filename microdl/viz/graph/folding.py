"""A wide layered drawing folded into two rows, so that it fits a 16:9 slide at a readable size.

The columns left of `split` stay where they are; the others move under them, to the left.
An arrow from the top row to the bottom one runs right past the top row, down into the gap
between the rows, left past the bottom row's first column, and into its target from the left:
the way a line of text goes on at the start of the next line. Each such arrow gets a lane of
its own, so that none runs on top of another.
"""
from .layout import Layout

__all__ = ["fold_layout", "fold_splits"]

LANE = 0.2       # inches between the lanes of the arrows that go from one row to the next
SIDE = 0.3       # inches from a row's last column to the first lane


def fold_splits(layout):
    """The columns a layout can be folded before: both neighbours hold boxes."""
    return [c for c in range(1, len(layout.columns)) if layout.columns[c] and layout.columns[c - 1]]


def fold_layout(layout, sizes, split, edge_room=()):
    """`layout` (layout.py, with the node `sizes` it used) in two rows, the second starting at
    column `split`; edge_room: the room each edge's label needs before its target (inches)."""
    centre = layout.positions[layout.columns[split][0]][0]
    in_second = [[x >= centre - 1e-6 for x, _ in route] for route in layout.routes]
    crossing = [i for i, flags in enumerate(in_second) if not flags[0] and flags[-1]]
    lanes = {i: k for k, i in enumerate(crossing)}
    top, bottom = _extent(layout, sizes, False, centre), _extent(layout, sizes, True, centre)
    first_left = min(x - sizes[n][0] / 2 for n, (x, _) in layout.positions.items() if x >= centre - 1e-6)
    room = max([SIDE + 0.2] + [dict(enumerate(edge_room)).get(i, 0.0) for i in crossing])
    indent = SIDE + LANE * len(crossing) + room        # where the second row's first column starts
    gap = 0.35 + LANE * len(crossing)
    top_height = top[1] - top[0]

    def moved(x, y, second):
        if second:
            return x - first_left + indent, y - bottom[0] + top_height + gap
        return x, y - top[0]

    right = max(x + sizes[n][0] / 2 for n, (x, _) in layout.positions.items() if x < centre - 1e-6)
    routes = []
    for i, (route, flags) in enumerate(zip(layout.routes, in_second)):
        points = [moved(x, y, second) for (x, y), second in zip(route, flags)]
        if i in lanes:                      # right, down into the gap, left, and in from the left
            k, lane = flags.index(True), lanes[i]
            out_x, back_x = right + SIDE + LANE * lane, SIDE + LANE * lane
            lane_y = top_height + gap / 2 + LANE * (lane - (len(crossing) - 1) / 2)
            points[k:k] = [(out_x, points[k - 1][1]), (out_x, lane_y), (back_x, lane_y), (back_x, points[k][1])]
        routes.append(points)
    positions = {n: moved(x, y, x >= centre - 1e-6) for n, (x, y) in layout.positions.items()}
    width = max(right + SIDE + LANE * len(crossing),
                max(x + sizes[n][0] / 2 for n, (x, _) in positions.items()))
    return Layout(positions=positions, routes=routes, columns=layout.columns, width=width,
                  height=top_height + gap + bottom[1] - bottom[0], crossings=layout.crossings)


def _extent(layout, sizes, second, centre):
    """(top, bottom) of a row: its boxes and the waypoints of the arrows through it."""
    ys = [(y - sizes[n][1] / 2, y + sizes[n][1] / 2) for n, (x, y) in layout.positions.items()
          if (x >= centre - 1e-6) == second]
    ys += [(y, y) for route in layout.routes for x, y in route if (x >= centre - 1e-6) == second]
    return min(a for a, _ in ys), max(b for _, b in ys)
