"""Lesson 1 - the perceptron: inputs X1..X3, weights .3 .5 .2, a bias, a sigmoid -> Y.

A single neuron computes y = sigmoid(w1*x1 + w2*x2 + w3*x3 + b). After y.backward(),
every weight knows how much y would change if it moved a little: dy/dw_i = x_i * y(1-y).
Stack neurons into layers and layers into a network (an MLP): every arrow is a weight,
every neuron computes the same weighted sum and activation as this one (mlp.png).
"""

from microdl import Value
from microdl.demo import demo_args, finish, save
from microdl.nn import MLP, Neuron

# --- settings -------------------------------------------------------------------------
INPUTS = [1.0, 0.0, 1.0]          # X1, X2, X3
WEIGHTS = [0.3, 0.5, 0.2]         # w1, w2, w3
BIAS = -0.1
NETWORK = [4, 3, 1]               # two hidden layers of tanh neurons, one output


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    x = [Value(v, label=f"X{i + 1}") for i, v in enumerate(INPUTS)]
    neuron = Neuron(3, activation="sigmoid", weights=WEIGHTS, bias=BIAS)
    y = neuron(x)
    y.label = "Y"
    z = sum(w * xi for w, xi in zip(WEIGHTS, INPUTS)) + BIAS
    print(f"  z = {' + '.join(f'{w}*{xi}' for w, xi in zip(WEIGHTS, INPUTS))} + ({BIAS}) = {z:.4f}")
    print(f"  Y = sigmoid(z) = {y.data:.4f}")
    y.backward()
    print(f"  after Y.backward(): dY/dz = Y(1-Y) = {y.data * (1 - y.data):.4f}")
    for i, w in enumerate(neuron.w):
        print(f"    dY/dw{i} = X{i + 1} * Y(1-Y) = {w.grad:.4f}")
    print(f"    dY/db  = {neuron.b.grad:.4f}")

    from microdl import viz
    save(viz.draw_network(neuron, inputs=INPUTS, input_names=["X1", "X2", "X3"]), args, "perceptron.png",
         "One neuron, y = σ(w·x + b): its weights, and what it outputs for this input")
    save(viz.draw_graph(y, params=neuron, show_local=True), args, "perceptron_graph.png",
         "The neuron as a computational graph: data and gradient in every box, local × upstream on every edge")
    network = MLP(len(INPUTS), NETWORK, activation="tanh", seed=args.seed + 1)
    print(f"  a network of such neurons: {len(network.parameters())} weights and biases, "
          f"output {network(INPUTS).data:.4f} for the same inputs")
    save(viz.draw_network(network, inputs=INPUTS, input_names=["X1", "X2", "X3"]), args, "mlp.png",
         "An MLP, 3 → 4 → 3 → 1: what each neuron outputs for this input")
    finish(args)
    return y


if __name__ == "__main__":
    main()
