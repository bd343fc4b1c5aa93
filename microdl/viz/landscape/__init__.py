"""Loss landscapes of two parameters, and the paths gradient descent takes across them.

One idea a file; the flow runs one way, losses -> paths -> drawing -> public plots:
    losses.py       Loss2D, quadratic_bowl, rosenbrock, linear_regression_loss
    path.py         LossPath: the one path type (points, losses, label, diverged, lr)
    descent.py      descent_path, DescentPath, OPTIMIZERS: a real optimizer, step by step
    batches.py      batch_trajectory, BatchTrajectory: descent on batches of data
    contours.py     landscape_view, loss_grid, contour_levels: window, levels, colour bar
    panel.py        draw_landscape: contours, minimum and paths on one Axes
    surface.py      plot_surface: the loss as a 3-D surface
    animation.py    animate_descent: the paths growing one step per frame
    batch_sizes.py  compare_batch_sizes: SGD vs mini-batch vs full batch
    epochs.py       plot_epochs: batches, iterations and epochs, drawn
    plots.py        plot_landscape, compare_optimizers (best_learning_rate), compare_learning_rates
    explore.py      explore_landscape: sliders for lr, momentum, optimizer, steps, start
    model_weights.py, network_loss.py, plane.py, plane_grid.py, real_landscape.py
                    a net's weights as a vector; its loss on a filter-normalised plane
"""
from .animation import animate_descent
from .batch_sizes import compare_batch_sizes
from .batches import BatchTrajectory, batch_trajectory
from .contours import ContourLevels, contour_levels, landscape_view, loss_grid
from .descent import OPTIMIZERS, DescentPath, descent_path
from .epochs import plot_epochs
from .explore import LandscapeExplorer, explore_landscape
from .losses import Loss2D, linear_regression_loss, quadratic_bowl, rosenbrock, saddle
from .network_loss import NetworkLoss, network_loss
from .path import LossPath
from .plots import best_learning_rate, compare_learning_rates, compare_optimizers, plot_landscape
from .real_landscape import LossLandscape, loss_landscape, plot_loss_landscape
from .surface import plot_surface

__all__ = [
    "Loss2D", "quadratic_bowl", "rosenbrock", "saddle", "linear_regression_loss", "NetworkLoss", "network_loss",
    "LossPath", "DescentPath", "descent_path", "OPTIMIZERS", "BatchTrajectory", "batch_trajectory",
    "ContourLevels", "contour_levels", "landscape_view", "loss_grid",
    "plot_landscape", "compare_optimizers", "compare_learning_rates", "best_learning_rate", "plot_surface",
    "animate_descent", "compare_batch_sizes", "plot_epochs", "LandscapeExplorer", "explore_landscape",
    "LossLandscape", "loss_landscape", "plot_loss_landscape",
]
