"""A second opinion: forward values and gradients against PyTorch, where it is installed."""
import numpy as np
import pytest

import microdl.nn.functional as F
from microdl import Tensor, nn

torch = pytest.importorskip("torch")


def copy_weights(ours, theirs):
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.shape == tuple(q.shape)
        with torch.no_grad():
            q.copy_(torch.from_numpy(p.data))


def test_model_b_forward_and_gradients_match_pytorch():
    layers = lambda L: [L.Conv2d(1, 16, 5, padding=2), L.ReLU(), L.MaxPool2d(2),  # noqa: E731
                        L.Conv2d(16, 32, 5, padding=2), L.ReLU(), L.MaxPool2d(2), L.Flatten(),
                        L.Linear(1568, 128), L.ReLU(), L.Linear(128, 10)]
    ours, theirs = nn.Sequential(*layers(nn)), torch.nn.Sequential(*layers(torch.nn)).double()
    for p in ours.parameters():
        p.data = p.data.astype(np.float64)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    x, y = rng.random((8, 1, 28, 28)), rng.integers(0, 10, 8)
    loss = F.cross_entropy(ours(Tensor(x)), y)
    loss.backward()
    tloss = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(y))
    tloss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-10)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-7, atol=1e-10)


def test_elementwise_and_reductions_match_pytorch():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4,))
    ta, tb = (torch.tensor(v, requires_grad=True) for v in (a, b))
    A, B = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    ours = ((A * B).tanh() + A.sigmoid() * B.exp() - (A.abs() + 1).log() / (B * B + 1).sqrt()
            + A.leaky_relu(0.2) + A.relu().max(axis=0) + F.log_softmax(A, dim=1).mean(axis=1, keepdims=True)).sum()
    theirs = ((ta * tb).tanh() + ta.sigmoid() * tb.exp() - (ta.abs() + 1).log() / (tb * tb + 1).sqrt()
              + torch.nn.functional.leaky_relu(ta, 0.2) + ta.relu().max(dim=0).values
              + torch.log_softmax(ta, dim=-1).mean(dim=1, keepdim=True)).sum()
    ours.backward()
    theirs.backward()
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-12)
    np.testing.assert_allclose(A.grad, ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(B.grad, tb.grad.numpy(), rtol=1e-10)


def test_batchnorm_matches_pytorch_in_train_and_eval():
    rng = np.random.default_rng(2)
    x = rng.normal(2.0, 3.0, size=(8, 3, 5, 5))
    ours, theirs = nn.BatchNorm2d(3, dtype=np.float64), torch.nn.BatchNorm2d(3).double()
    X, tx = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    g = rng.normal(size=x.shape)
    ours(X).backward(g)
    theirs(tx).backward(torch.from_numpy(g))
    np.testing.assert_allclose(X.grad, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-10)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-8)
