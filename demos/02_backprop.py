"""Lesson 2 - backprop by hand vs by the engine: the chain rule, node by node.

For L = (a*b + c) * f we walk the graph backwards. Each node's gradient is the
gradient of the node it feeds (upstream) times its own local derivative:
dL/dx = dL/d(out) * d(out)/dx. The engine does exactly this; finite differences agree.
Then click through it: viz.explore_backprop(L) steps through the forward pass node by
node and the backward pass arrow by arrow (--show opens it in a window: arrow keys step).
"""

from microdl import Value, gradcheck, topological_order
from microdl.demo import demo_args, finish, save

# --- settings -------------------------------------------------------------------------
A, B, C, F = 2.0, -3.0, 10.0, -2.0


def expression(a, b, c, f):
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def chain_rule_by_hand(L):
    """Print dL/dnode for every node, from the output back, as local x upstream."""
    grads = {id(L): 1.0}
    print("  by hand, from the output back:")
    print("    dL/dL = 1")
    for node in reversed(topological_order(L)):
        for child, local in zip(node._prev, node._local):
            upstream = grads[id(node)]
            grads[id(child)] = grads.get(id(child), 0.0) + local * upstream
            print(f"    dL/d{child.label} += local d{node.label}/d{child.label} ({local:g}) x "
                  f"upstream dL/d{node.label} ({upstream:g}) = {local * upstream:g}")
    return grads


def main(argv=None):
    args = demo_args(__doc__, argv)
    print(__doc__.strip().splitlines()[0])
    leaves = [Value(v, label=n) for v, n in zip((A, B, C, F), "abcf")]
    L = expression(*leaves)
    print(f"  forward: e = a*b = {A * B:g}, d = e + c = {A * B + C:g}, L = d*f = {L.data:g}")
    by_hand = chain_rule_by_hand(L)
    L.backward()
    report = gradcheck(expression, A, B, C, F)
    print("  the engine (L.backward()) and finite differences:")
    for leaf, row in zip(leaves, report.rows):
        print(f"    dL/d{leaf.label}: by hand {by_hand[id(leaf)]:g}, engine {leaf.grad:g}, "
              f"numeric {row[3]:.6f}")
    from microdl import viz
    save(viz.draw_graph(L, show_local=True), args, "backprop_graph.png",
         "L = (a·b + c)·f after L.backward(): every gradient is local × upstream")
    save(viz.animate_backprop(L), args, "backprop.gif", "The backward pass, node by node")
    explorer = viz.explore_backprop(L)  # forward node by node, then backward arrow by arrow
    print(f"  explore_backprop: {len(explorer)} steps, e.g. {explorer.step(9).current.subtitle}")
    save(explorer.figure(), args, "explore_backprop_step.png",   # one backward step
         "One step of the backward pass, as the explorer clicks through it")
    save(explorer, args, "explore_backprop.gif", "Click through backprop: forward node by node, backward arrow by arrow")
    if args.show:
        explorer.show(block=False)
    finish(args)
    return leaves


if __name__ == "__main__":
    main()
