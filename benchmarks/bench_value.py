"""Scalar engine speed: micrograd's demo network, microdl vs micrograd, in one run.

MLP(2, [16, 16, 1]) on 100 two-moons points, full batch, hinge loss + 1e-4 L2, SGD:
one training step = forward, backward, update. Prints the median step time of microdl
(default interpreter settings), of micrograd as shipped and of micrograd with Python's
cyclic garbage collector disabled (when `pip install micrograd` has been done), their
ratios, and the memory of one step's graph per node (tracemalloc).

Both run in this one process, one after the other (never interleaved): pure Python on
one core, no BLAS or OpenMP threads that could linger and slow the other (compare
bench_tensor.py, which must run each framework in a process of its own).

    python benchmarks/bench_value.py [--steps 20]
"""
import argparse
import gc
import statistics
import time
import tracemalloc

from microdl import Value, topological_order
from microdl.data.toy import moons
from microdl.nn import MLP

X, Y = moons(100, noise=0.1, seed=1)
Y = (Y * 2 - 1).tolist()  # labels -1 / +1 for the hinge loss
X = X.astype(float).tolist()


def microdl_loss(model):
    scores = [model(x) for x in X]
    data_loss = Value.sum([(1 - y * s).relu() for y, s in zip(Y, scores)]) * (1.0 / len(X))
    params = model.parameters()
    return data_loss + 1e-4 * Value.dot(params, params)


def micrograd_loss(model, Value):
    # micrograd's demo.ipynb, verbatim
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(Y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    return data_loss + reg_loss


def train_step(model, loss_fn, k):
    loss = loss_fn(model)
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss


def time_steps(model, loss_fn, steps):
    times = []
    for k in range(steps):
        t = time.perf_counter()
        train_step(model, loss_fn, k)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def graph_bytes(build):
    """Bytes allocated while building one step's graph, and the number of its nodes."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, len(topological_order(loss))


def elementary_chain(Value, n=20000):
    """A chain of n elementary ops (*, +, relu, ** in turn): the cost of one plain node."""
    x = Value(0.5)
    for i in range(n // 4):
        x = ((x * 0.999 + 0.001).relu()) ** 1
    return x


def graph_bytes_micrograd(build):
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, count_micrograd_nodes(root)


def count_micrograd_nodes(root):
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="microdl steps to time")
    parser.add_argument("--micrograd-steps", type=int, default=3)
    args = parser.parse_args()

    model = MLP(2, [16, 16, 1], seed=0)
    ours = time_steps(model, microdl_loss, args.steps)
    accuracy = sum((s.data > 0) == (y > 0) for s, y in zip((model(x) for x in X), Y))
    mem, nodes = graph_bytes(lambda: microdl_loss(model))
    chain_mem, chain_nodes = graph_bytes(lambda: elementary_chain(Value))
    print(f"microdl    step {ours * 1e3:8.1f} ms   graph {nodes:6d} nodes, "
          f"{mem / nodes:6.0f} bytes/node, {mem / 1e6:5.2f} MB/step")
    print(f"microdl    a chain of elementary ops (+ * relu **): "
          f"{chain_mem / chain_nodes:.0f} bytes/node (goal <= 200)")

    try:
        from micrograd.engine import Value as MgValue
        from micrograd.nn import MLP as MgMLP
    except ImportError:
        print("micrograd not installed (pip install micrograd): no ratio printed")
        return
    import random
    random.seed(1337)
    mg_model = MgMLP(2, [16, 16, 1])
    mg_loss = lambda m: micrograd_loss(m, MgValue)  # noqa: E731
    shipped = time_steps(mg_model, mg_loss, args.micrograd_steps)
    gc.disable()
    try:
        no_gc = time_steps(mg_model, mg_loss, args.micrograd_steps)
    finally:
        gc.enable()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    mg_root = mg_loss(mg_model)
    mg_mem = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    mg_nodes = count_micrograd_nodes(mg_root)
    print(f"micrograd  step {shipped * 1e3:8.1f} ms as shipped, {no_gc * 1e3:.1f} ms with gc "
          f"disabled; graph {mg_nodes} nodes, {mg_mem / mg_nodes:.0f} bytes/node, "
          f"{mg_mem / 1e6:.2f} MB/step")
    print(f"speed-up: {shipped / ours:5.1f}x vs micrograd as shipped (goal >= 30x), "
          f"{no_gc / ours:4.1f}x vs micrograd without gc (goal >= 8x)")
    mg_chain_mem, mg_chain_nodes = graph_bytes_micrograd(lambda: elementary_chain(MgValue))
    print(f"memory per step: {mg_mem / mem:4.1f}x less than micrograd; elementary node "
          f"{chain_mem / chain_nodes:.0f} bytes (micrograd {mg_chain_mem / mg_chain_nodes:.0f})")
    print(f"(microdl training accuracy after {args.steps} steps: {accuracy}%)")


if __name__ == "__main__":
    main()
