"""Lesson 4 - gradient descent on a loss bowl: learning rates too small, right, too large.

p <- p - lr * dL/dp: step downhill, a step proportional to the slope. Too small a
learning rate crawls; the right one arrives; too large a one overshoots the valley and
climbs out of it - the loss grows every step until it diverges. Momentum, Adam and
RMSprop change how the steps are taken; on the same bowl they take different paths.
Each is shown at its best *steady* learning rate from one grid (no jumps, never above the
starting loss). Adam is not always the fastest: its steps are about lr in each coordinate,
so at its steady rate (0.1 here) 40 steps cover at most 4 of the 4.5 units to the minimum
(it ends near w1 = -1, loss 30.1 -> 0.82); larger rates get lower (lr = 1: 0.0016) but
jump about on the way.
"""

from microdl.demo import demo_args, finish, save

EXPLORER_LR = 0.25        # the explorer's setting to save: just above 2/10, the bowl's limit


def plain_text(formula):
    """A figure's mathtext formula as a terminal shows it: $L = \\frac{1}{2}\\,(w_1^2 ...)$
    -> L = 1/2 (w1^2 + 10 w2^2)."""
    for tex, text in ((r"\frac{1}{2}", "1/2 "), (r"\,", " "), ("$", ""), ("_", ""), ("{", ""), ("}", "")):
        formula = formula.replace(tex, text)
    return " ".join(formula.split()).replace("( ", "(")


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    from microdl import viz
    from microdl.viz.landscape import best_learning_rate
    bowl = viz.quadratic_bowl()
    print(f"  the bowl: {plain_text(bowl.formula)}; start {bowl.start}, minimum {bowl.minimum}")
    for lr in bowl.learning_rate_examples:
        path = viz.descent_path(bowl, optimizer="sgd", lr=lr)
        outcome = f"diverged after {path.steps} steps" if path.diverged else \
            f"loss {path.losses[0]:.3g} -> {path.losses[-1]:.3g} in {path.steps} steps"
        print(f"    lr = {lr:<6g} {outcome}")
    save(viz.compare_learning_rates(bowl), args, "learning_rates.png",
         "Gradient descent on a bowl at 3 learning rates: too small, about right, too large")
    for name in ("sgd", "momentum", "adam", "rmsprop"):
        print(f"    {name:<9} best steady lr from the grid: {best_learning_rate(bowl, name):g}")
    save(viz.compare_optimizers(bowl), args, "optimizers.png",
         "4 optimizers on the same bowl, from the same start, each at its best steady learning rate")
    explorer = viz.explore_landscape(bowl).set(lr=EXPLORER_LR)   # explorer.show(): the sliders
    print(f"  explorer at lr = {EXPLORER_LR:g}: {explorer.path()!r}")
    save(explorer, args, "explorer_diverging.png",
         f"The landscape explorer at lr = {EXPLORER_LR:g}: each step overshoots more, and the path diverges")
    if not args.quick:
        rosenbrock = viz.rosenbrock()
        save(viz.compare_optimizers(rosenbrock), args, "optimizers_rosenbrock.png",
             "4 optimizers in the curved valley of the Rosenbrock function")
        path = viz.descent_path(bowl, optimizer="momentum")
        save(viz.plot_surface(bowl, [path]), args, "bowl_surface.png", "Momentum on the bowl, drawn as a surface")
        save(viz.animate_descent(bowl, [path]), args, "descent.gif", "Momentum on the bowl, step by step")
    finish(args)
    return bowl


if __name__ == "__main__":
    main()
