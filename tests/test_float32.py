"""A float32 CNN stays float32: no float64 creeps into any value, gradient or optimizer state."""
import numpy as np

import microdl.nn.functional as F
from microdl import Tensor, nn, optim, topological_order


def test_a_training_step_keeps_every_array_float32():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(4 * 7 * 7, 16, seed=1), nn.ReLU(), nn.Dropout(0.2, seed=0),
                          nn.Linear(16, 10, seed=2))
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    x = Tensor(rng.random((8, 1, 14, 14), dtype=np.float32))
    loss = F.cross_entropy(model(x), rng.integers(0, 10, 8))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    nodes = topological_order(loss)
    assert {node.data.dtype for node in nodes} == {np.dtype(np.float32)}
    assert {node.grad.dtype for node in nodes if node.requires_grad} == {np.dtype(np.float32)}
    buffers = [b for state in optimizer.state.values() for b in state.values() if isinstance(b, np.ndarray)]
    assert buffers and {b.dtype for b in buffers} == {np.dtype(np.float32)}
    assert {p.data.dtype for p in model.parameters()} == {np.dtype(np.float32)}
