"""texts_in_trouble(fig): the texts of a drawn figure that are clipped by their (sub)figure or
overlap another text, measured by the renderer (get_window_extent), for layout tests.

Texts counted: every visible, non-empty Text (titles, labels, control labels, radio names,
slider values, legends, annotations) and the tick labels that are actually drawn (those
inside their axis' view; matplotlib keeps spare ticks outside it)."""
import matplotlib.axes
import matplotlib.axis
import matplotlib.text

SLACK = 1.0      # pixels: antialiased edges that merely touch are not a clash


def _drawn_texts(fig):
    spare_ticks = {id(label) for tick in fig.findobj(matplotlib.axis.Tick) for label in (tick.label1, tick.label2)}
    texts = [t for t in fig.findobj(matplotlib.text.Text) if id(t) not in spare_ticks]
    for ax in fig.findobj(matplotlib.axes.Axes):
        if not ax.axison or not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            texts += [label for where, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
                      if low <= where <= high]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _inside(box, frame):
    return (box.x0 >= frame.x0 - SLACK and box.y0 >= frame.y0 - SLACK
            and box.x1 <= frame.x1 + SLACK and box.y1 <= frame.y1 + SLACK)


def _clash(p, q):
    return min(p.x1, q.x1) - max(p.x0, q.x0) > SLACK and min(p.y1, q.y1) - max(p.y0, q.y0) > SLACK


def texts_in_trouble(fig):
    """['clipped: ...', 'overlap: ... / ...'] for `fig` as drawn now (empty when all is well)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for text in _drawn_texts(fig):
        box = text.get_window_extent(renderer)
        owner = text.get_figure(root=False) if hasattr(text, "get_figure") else text.figure
        boxes.append((text.get_text().replace("\n", " "), box, owner.bbox))
    problems = [f"clipped: {name!r} at {box.bounds}" for name, box, frame in boxes if not _inside(box, frame)]
    for k, (a, p, _) in enumerate(boxes):
        problems += [f"overlap: {a!r} / {b!r}" for b, q, _ in boxes[k + 1:] if _clash(p, q)]
    return problems
