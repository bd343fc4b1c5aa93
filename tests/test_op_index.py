"""The index "op -> file:function" in the microdl.autodiff docstring covers every op
the engines emit, names only functions that exist, and no op lives off the engine floor."""
import ast
import importlib
import re
from pathlib import Path

import microdl
from microdl import autodiff

PACKAGE = Path(microdl.__file__).parent
ENGINE_FLOOR = {"value.py", "tensor.py", "conv.py", "pooling.py", "fused.py", "normalization.py"}
LOCATION = re.compile(r"^(\w+)\.py:([\w.]+)$")


def index_rows():
    """{op: [file:function, ...]} read from the table in autodiff's docstring."""
    lines = autodiff.__doc__.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:3] == ["op", "Value", "engine"])
    rows = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        words = line.split()
        rows[words[0]] = [w for w in words[1:] if LOCATION.match(w)]
    return rows


def op_names(node):
    """The op name(s) a `_make(..., op, ...)` / `Value(..., _op)` argument can hold."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):  # f"**{n:g}": a number exponent, written **n
        return {"".join(part.value if isinstance(part, ast.Constant) else "n" for part in node.values)}
    if isinstance(node, ast.IfExp):
        return op_names(node.body) | op_names(node.orelse)
    raise AssertionError(f"line {node.lineno}: write the op name as a literal string "
                         f"(got {ast.unparse(node)!r}) so the index test can see it")


def emitted_ops():
    """{op: {file, ...}} for every graph node made anywhere in the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            is_make = isinstance(func, ast.Attribute) and func.attr == "_make"
            is_value = isinstance(func, ast.Name) and func.id == "Value"
            op = None
            if is_make and len(call.args) >= 3:
                op = call.args[2]
            elif is_value:
                op = call.args[2] if len(call.args) >= 3 else next(
                    (k.value for k in call.keywords if k.arg == "_op"), None)
            if op is not None:
                for name in op_names(op):
                    found.setdefault(name, set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_every_emitted_op_is_in_the_index_and_nothing_else():
    emitted, rows = emitted_ops(), index_rows()
    assert len(emitted) > 25, "the scan found too few ops: has the way ops are made changed?"
    missing = sorted(set(emitted) - set(rows))
    stale = sorted(set(rows) - set(emitted))
    assert not missing, f"ops missing from the index in microdl/autodiff.py: {missing}"
    assert not stale, f"index rows for ops no engine emits any more: {stale}"


def test_ops_are_made_only_on_the_engine_floor():
    off_floor = {op: files - ENGINE_FLOOR for op, files in emitted_ops().items() if files - ENGINE_FLOOR}
    assert not off_floor, f"chain rules off the engine floor (move them to fused.py): {off_floor}"


def test_every_index_location_exists_and_is_where_the_op_is_made():
    emitted = emitted_ops()
    for op, locations in index_rows().items():
        assert locations, f"index row {op!r} names no file:function"
        for location in locations:
            file, dotted = LOCATION.match(location).groups()
            target = importlib.import_module(f"microdl.{file}")
            for part in dotted.split("."):
                assert hasattr(target, part), f"index row {op!r}: {location} does not exist"
                target = getattr(target, part)
            assert callable(target), f"index row {op!r}: {location} is not a function"
        files = {location.split(":")[0] for location in locations}
        assert files <= emitted[op], f"index row {op!r} points at {files}, op made in {emitted[op]}"


def test_the_index_names_real_nodes():
    """Build a few ops and check the names they carry are the index's names."""
    from microdl import Tensor, Value
    import microdl.nn.functional as F
    x = Tensor([[1.0, 2.0]], requires_grad=True)
    w = Tensor([[0.5, -0.5]], requires_grad=True)
    names = {Value(2.0).relu()._op, (Value(2.0) ** 2)._op, (x ** 2)._op, F.linear(x, w)._op,
             F.binary_cross_entropy_with_logits(x, [[1.0, 0.0]], reduction="none")._op,
             F.max_pool2d(x.reshape(1, 1, 1, 2), (1, 2))._op}
    assert names == {"ReLU", "**2", "linear", "binary_cross_entropy_with_logits", "max_pool2d"}
    assert names <= set(index_rows()) | {"**2"} and "**n" in index_rows()
