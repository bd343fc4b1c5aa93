"""A Scene written to files: the current state as .png, every frame as .gif, .mp4 or an
offline .html player, or a folder of numbered PNGs.

GIFs are written with Pillow (which comes with matplotlib), frame by frame at the
scene's size (1280x720 by default: a slide) and frame rate. MP4 needs ffmpeg.
"""
from pathlib import Path

import numpy as np

__all__ = ["save_scene", "frame_images"]


def frame_images(scene, dpi=None):
    """Every frame as a Pillow RGB image (the size of the scene's figure)."""
    from PIL import Image
    for fig in scene.frames():
        if dpi:
            fig.set_dpi(dpi)
        fig.canvas.draw()
        yield Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])


def save_scene(scene, path, fps, dpi=None):
    """Write `scene` to `path`; the format comes from the suffix. Returns the Path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".png", ".svg", ".pdf"):
        scene.figure().save(path, dpi=dpi)
    elif suffix == ".gif":
        _save_gif(scene, path, fps, dpi)
    elif suffix == ".mp4":
        _save_mp4(scene, path, fps, dpi)
    elif suffix in (".html", ".htm"):
        path.write_text(scene.to_html(fps=fps), encoding="utf-8")
    elif suffix == "":
        path.mkdir(parents=True, exist_ok=True)
        for i, fig in enumerate(scene.frames()):
            fig.save(path / f"frame_{i:03d}.png", dpi=dpi, bbox_inches=None)
    else:
        raise ValueError(f"cannot tell how to write {str(path)!r}: end the name with .png, "
                         f".gif, .mp4 or .html, or give a folder for numbered PNGs")
    return path


def _save_gif(scene, path, fps, dpi):
    from PIL import Image
    images = [im.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
              for im in frame_images(scene, dpi)]
    images[0].save(path, save_all=True, append_images=images[1:], loop=0,
                   duration=max(20, round(1000 / fps)), optimize=True)


def _save_mp4(scene, path, fps, dpi):
    import shutil
    from matplotlib.animation import FFMpegWriter
    if shutil.which("ffmpeg") is None:
        raise RuntimeError(f"cannot write {path.name}: .mp4 needs the ffmpeg program "
                           f"(e.g. apt install ffmpeg); save a .gif instead")
    fig = scene.figure()
    writer = FFMpegWriter(fps=fps)
    with writer.saving(fig, str(path), dpi or scene.dpi):
        for i in range(len(scene)):
            fig.clear()
            scene.draw(fig, **({scene.frame_control: scene.controls[scene.frame_control].choices[i]}
                               if scene.frame_control else {}))
            writer.grab_frame(facecolor="white")
