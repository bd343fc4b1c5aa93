"""Reading the `graph` command's input safely: the command line (an expression starting
with -, one expression only), the expression and its --values, and every way they can go
wrong, each told in one line on stderr with exit status 2, as argparse does.
"""
import math
import re
import sys

__all__ = ["add_graph_parser", "graph_root", "leaves", "refuse", "too_many_boxes", "expression_after_dashes"]


def add_graph_parser(sub):
    """The `graph` subcommand's parser, added to `sub` (argparse's subparsers)."""
    graph = sub.add_parser("graph", help='draw an expression\'s graph: microdl graph "a*b + c.tanh()" '
                                         '--values a=2,b=-3,c=0.5 --out g.svg')
    graph.add_argument("expression", help="e.g. \"a*b + c.tanh()\" (one starting with - "
                                           "works too: \"-a*b\", or after --)")
    graph.add_argument("--values", action="append", default=[],
                       help="name=number pairs, e.g. a=2,b=-3,c=0.5 (may be repeated)")
    graph.add_argument("--out", default="graph.svg", help="output file: .svg, .png, .pdf or .dot")
    graph.add_argument("--label", default="L", help="name of the result (default L)")
    graph.add_argument("--local", action="store_true", help='write "local x upstream" on each edge')
    graph.add_argument("--renderer", choices=["auto", "graphviz", "builtin"], default="auto")
    graph.add_argument("--max-nodes", type=int, default=300, metavar="N",
                       help="refuse to draw more boxes than this (default 300)")
    graph.add_argument("--collapse", choices=["neuron", "layer"],
                       help="one box per neuron (names N1.w0, N1.b) or per layer (L1.N1.w0)")
    return graph


#: the graph command's options that take a value: the word after them is that value
_GRAPH_VALUE_OPTIONS = ("--values", "--out", "--label", "--renderer", "--max-nodes", "--collapse")


def expression_after_dashes(argv):
    """`graph "-a*b"`: argparse reads a word starting with - as an option. Move such a word
    (not an option of graph, not an option's value) behind `--`, where it is the expression,
    and join each option to its value (`--values=-x=1`: argparse would take -x=1 for an option)."""
    if not argv or argv[0] != "graph":
        return argv
    options, expressions, i = [argv[0]], [], 1
    while i < len(argv):
        word = argv[i]
        if word == "--":              # the user's own: the word after it is the expression
            expressions += argv[i + 1:i + 2]  # (graph takes one, so options may still follow)
            i += 2
            continue
        if word in _GRAPH_VALUE_OPTIONS and i + 1 < len(argv):
            options.append(f"{word}={argv[i + 1]}")
            i += 2
            continue
        (expressions if word.startswith("-") and not _is_graph_option(word) else options).append(word)
        i += 1
    positionals = [w for w in options[1:] if not w.startswith("-")] + expressions
    if len(positionals) > 1:
        stray = [w for w in positionals[1:] if re.fullmatch(r"\w+=\S+", w)]
        hint = (f" ({stray[0]} looks like a value: --values takes them joined by commas, "
                f"--values a=2,b=-3)" if stray else "")
        refuse(f"microdl graph: give one expression, in quotes; got {len(positionals)}: "
                + ", ".join(map(repr, positionals[:4])) + hint)
    return options + (["--", *expressions] if expressions else [])


def _is_graph_option(word):
    """An option of graph as argparse reads it: exact, --name=value, or a prefix of one name."""
    name = word.split("=", 1)[0]
    known = (*_GRAPH_VALUE_OPTIONS, "--local", "--help")
    return word == "-h" or (len(name) > 2 and any(option.startswith(name) for option in known))


def graph_root(args):
    """The expression's Value after backward(); any trouble is one line on stderr, exit 2.

    Inf or nan on the way (a division by zero, log of a negative number) is refused too:
    a picture full of inf explains nothing; the engine's RuntimeWarning says where.
    """
    import warnings
    from .expression import evaluate, parse_values
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            root = evaluate(args.expression, parse_values(",".join(_values_texts(args.values))))
            root.label = root.label or args.label
            root.backward()
        _refuse_overflow(root, args.expression)
    except RuntimeWarning as warning:
        refuse(f"microdl graph: {warning} (in {_quoted(args.expression)})")
    except (SyntaxError, NameError, ValueError, TypeError, ArithmeticError) as error:
        refuse(f"microdl graph: {error}")
    except (RecursionError, MemoryError):
        refuse(f"microdl graph: the expression {_quoted(args.expression)} is too large or "
                f"nested too deeply; draw a smaller one")
    return root


def _values_texts(values):
    """The --values given; argparse turns --values=-- into [] (it drops a "--"): put it back."""
    return [text if isinstance(text, str) else "--" for text in values]


def _refuse_overflow(root, expression):
    """A product of huge numbers overflows to inf without a warning: refuse it too."""
    from .autodiff import topological_order
    for node in topological_order(root):
        for what, number in (("value", node.data), ("gradient", node.grad)):
            if not math.isfinite(number):
                where = f"'{node._op}'" if node._op else f"the leaf {node.label or 'constant'}"
                refuse(f"microdl graph: the {what} at {where} is {number} (a float holds at most "
                        f"about 1.8e308), in {_quoted(expression)}")


def too_many_boxes(error, max_nodes):
    """draw_graph's 'too many boxes' error, told in the command line's own options."""
    import re
    found = re.search(r"needs ([\d,]+) boxes", str(error))
    if found is None:
        return str(error)
    return (f"this graph needs {found.group(1)} boxes, more than --max-nodes {max_nodes}: draw a "
            f"shorter expression, or raise the limit (--max-nodes {found.group(1).replace(',', '')}); "
            f"with dotted names (N1.w0, N1.b), --collapse neuron draws one box per neuron")


def _quoted(text, limit=60):
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")


def refuse(message):
    """A bad command line or expression: one line on stderr, exit status 2 (as argparse)."""
    print(message.replace("\n", " "), file=sys.stderr)
    raise SystemExit(2)


def leaves(root):
    from .autodiff import topological_order
    return [n for n in topological_order(root) if not n._prev]
