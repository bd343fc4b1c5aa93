"""Lesson 8 - convolution and max pooling step by step, then a small CNN on shapes.

A 3x3 kernel slides over a 5x5 image: at each position, multiply the nine overlapping
numbers and add them up; the 9 sums form a 3x3 feature map. 2x2 max pooling keeps the
largest number of each 2x2 block. Then a CNN learns its own kernels to tell circles,
squares, triangles, crosses and lines apart (the procedural `shapes` images).
"""

import numpy as np

from microdl import Tensor, manual_seed, nn, optim, train
from microdl.data import SHAPE_CLASSES, shapes
from microdl.demo import demo_args, finish, save
from microdl.nn import functional as F
from microdl.nn import losses

# --- settings -------------------------------------------------------------------------
IMAGE = np.array([[1, 1, 1, 0, 0],      # lesson 8's worked example: a 5x5 binary image
                  [0, 1, 1, 1, 0],
                  [0, 0, 1, 1, 1],
                  [0, 0, 1, 1, 0],
                  [0, 1, 1, 0, 0]], dtype=float)
KERNEL = np.array([[1, 0, 1],
                   [0, 1, 0],
                   [1, 0, 1]], dtype=float)
POOL_INPUT = np.array([[1, 1, 2, 4],
                       [5, 6, 7, 8],
                       [3, 2, 1, 0],
                       [1, 2, 3, 4]], dtype=float)
TRAIN, TEST, EPOCHS = 3000, 600, 4
QUICK_TRAIN, QUICK_TEST, QUICK_EPOCHS = 800, 200, 2
# a triangle drawn on the drawing pad: one stroke through (x, y) pixel points
DRAWN = [[[14, 5], [23, 21], [5, 21], [14, 5]]]


def by_hand():
    feature_map = F.conv2d(Tensor(IMAGE[None, None]), Tensor(KERNEL[None, None])).data[0, 0]
    print("  5x5 image * 3x3 kernel -> 3x3 feature map:")
    for row in feature_map:
        print("    " + " ".join(f"{v:3.0f}" for v in row))
    top_left = IMAGE[:3, :3] * KERNEL
    print(f"    top-left cell: {' + '.join(f'{v:.0f}' for v in top_left.ravel())} = {top_left.sum():.0f}")
    pooled = F.max_pool2d(Tensor(POOL_INPUT[None, None]), 2).data[0, 0]
    print(f"  2x2 max pooling of a 4x4 map -> {pooled.astype(int).tolist()}")


def small_cnn(seed):
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, seed=seed), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1, seed=seed + 1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, len(SHAPE_CLASSES), seed=seed + 2))


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    from microdl import viz
    by_hand()
    # one step fits a slide (the first, as printed above); the GIF shows all 9
    fig = viz.plot_convolution_steps(IMAGE, KERNEL, cells=[(0, 0)])
    fig.text(0.02, 0.0, "Step 1 of 9. The window then slides one column right, and row by row down: "
                        "convolution.gif shows all 9 steps.", va="top", fontsize=viz.style.FONT_SIZE + 2)
    save(fig, args, "convolution_steps.png", "Convolution, step 1 of 9: multiply the window by the kernel, add")
    save(viz.animate_convolution(IMAGE, KERNEL), args, "convolution.gif", "Convolution: all 9 steps")
    save(viz.plot_pooling_steps(POOL_INPUT, cells=[(0, 0), (1, 1)]), args, "pooling_steps.png",
         "Max pooling, 2 of 4 steps: keep the largest number of each 2x2 block")
    save(viz.animate_pooling(POOL_INPUT), args, "pooling.gif", "Max pooling: all 4 steps")
    # poke at it: output[1, 2] with kernel[0, 1] set to 2 (viz.explore_convolution().show() to click)
    poke = viz.explore_convolution(IMAGE, KERNEL).set(row=1, col=2, kernel_row=0, kernel_col=1, weight=2)
    save(poke, args, "explore_convolution.png", "Convolution you can poke: one output cell, its window and sum")

    n_train, n_test, epochs = (QUICK_TRAIN, QUICK_TEST, QUICK_EPOCHS) if args.quick else (TRAIN, TEST, EPOCHS)
    X, y = shapes(n_train, seed=args.seed)
    Xt, yt = shapes(n_test, seed=args.seed + 1)
    manual_seed(args.seed)
    model = small_cnn(args.seed)
    history = train.fit(model, losses.cross_entropy, optim.Adam(model.parameters(), lr=3e-3), (X, y),
                        epochs=epochs, batch_size=32, seed=args.seed, validation=(Xt, yt),
                        progress=None if not args.quick else False)
    print(f"  a CNN on {n_train} shape images, {epochs} epochs: test accuracy "
          f"{history.epoch['val_accuracy'][-1]:.0%} ({', '.join(SHAPE_CLASSES)})")
    save(viz.plot_history(history, held_out="test"), args, "shapes_training.png",
         "A small CNN learns the shapes: loss and accuracy, training vs test")
    save(viz.plot_filters(model.layers[0]), args, "shapes_filters.png", "The 8 kernels of its first convolution")
    # what the two convolutions detect (after their ReLU); 6 channels each fit a slide
    save(viz.plot_feature_maps(model, Xt[0], layers=[1, 4], max_channels=6), args, "shapes_feature_maps.png",
         "What its two convolutions detect in one image (after ReLU)")
    pad = viz.draw_pad(model, SHAPE_CLASSES, strokes=DRAWN, features=True)   # pad.show(): draw your own
    print(f"  the drawn triangle, as the CNN sees it: {pad.classes[int(pad.probabilities().argmax())]} "
          f"({pad.probabilities().max():.0%})")
    save(pad, args, "draw_pad.png", "A drawing pad: the CNN names what was drawn")
    finish(args)
    return history.epoch["val_accuracy"][-1]


if __name__ == "__main__":
    main()
