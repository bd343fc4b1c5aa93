"""Lesson 5 - SGD vs mini-batch vs full batch: same data, same start, same examples seen.

An epoch is one pass over all the examples; an iteration is one step from one batch.
1,000,000 examples at batch size 10,000 make 100 iterations per epoch. Batch size 1
(stochastic gradient descent) takes many noisy steps and stumbles toward the minimum;
the full batch takes one exact step per epoch; mini-batches sit between.
"""

from microdl.data import describe_batching, house_prices
from microdl.demo import demo_args, finish, save

# --- settings -------------------------------------------------------------------------
BATCH_SIZES = (1, 16, None)     # SGD, mini-batch, full batch
LEARNING_RATE = 0.1
EPOCHS, QUICK_EPOCHS = 5, 3


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    for n, batch in [(1_000_000, 10_000), (60_000, 64), (100, 1), (100, None)]:
        print(f"  {describe_batching(n, batch)}")
    from microdl import viz
    x, y = house_prices(50, seed=args.seed)
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    for size in BATCH_SIZES:
        run = viz.batch_trajectory(x, y, size, LEARNING_RATE, epochs, seed=args.seed)
        print(f"  {run.label}: {run.steps} steps, {run.examples_seen[-1]:,} examples seen, "
              f"final loss on all data {run.losses[-1]:.3f}")
    save(viz.compare_batch_sizes(x, y, BATCH_SIZES, LEARNING_RATE, epochs, seed=args.seed), args,
         "sgd_vs_batch.png")
    finish(args)


if __name__ == "__main__":
    main()
