"""Neurons, layers and MLPs on the scalar engine, and the shared Module base."""
import pytest

from microdl import Value, gradcheck
from microdl.nn import MLP, Layer, Module, Neuron


def test_lesson_1_perceptron():
    n = Neuron(3, activation="sigmoid", weights=[0.3, 0.5, 0.2], bias=0.0)
    x = [Value(1.0, label="X1"), Value(1.0, label="X2"), Value(1.0, label="X3")]
    y = n(x)
    assert y.data == pytest.approx(0.7311, abs=1e-4)
    y.backward()
    s = y.data * (1 - y.data)
    assert [w.grad for w in n.w] == pytest.approx([s, s, s])
    assert [xi.grad for xi in x] == pytest.approx([0.3 * s, 0.5 * s, 0.2 * s])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_neuron_activations_match_finite_differences(activation):
    n = Neuron(2, activation=activation, weights=[0.7, -0.4], bias=0.15)

    def f(x0, x1, w0, b):
        n.w[0], n.b = w0, b
        return n([x0, x1])
    gradcheck(f, 0.8, -0.3, 0.7, 0.15)


def test_micrograd_signatures():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    out = model([1.0, -2.0])
    assert isinstance(out, Value)
    assert Neuron(3, nonlin=False).activation == "linear"
    assert Neuron(3).activation == "relu"
    assert model.layers[-1].neurons[0].activation == "linear"
    assert model.layers[0].neurons[0].activation == "relu"


def test_parameter_names_are_readable_and_become_labels():
    model = MLP(3, [4, 2], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["L1.N1.w0", "L1.N1.w1", "L1.N1.w2", "L1.N1.b"]
    assert "L1.N3.w0" in names and names[-1] == "L2.N2.b"
    assert all(p.label == name for name, p in model.named_parameters())


def test_same_seed_same_weights_and_small_init():
    a = [p.data for p in MLP(2, [8, 1], seed=7).parameters()]
    b = [p.data for p in MLP(2, [8, 1], seed=7).parameters()]
    c = [p.data for p in MLP(2, [8, 1], seed=8).parameters()]
    assert a == b and a != c
    assert max(abs(w) for w in a) <= 1 / 2 ** 0.5


def test_zero_grad_freeze_unfreeze():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())
    model.layers[0].freeze()
    model([1.0, 2.0]).backward()
    assert all(p.grad == 0 for p in model.layers[0].parameters())
    assert any(p.grad != 0 for p in model.layers[1].parameters())
    model.unfreeze()
    assert all(p.requires_grad for p in model.parameters())


def test_repr_is_readable():
    text = repr(MLP(2, [16, 16, 1]))
    assert text.splitlines()[0] == "MLP(2 -> 16 -> 16 -> 1"
    assert "(L1): Layer(2, 16, activation='relu')" in text
    assert "activation='linear'" in text
    assert repr(Neuron(3, activation="tanh")) == "Neuron(3, activation='tanh')"


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Neuron(2, activation="swish")
    with pytest.raises(ValueError, match="got 2 weights, expected 3"):
        Neuron(3, weights=[1, 2])
    with pytest.raises(ValueError, match="2 inputs called on 3"):
        Neuron(2)([1, 2, 3])
    with pytest.raises(ValueError, match="positive int"):
        Neuron(0)


def test_module_discovers_parameters_in_custom_modules():
    class Pair(Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.inner = Neuron(1, weights=[1.0], bias=0.0)
            self.shared = [self.scale]  # shared parameters are listed once

        def forward(self, x):
            return self.inner([x]) * self.scale

    m = Pair()
    assert [n for n, _ in m.named_parameters()] == ["scale", "inner.w0", "inner.b"]
    assert len(m.parameters()) == 3
    assert m(3.0).data == 6.0
    assert [n for n, _ in m.named_modules()] == ["", "inner"]


def test_scalar_modules_define_forward_like_every_module():
    from microdl.nn import Module
    neuron, layer, model = Neuron(2, seed=0), Layer(2, 3, seed=0), MLP(2, [4, 1], seed=0)
    for module in (neuron, layer, model):
        assert "forward" in vars(type(module)) and "__call__" not in vars(type(module))
        assert type(module).__call__ is Module.__call__
    x = [0.5, -1.0]
    assert neuron(x).data == neuron.forward(x).data
    assert [v.data for v in layer(x)] == [v.data for v in layer.forward(x)]
    assert model(x).data == model.forward(x).data
