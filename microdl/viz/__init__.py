"""Pictures of learning: `from microdl import viz` (loads matplotlib; `import microdl` never does).

Each function returns a house Figure (shows once in Jupyter, `.show()`, `.save(path)`) or
a Scene (frames + controls), never calls plt.show() and leaves nothing with pyplot.
Ground floor: canvas/ (Figure, Scene), style.py (colours, projector()). Families: graph/
(diagrams, backprop step by step), landscape/ (losses, descent, batch sizes, explorers),
convolution/, network/, curves/, activations.py, features.py, boundary.py, data.py. Top: live/
(LiveView, the playground, the drawing pad). Every viz module imports matplotlib at its top.
"""
import types as _types

from .activations import plot_activation, plot_activations, plot_softmax
from .boundary import plot_boundary_evolution, plot_decision_boundary, snapshot
from .canvas import Control, Figure, Scene
from .convolution import (animate_convolution, animate_pooling, explore_convolution, plot_convolution_steps,
                          plot_pooling_steps)
from .curves import (plot_confusion_matrix, plot_dead_relus, plot_gradient_norms, plot_gradient_profile,
                     plot_history, plot_misclassified)
from .data import plot_data
from .features import plot_feature_maps, plot_filters
from .graph import BackpropAnimation, GraphDrawing, animate_backprop, draw_graph, explore_backprop
from .landscape import (animate_descent, batch_trajectory, compare_batch_sizes, compare_learning_rates,
                        compare_optimizers, descent_path, explore_landscape, linear_regression_loss,
                        network_loss, plot_epochs, plot_landscape, plot_loss_landscape, plot_surface,
                        quadratic_bowl, rosenbrock, saddle)
from .live import LiveView, draw_pad, playground, train_live
from .network import draw_network
from .style import projector

# every name imported above, and only those (the families stay reachable: viz.graph, ...)
__all__ = [name for name, value in dict(globals()).items()
           if not name.startswith("_") and not isinstance(value, _types.ModuleType)]
