"""Pictures that move while a model trains (the third floor: they combine the families).

    playground.py   the playground, a Scene that trains (+ playground_view.py, neurons.py)
    view.py         LiveView: the student's own model, redrawn while it trains
    train_live.py   train_live(view, ...): fit beside the notebook, so its buttons work
    background.py   the thread it trains in, and its pause / step / stop
    layout.py       which panels a model and its data get, and where they go
    panels.py       each panel: curves, boundary, examples, gradient health, weights, graph
    record.py       what the view remembers of the run, and what it measures
    verdicts.py     plain-language verdicts: vanishing, exploding, dead layers (no plotting)
    showing.py      a window, a notebook output, or off screen; frames to GIF / MP4
    draw_pad.py     draw_pad: draw with the mouse, the model names it (+ draw_pad_view.py)
"""
from .verdicts import dead_relu_verdicts, gradient_verdicts, health_verdicts
from .playground import Playground, playground
from .view import LiveView
from .background import TrainingStopped
from .train_live import train_live
from .draw_pad import DrawPad, draw_pad

__all__ = ["LiveView", "playground", "Playground", "health_verdicts", "gradient_verdicts", "dead_relu_verdicts",
           "draw_pad", "DrawPad", "TrainingStopped", "train_live"]
