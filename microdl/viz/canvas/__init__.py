"""Where every microdl picture is drawn and shown.

    figure.py    the house Figure: no pyplot, shows once in Jupyter, .show(), .save()
    scene.py     Scene and Control: a picture drawn from a few controls (frames,
                 sliders); every animation, explorer and live view is one
    files.py     a Scene to .png, .gif, .mp4, .html or a folder of frames
    player.py    the offline HTML player (no CDN): buttons, slider, arrow keys
    notebook.py  a Scene in Jupyter: ipywidgets over one image updated in place
    window.py    a Scene in a matplotlib window: widgets and keys (side_panel.py: in a
                 column; control_text.py: their text, >= 12 pt)

Nothing here imports the rest of microdl.viz: it is the ground floor.
"""
from .figure import Figure, axes_or_new, dpi_to_fit, in_notebook, new_figure, new_mosaic, png_bytes
from .scene import Control, Scene
from .window import SceneWindow

__all__ = ["Figure", "new_figure", "new_mosaic", "axes_or_new", "png_bytes", "in_notebook", "dpi_to_fit",
           "Control", "Scene", "SceneWindow"]
