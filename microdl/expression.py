"""Evaluate a small arithmetic expression over named Values, safely (no eval).

    evaluate("a*b + c.tanh()", {"a": 2.0, "b": -3.0, "c": 0.5})  ->  Value

Allowed: names given in `values` (dotted names too, such as N1.w0, which draw_graph's
collapse= groups by neuron), numbers, + - * / **, unary minus, parentheses, and the
Value methods tanh, relu, exp, log, sigmoid, abs, leaky_relu(slope). Anything else (an
attribute, an import, a call of a function) is refused with a clear SyntaxError or
NameError, so a command line can draw a teacher's one-liner without running code.

Every input is bounded before anything is computed: the expression's length, its
nesting (Python's parser gives up on deep nesting: RecursionError, MemoryError), and
every number (a literal or constant arithmetic such as 9**9**9 must stay a finite float;
all constant arithmetic is done in floats, so it never builds a huge integer). Names
are normalised as Python normalises identifiers (NFKC: the ligature "ﬁ" is "fi").
"""
import ast
import keyword
import math
import operator
import unicodedata
import warnings

from .value import Value

__all__ = ["evaluate", "parse_values", "ExpressionError", "MAX_LENGTH"]

METHODS = {"tanh", "relu", "exp", "log", "sigmoid", "abs", "leaky_relu"}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.Pow: operator.pow}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
#: longest expression read (a one-liner for a picture; 300 boxes need ~1,000 characters)
MAX_LENGTH = 20_000


class ExpressionError(ValueError):
    """An expression or a --values list that cannot be evaluated; the message says why."""


def parse_values(text):
    """'a=2,b=-3,c=0.5' -> {'a': 2.0, 'b': -3.0, 'c': 0.5}; names NFKC-normalised as in Python."""
    values, written = {}, {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, sep, number = item.partition("=")
        name = name.strip()
        if not sep or not all(part.isidentifier() for part in name.split(".")):
            raise ExpressionError(f"--values: {item!r} is not name=number (example: a=2,b=-3,c=0.5)")
        name = unicodedata.normalize("NFKC", name)  # as Python reads a name: the ligature ﬁ is fi
        if any(keyword.iskeyword(part) for part in name.split(".")):
            raise ExpressionError(f"--values: {name!r} is a Python keyword; choose another name")
        if name in values:
            raise ExpressionError(f"--values: {name!r} is given twice ({written[name]} and "
                                  f"{item}); give each name one value")
        values[name], written[name] = _finite_number(name, number), item
    return values


def _finite_number(name, number):
    try:
        value = float(number)
    except ValueError:
        raise ExpressionError(f"--values: {name}={number!r} is not a number") from None
    if not math.isfinite(value):
        raise ExpressionError(f"--values: {name}={number.strip()} is not a finite number")
    return value


def evaluate(expression, values):
    """The Value computed by `expression` over leaves labelled with their names."""
    tree = _parse(expression)
    leaves = {name: Value(number, label=name) for name, number in values.items()}
    result = _walk(tree.body, leaves, expression)
    if not isinstance(result, Value):
        raise ExpressionError(f"the expression {_short(expression)} uses no named value; give it "
                              f"some, e.g. --values a=2")
    return result


def _parse(expression):
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(expression):,} characters, more than "
                              f"{MAX_LENGTH:,}; draw a shorter one")
    try:
        with warnings.catch_warnings():     # '1if a' warns, then reads: the whitelist decides
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise SyntaxError(f"cannot read the expression {_short(expression)}: {error.msg}") from None
    except (RecursionError, MemoryError):  # the parser's own nesting limit
        raise ExpressionError(f"the expression {_short(expression)} is nested too deeply for "
                              f"Python's parser; draw a shallower one") from None
    except ValueError as error:  # e.g. a null character
        raise ExpressionError(f"cannot read the expression {_short(expression)}: {error}") from None


def _walk(root, leaves, text):
    """Evaluate the tree bottom-up with an explicit stack (no recursion: any depth the
    parser accepts is fine)."""
    results, stack = {}, [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        operands = _operands(node, text)
        if operands_done:
            results[node] = _apply(node, [results.pop(o) for o in operands], leaves, text)
        else:
            stack.append((node, True))
            stack.extend((o, False) for o in reversed(operands))
    return results[root]


def _operands(node, text):
    """The sub-expressions `node` needs first; refuses anything outside the whitelist."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return []
    if isinstance(node, (ast.Name, ast.Attribute)) and _dotted_name(node):
        return []
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return [node.operand]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in METHODS and not node.keywords:
        return [node.func.value, *node.args]
    raise SyntaxError(f"not allowed in {_short(text)}: {_short(ast.unparse(node))}. Use names, "
                      f"numbers, + - * / **, and .{'(), .'.join(sorted(METHODS))}()")


def _apply(node, operands, leaves, text):
    """The value of `node` from its operands' values (Values or floats)."""
    if isinstance(node, ast.Constant):
        return _literal(node.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _leaf(_dotted_name(node), leaves)
    if isinstance(node, ast.UnaryOp):
        (operand,) = operands
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = operands
        if isinstance(left, Value) or isinstance(right, Value):
            return BINARY[type(node.op)](left, right)  # the engine's numeric rule
        return _constant_arithmetic(type(node.op), left, right)
    target, *args = operands
    if any(isinstance(a, Value) for a in args):
        raise SyntaxError(f"{node.func.attr}() takes a number, not a value, in {_short(text)}")
    target = target if isinstance(target, Value) else Value(target)
    return getattr(target, node.func.attr)(*args)


def _literal(number):
    try:
        value = float(number)  # a float at once: 9**9**9 is then float arithmetic, never a bignum
    except OverflowError:
        digits = int(number.bit_length() * math.log10(2)) + 1  # str() of a huge int is refused
        raise ExpressionError(f"a number in the expression has about {digits:,} digits: too large "
                              f"for a float (at most about 1.8e308)") from None
    if not math.isfinite(value):  # 1e999 reads as inf
        raise ExpressionError("a number in the expression is too large for a float (at most "
                              "about 1.8e308)")
    return value


def _constant_arithmetic(op, left, right):
    """left op right for two plain numbers, refused unless the result is a finite real float."""
    what = f"{left:g} {SYMBOLS[op]} {right:g}"
    try:
        result = BINARY[op](left, right)
    except ZeroDivisionError:
        raise ExpressionError(f"{what} divides by zero") from None
    except OverflowError:
        raise ExpressionError(f"{what} overflows: it is larger than a float holds "
                              f"(about 1.8e308)") from None
    if isinstance(result, complex):
        raise ExpressionError(f"{what} is not a real number")
    if not math.isfinite(result):
        raise ExpressionError(f"{what} is {result}, not a finite number")
    return result


def _leaf(name, leaves):
    if name not in leaves:
        known = ", ".join(leaves) or "none"
        if name.rpartition(".")[2] in METHODS:
            raise NameError(f"{name!r} has no value (known: {known}); a method needs its "
                            f"parentheses: {name}()")
        raise NameError(f"{name!r} has no value (known: {known}); add it to --values, "
                        f"e.g. --values {name}=1.0")
    return leaves[name]


def _dotted_name(node):
    """'N1.w0' for the attribute chain N1.w0 of plain names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _short(text, limit=80):
    """`text` quoted, cut to `limit` characters: error messages stay one readable line."""
    text = " ".join(str(text).split())
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")
