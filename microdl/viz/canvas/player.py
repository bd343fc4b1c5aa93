"""An offline HTML player for the frames of a Scene: buttons, a slider and the arrow keys.

Each frame is an embedded PNG; the buttons are plain Unicode text (no icon font, no CDN),
so the player works in a classroom with no internet and in a saved notebook. The frames
are drawn at `width` pixels (default 960) so a whole player, controls included, fits a
1280x720 slide.
"""
import base64
import json
import uuid

from .figure import png_bytes

__all__ = ["html_player"]

_TEMPLATE = """
<div id="{id}" style="font-family:sans-serif;max-width:{width}px">
  <img style="width:100%;display:block" src="data:image/png;base64,{first}">
  <div style="display:flex;align-items:center;gap:4px;margin-top:4px">
    <button title="first">|&#x25C0;</button><button title="previous">&#x25C0;</button>
    <button title="play / pause">&#x25B6;</button><button title="next">&#x25B6;&#x25B6;</button>
    <button title="last">&#x25B6;|</button>
    <input type="range" min="0" max="{last}" value="0" style="flex:1">
    <span style="min-width:6em;text-align:right">1 / {count}</span>
  </div>
</div>
<script>
(function() {{
  var root = document.getElementById("{id}"), frames = {frames};
  var img = root.querySelector("img"), slider = root.querySelector("input");
  var label = root.querySelector("span"), b = root.querySelectorAll("button");
  var i = 0, timer = null;
  function go(k) {{
    i = Math.max(0, Math.min(frames.length - 1, k));
    img.src = "data:image/png;base64," + frames[i];
    slider.value = i; label.textContent = (i + 1) + " / " + frames.length;
  }}
  function stop() {{ clearInterval(timer); timer = null; b[2].innerHTML = "&#x25B6;"; }}
  function play() {{
    if (timer) {{ stop(); return; }}
    if (i == frames.length - 1) go(0);
    b[2].innerHTML = "&#x23F8;";
    timer = setInterval(function() {{ if (i >= frames.length - 1) stop(); else go(i + 1); }}, {interval});
  }}
  b[0].onclick = function() {{ stop(); go(0); }};
  b[1].onclick = function() {{ stop(); go(i - 1); }};
  b[2].onclick = play;
  b[3].onclick = function() {{ stop(); go(i + 1); }};
  b[4].onclick = function() {{ stop(); go(frames.length - 1); }};
  slider.oninput = function() {{ stop(); go(parseInt(slider.value)); }};
  root.tabIndex = 0;
  root.onkeydown = function(e) {{
    if (e.key == "ArrowRight") go(i + 1); else if (e.key == "ArrowLeft") go(i - 1);
    else if (e.key == " ") play(); else return;
    e.preventDefault();
  }};
}})();
</script>
"""


def html_player(scene, fps=2, width=None):
    """HTML (a div and a script) that plays every frame of `scene`."""
    width = int(width or min(960, scene.size[0] * scene.dpi))  # never wider than the scene's frames
    dpi = width / scene.size[0]
    frames = [base64.b64encode(png_bytes(fig, dpi=dpi, tight=False, compact=True)).decode("ascii")
              for fig in scene.frames()]
    return _TEMPLATE.format(id=f"microdl-player-{uuid.uuid4().hex[:10]}", width=width, first=frames[0],
                            frames=json.dumps(frames), last=len(frames) - 1, count=len(frames),
                            interval=max(20, round(1000 / fps)))
