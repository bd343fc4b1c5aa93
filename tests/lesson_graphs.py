"""The lessons' small expressions, built once for every graph test.

    karpathy()    L = (a*b + c) * f with a=2, b=-3, c=10, f=-2 (micrograd's lecture)
    perceptron()  (Y, neuron): a sigmoid neuron on X = (1, 0, 1), lesson 1's
"""
from microdl import Value, cli
from microdl.nn import Neuron

LESSON_2 = cli.load_lesson(cli.find_lesson("backprop"))   # its expression and numbers


def karpathy(backward=True):
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2 (micrograd's lecture), built by lesson 2."""
    lesson = LESSON_2
    leaves = [Value(x, label=n) for x, n in zip((lesson.A, lesson.B, lesson.C, lesson.F), "abcf")]
    L = lesson.expression(*leaves)
    if backward:
        L.backward()
    return L


def perceptron():
    """(Y, neuron) after backward: weights 0.3, 0.5, 0.2, bias -0.1, sigmoid."""
    x = [Value(v, label=f"X{i + 1}") for i, v in enumerate([1.0, 0.0, 1.0])]
    neuron = Neuron(3, activation="sigmoid", weights=[0.3, 0.5, 0.2], bias=-0.1)
    y = neuron(x)
    y.label = "Y"
    y.backward()
    return y, neuron
