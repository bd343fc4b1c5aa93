"""Lesson 5 - SGD vs mini-batch vs full batch: same data, same start, two fair budgets.

An epoch is one pass over all the examples; an iteration is one step from one batch.
1,000,000 examples at batch size 10,000 make 100 iterations per epoch (epochs.png).
For the same examples seen, batch size 1 (stochastic gradient descent) takes many
cheap, noisy steps and gets furthest; the full batch takes one exact step per epoch.
For the same number of steps, the full batch walks smoothly and SGD stumbles - but
each full-batch step does 50 times the work. Mini-batches sit between (sgd_vs_batch.png).
"""

from microdl.data import describe_batching, house_prices
from microdl.demo import demo_args, finish, save

# --- settings -------------------------------------------------------------------------
NUM_EXAMPLES = 50
BATCH_SIZES = (1, 10, None)     # SGD, mini-batch (10 divides 50: no short last batch), full batch
LEARNING_RATE = 0.1
EPOCHS, QUICK_EPOCHS = 5, 3     # the budget of examples seen
STEPS = 30                      # the budget of steps


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    print(f"  {describe_batching(1_000_000, 10_000)}")
    print(f"  {describe_batching(60_000, 64)}")
    print(f"  the data of this lesson: {NUM_EXAMPLES} house prices")
    for batch in BATCH_SIZES:
        print(f"    {describe_batching(NUM_EXAMPLES, batch)}")
    from microdl import viz
    save(viz.plot_epochs(1_000_000, 10_000), args, "epochs.png",
         "An epoch is one pass over the data: 1,000,000 examples in batches of 10,000 = 100 iterations")
    x, y = house_prices(NUM_EXAMPLES, seed=args.seed)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    print(f"  the same examples seen ({epochs} epochs):")
    for size in BATCH_SIZES:
        run = viz.batch_trajectory(x, y, size, LEARNING_RATE, epochs, seed=args.seed)
        print(f"    {run.label}: {run.steps} steps, {run.examples_seen[-1]:,} examples seen, "
              f"final loss on all data {run.losses[-1]:.3f}")
    save(viz.compare_batch_sizes(x, y, BATCH_SIZES, LEARNING_RATE, epochs, STEPS, seed=args.seed),
         args, "sgd_vs_batch.png")
    finish(args)


if __name__ == "__main__":
    main()
