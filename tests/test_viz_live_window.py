"""The live view and the playground in real windows (TkAgg under Xvfb), with screenshots.

Skipped where xvfb-run, tkinter or ImageMagick's `import` is missing. The screenshots are
kept in the test's tmp folder (printed on failure) for a person to look at.
"""
import textwrap
from pathlib import Path



SCRIPT = textwrap.dedent("""
    import subprocess, sys
    import matplotlib
    matplotlib.use("TkAgg")
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import KeyEvent
    from microdl import data, nn, optim, train
    from microdl.viz import LiveView

    out, tests_folder = sys.argv[1], sys.argv[2]

    def shoot(view, name):
        canvas = view._display.figure.canvas
        canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
        subprocess.run(["import", "-window", "root", out + "/" + name], check=True)
        plt.close("all")

    # the tensor MLP: a real key event pauses it
    X, y = data.moons(200, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 8, seed=1), nn.ReLU(),
                          nn.Linear(8, 2, seed=2))
    view = LiveView(show="window", every=20, keep_open=False)
    train.fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y),
              epochs=3, live=view, seed=0, progress=False)
    canvas = view._display.figure.canvas
    axes_before = list(view._display.window.picture.axes)
    KeyEvent("key_press_event", canvas, " ")._process()          # a real key event: pause
    print("paused", view.paused, "redraws", view.redraws,
          "same axes", len(axes_before) > 4 and list(view._display.window.picture.axes) == axes_before)
    view.refresh()
    shoot(view, "live_window.png")

    # a tiny scalar MLP: the graph panel
    Xs, ys = data.moons(40, noise=0.1, seed=0)
    tiny = nn.MLP(2, [3, 2], seed=0)
    from microdl.nn.losses import cross_entropy
    view = LiveView(Xs, ys, show="window", every=5, keep_open=False)
    opt = optim.SGD(tiny.parameters(), lr=0.1)
    for step in range(1, 11):
        loss = cross_entropy([tiny(list(x)) for x in Xs[:8]], ys[:8])
        opt.zero_grad(); loss.backward(); opt.step()
        view.update(tiny, loss=loss, step=step)
    print("scalar panels", view.panels)
    shoot(view, "live_scalar_window.png")

    # a CNN on shapes: the strip of predictions
    Xc, yc = data.shapes(300, seed=0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(4 * 14 * 14, 5, seed=1))
    view = LiveView(show="window", every=5, keep_open=False, class_names=data.SHAPE_CLASSES)
    train.fit(cnn, nn.functional.cross_entropy, optim.Adam(cnn.parameters(), lr=0.01), (Xc, yc),
              epochs=1, live=view, seed=0, progress=False)
    print("cnn panels", view.panels)
    shoot(view, "live_cnn_window.png")

    from microdl.viz.live.playground import Playground
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

    # projector mode, in the real window: measured by Tk's own renderer, then shot
    sys.path.insert(0, tests_folder)
    from text_layout import texts_in_trouble
    from microdl.viz import projector
    with projector():
        pg = Playground("moons", layers=(8, 8), seed=0)
        pg.train(60)
        window = pg.show(block=False)
        canvas = window.figure.canvas
        canvas.draw(); canvas.flush_events(); canvas.start_event_loop(0.3)
        print("projector window size", canvas.get_width_height())
        print("projector troubles", texts_in_trouble(window.figure))
        subprocess.run(["import", "-window", "root", out + "/playground_projector_window.png"], check=True)
    plt.close("all")
""")



def test_live_view_and_playground_in_real_windows(tmp_path, run_in_virtual_window):
    from PIL import Image
    result = run_in_virtual_window(SCRIPT, tmp_path, Path(__file__).parent, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "paused True" in result.stdout and "same axes True" in result.stdout   # redrawn in place
    assert "'graph'" in result.stdout.split("scalar panels")[1].splitlines()[0]
    assert "'examples'" in result.stdout.split("cnn panels")[1].splitlines()[0]
    steps = int(result.stdout.split("playground steps ")[1].split()[0])
    assert steps > 0, result.stdout
    assert "projector troubles []" in result.stdout, result.stdout
    for name in ("live_window.png", "live_scalar_window.png", "live_cnn_window.png", "playground_window.png",
                 "playground_projector_window.png"):
        image = Image.open(tmp_path / name).convert("L")
        low, high = image.getextrema()
        assert high - low > 100, f"{tmp_path / name} looks blank"
