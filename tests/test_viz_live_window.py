"""The live view and the playground in real windows (TkAgg under Xvfb), with screenshots.

Skipped where xvfb-run, tkinter or ImageMagick's `import` is missing. The screenshots are
kept in the test's tmp folder (printed on failure) for a person to look at.
"""
import textwrap



SCRIPT = textwrap.dedent("""
    import subprocess, sys
    import matplotlib
    matplotlib.use("TkAgg")
    import matplotlib.pyplot as plt
    from microdl import data, nn, optim, train
    from microdl.viz import LiveView
    from microdl.viz.live.playground import Playground
    from microdl.viz.canvas import SceneWindow

    out = sys.argv[1]
    X, y = data.moons(200, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 2, seed=1))
    view = LiveView(show="window", every=20, keep_open=False)
    train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y),
              epochs=3, live=view, seed=0)
    canvas = view._display.figure.canvas
    from matplotlib.backend_bases import KeyEvent
    KeyEvent("key_press_event", canvas, " ")._process()          # a real key event: pause
    print("paused", view.paused, "redraws", view.redraws)
    view.refresh()
    canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
    subprocess.run(["import", "-window", "root", out + "/live_window.png"], check=True)
    plt.close("all")

    pg = Playground("spiral", layers=(8, 8), seed=0)
    window = pg.show(block=False)                                  # canvas.SceneWindow
    window.press(" ")
    canvas = window.figure.canvas
    canvas.start_event_loop(1.5)                                   # the timer trains and redraws
    window.press(" ")
    print("playground steps", pg.step_count)
    canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
    subprocess.run(["import", "-window", "root", out + "/playground_window.png"], check=True)
    plt.close("all")
""")



def test_live_view_and_playground_in_real_windows(tmp_path, run_in_virtual_window):
    from PIL import Image
    result = run_in_virtual_window(SCRIPT, tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "paused True" in result.stdout
    steps = int(result.stdout.split("playground steps ")[1].split()[0])
    assert steps > 0, result.stdout
    for name in ("live_window.png", "playground_window.png"):
        image = Image.open(tmp_path / name).convert("L")
        low, high = image.getextrema()
        assert high - low > 100, f"{tmp_path / name} looks blank"
