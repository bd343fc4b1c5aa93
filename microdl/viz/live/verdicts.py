"""Plain-language verdicts on a network's health: numbers in, sentences out (no plotting).

    gradient_verdicts({"layer 1 (Linear 2→8)": 2e-9, "layer 2 (Linear 8→2, output)": 0.4})
    -> ['layer 1 (Linear 2→8): gradient 2e-09, 10^8 x smaller than layer 2 (Linear 8→2,
         output): vanishing. Try relu, or a better initialisation']
    dead_relu_verdicts({"layer 2 (Linear 8→8)": 0.71})
    -> ['layer 2 (Linear 8→8): 71 % of its ReLUs dead: lower the learning rate or use leaky_relu']

Layers are named as diagnostics.layer_labels names them (the live view does this); a
name that does not start with "layer" (a raw key such as "3 (ReLU)") gets "layer " in front.

A layer VANISHES when its gradient is tiny next to the largest layer's (1000x or more)
or next to nothing at all (< 1e-7): it has stopped learning. It EXPLODES when its
gradient is inf/nan, above 1000, or 100x what it was when training began. It DIES when
most of its ReLUs output 0 for every example: relu'(x) = 0 there, so no gradient flows.
"""
import math

__all__ = ["gradient_verdicts", "dead_relu_verdicts", "health_verdicts",
           "VANISHING_RATIO", "EXPLODING_NORM", "EXPLODING_GROWTH", "DEAD_FRACTION"]

VANISHING_RATIO = 1e-3     # a layer's norm below this times the largest layer's
VANISHING_NORM = 1e-7      # or below this at all
EXPLODING_NORM = 1e3       # a norm above this
EXPLODING_GROWTH = 100.0   # or this many times its first value
DEAD_FRACTION = 0.5        # more dead ReLUs than this is a dying layer


def _layer(name):
    name = str(name)
    return name if name.startswith("layer ") else f"layer {name}"


def _one_layer_gradient(name, norm, largest, largest_name, first):
    """The verdict on one layer's gradient norm, or None when it looks healthy."""
    name, largest_name = _layer(name), _layer(largest_name)
    if not math.isfinite(norm):
        return f"{name}: gradient is {norm}: exploded. Lower the learning rate 10x"
    if norm > EXPLODING_NORM or (first and norm > EXPLODING_GROWTH * first):
        growth = f", {norm / first:.0f}x its first value" if first else ""
        return (f"{name}: gradient {norm:.2g}{growth}: exploding. Lower the learning "
                f"rate or clip gradients")
    if norm < VANISHING_NORM or (largest > 0 and norm < VANISHING_RATIO * largest):
        than = (f", 10^{round(math.log10(largest / norm))} x smaller than {largest_name}"
                if norm > 0 and name != largest_name else "")
        return (f"{name}: gradient {norm:.1g}{than}: vanishing. Try relu, or a better "
                f"initialisation")
    return None


def gradient_verdicts(norms, first_norms=None):
    """[sentence] for every layer whose gradient vanishes or explodes.

    norms: {layer: gradient norm now}; first_norms: {layer: norm at the start}, to see growth.
    """
    finite = {name: n for name, n in norms.items() if math.isfinite(n)}
    largest_name = max(finite, key=finite.get) if finite else None
    largest = finite.get(largest_name, 0.0)
    first_norms = first_norms or {}
    found = []
    for name, norm in norms.items():
        verdict = _one_layer_gradient(name, float(norm), largest, largest_name,
                                      first_norms.get(name))
        if verdict:
            found.append(verdict)
    return found


def dead_relu_verdicts(fractions, threshold=DEAD_FRACTION):
    """[sentence] for every ReLU layer where more than `threshold` of the units are dead."""
    return [f"{_layer(name)}: {fraction:.0%} of its ReLUs dead: lower the learning rate or use "
            f"leaky_relu".replace("%", " %")
            for name, fraction in fractions.items() if fraction > threshold]


def health_verdicts(norms=None, dead_fractions=None, first_norms=None):
    """Every verdict (dead ReLUs first: they explain small gradients), or ["all layers
    learning: ..."] when there is none."""
    found = dead_relu_verdicts(dead_fractions or {}) + gradient_verdicts(norms or {}, first_norms)
    return found or (["all layers learning: no vanishing, exploding or dead layer"]
                     if norms or dead_fractions else [])
