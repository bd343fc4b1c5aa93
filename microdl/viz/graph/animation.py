"""animate_backprop: backprop played as an animation, on the frames of explore_backprop.

>>> from microdl import Value
>>> a, b, c, f = (Value(x, label=n) for x, n in [(2, "a"), (-3, "b"), (10, "c"), (-2, "f")])
>>> e = a * b; d = e + c; L = d * f; L.label = "L"
>>> animation = animate_backprop(L)   # no backward() needed: it is replayed, not run
>>> len(animation)                    # start, 3 ops passing their gradient on, done
5

Then `animation.save("backprop.gif")` (or .html: an offline player), `animation.frames()`
(PNG bytes), `animation.figure(i)`, or evaluate it in Jupyter (the offline player).
The frames are explore_backprop's (steps.py), backward only and one node a step by
default: each node passes its gradient to all its inputs at once, "local x upstream =
value" on the arrows, and each input's grad grows by that much. For clicking through at
your own pace, use explore_backprop (the same frames, with controls).
"""
from ..canvas import png_bytes
from .explorer import BackpropScene, backprop_frames

__all__ = ["animate_backprop", "BackpropAnimation"]


def animate_backprop(root, *, params=None, collapse=None, show_local=True, max_frames=60,
                     title=None, expand=False, forward=False, by="node"):
    """An animation of backprop from `root`: one frame per node that passes a gradient on.

    params, collapse: as in draw_graph. show_local: write local x upstream on the arrows
    that fire. max_frames: refuse longer animations (collapse, or raise it).
    expand, forward, by: as in explore_backprop (forward=True adds the forward pass,
    by="edge" moves one arrow a frame).
    Returns a BackpropAnimation (.save(".gif" | ".html"), .frames(), Jupyter display).
    """
    steps, diagrams = backprop_frames(root, "animate_backprop", params=params, collapse=collapse,
                                      expand=expand, forward=forward, by=by, show_local=show_local,
                                      max_frames=max_frames, title=title)
    return BackpropAnimation(BackpropScene(diagrams, steps, prefer_widgets=False))


class BackpropAnimation:
    """The frames of `animate_backprop`: `len()`, `.frames()` (PNG bytes), `.figure(i)`,
    `.save("backprop.gif" | ".html")`, `.to_jshtml()`; Jupyter shows the offline player.
    `.scene` is the BackpropScene behind it (step through it, `.show()` a window)."""

    def __init__(self, scene):
        self.scene = scene
        self.diagrams = scene.diagrams  # one Diagram per frame

    def __len__(self):
        return len(self.scene)

    def __repr__(self):
        return f"BackpropAnimation({len(self)} frames, {len(self.diagrams[0].nodes)} nodes)"

    def figure(self, i):
        """Frame i as a house Figure (1280x720 at its 100 dpi)."""
        return self.scene.figure(i)

    def frames(self, dpi=None):
        """Every frame as PNG bytes (display one in Jupyter with IPython.display.Image)."""
        return [png_bytes(fig, dpi=dpi, tight=False) for fig in self.scene.frames()]

    def save(self, path, fps=2, dpi=None):
        """Write a GIF, an offline HTML player (.html), .mp4 (ffmpeg) or .png (frame 0)."""
        return self.scene.save(path, fps=fps, dpi=dpi)

    def to_jshtml(self, fps=2, dpi=None):
        """An offline HTML player of every frame (no CDN): buttons, a slider, arrow keys."""
        return self.scene.to_html(fps=fps, width=round(dpi * self.scene.size[0]) if dpi else None)

    def show(self, block=True):
        """A window with the controls (or, in Jupyter, the player)."""
        return self.scene.show(block=block)

    def _repr_html_(self):
        return self.to_jshtml()
