"""Lesson 7 - an MLP learns two moons (micrograd's demo), one scalar Value at a time.

MLP(2, [16, 16, 1]): 337 weights, every one a Value. Hinge loss + L2 regularisation,
full-batch gradient descent with a falling learning rate, as in micrograd's demo.
Watch the decision boundary bend around the moons until every point is right.
"""

from microdl import nn, optim, train
from microdl.data import moons
from microdl.demo import demo_args, finish, save
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
POINTS, NOISE = 100, 0.1
STEPS, QUICK_STEPS = 100, 80       # quick too: enough steps for the boundary to bend around the moons
SNAPSHOTS = (0, 10)                  # and the last step: when to draw the boundary (3 panels fit a slide)
ALPHA = 1e-4                         # L2 regularisation strength
# the loss landscape: full batch, mini-batch and SGD from one start, on a plane (Li et al.),
# centred where the last run (SGD, the one that gets furthest in as many epochs) ends
LANDSCAPE_BATCHES, LANDSCAPE_LRS = (None, 16, 1), (0.5, 0.2, 0.05)
LANDSCAPE_EPOCHS, QUICK_LANDSCAPE_EPOCHS = 10, 2
LANDSCAPE_GRID, QUICK_LANDSCAPE_GRID = 25, 15


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    from microdl import viz
    from microdl.viz.boundary import snapshot

    X, y = moons(POINTS, noise=NOISE, seed=args.seed + 1)
    model = nn.MLP(2, [16, 16, 1], seed=args.seed)
    print(f"  MLP {model.extra_repr()}: {len(model.parameters())} parameters, each a Value")
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    schedule = optim.LambdaLR(optimizer, lambda t: 1.0 - 0.9 * t / 100)  # micrograd's schedule

    def loss_fn(scores, labels):
        return losses.hinge_loss(scores, labels) + losses.l2_regularization(model.parameters(), ALPHA)

    steps = QUICK_STEPS if args.quick else STEPS
    snapshots, done = [("before training", snapshot(model))], 0
    for mark in (*SNAPSHOTS[1:], steps):
        train.fit(model, loss_fn, optimizer, (X, y), epochs=mark - done, batch_size=None,
                  scheduler=schedule, progress=False)
        done = mark
        # measured after the last update, on all points: the same model the figure draws
        scores = train.evaluate(model, loss_fn, (X, y))
        snapshots.append((f"after {mark} steps", snapshot(model)))
        print(f"  step {mark:3d}: loss {scores['loss']:.4f}, training accuracy {scores['accuracy']:.0%}")
    save(viz.plot_boundary_evolution(snapshots, X, y), args, "boundary_evolution.png",
         "The decision boundary bends around the moons as the MLP of Values trains")
    save(viz.plot_decision_boundary(model, X, y), args, "decision_boundary.png",
         "The trained MLP's decision boundary on the two moons")
    save(loss_landscape(X, y, args), args, "loss_landscape.png",
         "The real loss around the trained weights, with SGD, mini-batch and full-batch runs projected")
    finish(args)
    return scores["accuracy"]


def loss_landscape(X, y, args):
    """The real landscape around trained weights, with three runs from one start projected."""
    from microdl import viz
    start = nn.MLP(2, [16, 16, 1], seed=args.seed)           # the same start as the lesson's model

    def loss_fn(scores, labels):
        return losses.hinge_loss(scores, labels) + losses.l2_regularization(start.parameters(), ALPHA)
    return viz.plot_loss_landscape(start, (X, y), loss_fn, batch_sizes=LANDSCAPE_BATCHES, lr=LANDSCAPE_LRS,
                                   epochs=QUICK_LANDSCAPE_EPOCHS if args.quick else LANDSCAPE_EPOCHS,
                                   resolution=QUICK_LANDSCAPE_GRID if args.quick else LANDSCAPE_GRID,
                                   seed=args.seed)


if __name__ == "__main__":
    main()
