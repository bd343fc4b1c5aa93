"""Evaluate a small arithmetic expression over named Values, safely (no eval).

    evaluate("a*b + c.tanh()", {"a": 2.0, "b": -3.0, "c": 0.5})  ->  Value

Allowed: names given in `values`, numbers, + - * / **, unary minus, parentheses, and the
Value methods tanh, relu, exp, log, sigmoid, abs, leaky_relu(slope). Anything else (an
attribute, an import, a call of a function) is refused with a clear SyntaxError or
NameError, so a command line can draw a teacher's one-liner without running code.
"""
import ast
import operator

from .value import Value

__all__ = ["evaluate", "parse_values"]

METHODS = {"tanh", "relu", "exp", "log", "sigmoid", "abs", "leaky_relu"}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.Pow: operator.pow}


def parse_values(text):
    """'a=2,b=-3,c=0.5' -> {'a': 2.0, 'b': -3.0, 'c': 0.5}."""
    values = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, sep, number = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"--values: {item!r} is not name=number (example: a=2,b=-3,c=0.5)")
        try:
            values[name] = float(number)
        except ValueError:
            raise ValueError(f"--values: {name}={number!r} is not a number") from None
    return values


def evaluate(expression, values):
    """The Value computed by `expression` over leaves labelled with their names."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise SyntaxError(f"cannot read the expression {expression!r}: {error.msg}") from None
    leaves = {name: Value(number, label=name) for name, number in values.items()}
    result = _walk(tree.body, leaves, expression)
    if not isinstance(result, Value):
        raise ValueError(f"the expression {expression!r} uses no named value; give it some, "
                         f"e.g. --values a=2")
    return result


def _walk(node, leaves, text):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in leaves:
            known = ", ".join(leaves) or "none"
            raise NameError(f"{node.id!r} has no value (known: {known}); add it to --values, "
                            f"e.g. --values {node.id}=1.0")
        return leaves[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return BINARY[type(node.op)](_walk(node.left, leaves, text), _walk(node.right, leaves, text))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _walk(node.operand, leaves, text)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in METHODS and not node.keywords:
        target = _walk(node.func.value, leaves, text)
        args = [_walk(a, leaves, text) for a in node.args]
        if not isinstance(target, Value):
            target = Value(target)
        if any(isinstance(a, Value) for a in args):
            raise SyntaxError(f"{node.func.attr}() takes a number, not a value, in {text!r}")
        return getattr(target, node.func.attr)(*args)
    raise SyntaxError(f"not allowed in {text!r}: {ast.unparse(node)!r}. Use names, numbers, "
                      f"+ - * / **, and .{'(), .'.join(sorted(METHODS))}()")
