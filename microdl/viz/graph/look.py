"""The look both graph renderers share (Graphviz and the built-in one).

An arrow's colour is the sign of the gradient it carries back and its width the size;
a box's colours are its role's (style.ROLE_COLORS); `legend_entries` and `arrows_title`
say in words what is on the picture.
"""
import math

from .. import style
from .diagram import is_array, is_zero, magnitude

__all__ = ["edge_color", "edge_width", "fill_color", "border_color", "legend_entries",
           "arrows_title", "KEY_COLOR"]

NO_GRAD_COLOR, VECTOR_COLOR, ZERO_COLOR, NONFINITE_COLOR = "#9A9A9A", "#555555", "#B5B5B5", style.PURPLE
KEY_COLOR = "#555555"   # the words "data", "grad" in a box


def edge_color(flow, scale):
    """Sign of the gradient on the DIVERGING map; at least half strength so it shows."""
    if flow is None:
        return NO_GRAD_COLOR
    if is_array(flow):
        return VECTOR_COLOR
    if not math.isfinite(flow):
        return NONFINITE_COLOR
    if flow == 0:
        return ZERO_COLOR
    strength = 0.5 + 0.5 * math.sqrt(min(abs(flow) / scale, 1.0))
    return style.signed_color(math.copysign(strength, flow), 1.0)


def edge_width(flow, scale):
    """Line width in points: 1 for nothing, up to 5.5 for the largest gradient."""
    if flow is None:
        return 1.2
    return 1.0 + 4.5 * math.sqrt(min(magnitude(flow) / scale, 1.0))


def fill_color(role):
    return style.ROLE_COLORS["parameter" if role == "group" else role]


def border_color(role):
    return style.ROLE_EDGES["parameter" if role == "group" else role]


def legend_entries(diagram):
    """(boxes, arrows): [(role, text)] and [(color, dashed, text)], for both renderers."""
    present = {n.role for n in diagram.nodes}
    names = {"input": "input", "parameter": "parameter", "constant": "constant",
             "intermediate": "intermediate",
             "group": f"{diagram.group_kind} (weights inside)",
             "output": "output", "op": "op"}
    boxes = [(role, names[role]) for role in names if role in present]
    if not diagram.show_grad:
        return boxes, [(NO_GRAD_COLOR, False, "input → op → output (no gradients yet)")]
    flows = [e.grad for e in diagram.edges]
    arrows = [(style.signed_color(1.0, 1.0), False, "gradient > 0"),
              (style.signed_color(-1.0, 1.0), False, "gradient < 0")]
    if any(is_zero(f) for f in flows):
        arrows.append((ZERO_COLOR, True, "gradient 0"))
    if any(is_array(f) for f in flows):
        arrows.append((VECTOR_COLOR, False, "several numbers (width: norm)"))
    if any(f is None for f in flows):
        arrows.append((NO_GRAD_COLOR, False, "no gradient (or not known)"))
    if any(f is not None and not is_array(f) and not math.isfinite(f) for f in flows):
        arrows.append((NONFINITE_COLOR, False, "nan or inf"))
    return boxes, arrows


def arrows_title(diagram):
    """The title of the arrows' legend: what colour and width mean, once there are grads."""
    if not diagram.show_grad:
        return "arrows"
    return "arrows point forward; colour: sign of the gradient flowing back, width: its size"
