"""No command line input gives a traceback: every hostile `microdl graph` input of issue 15
ends with exit status 2 and one line on stderr saying what to change."""
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microdl import cli
from microdl.expression import ExpressionError, evaluate, parse_values

HOSTILE = {
    "power tower of constants": ("9**9**9", "overflows"),
    "a value times a huge constant": ("a*9**9**9", "overflows"),
    "a huge slope": ("a.leaky_relu(2.0**5000)", "overflows"),
    "a 400-digit literal": ("a*" + "9" * 400, "401 digits"),
    "a huge hex literal": ("a*0x" + "f" * 5000, "digits"),
    "constant division by zero": ("a+1/0", "divides by zero"),
    "a value divided by zero": ("a/0", "divides by zero"),
    "2,000 chained tanh": ("a" + ".tanh()" * 2000, "nested too deeply"),
    "2,000 unary minuses": ("-" * 2000 + "a", "boxes"),
    "a 1 MB expression": ("+".join(["a"] * 500_000), "characters"),
    "3,000-level power tower": ("**".join(["a"] * 3000), "nested too deeply"),
    "more than 300 boxes": ("+".join(["a*a"] * 200), "--max-nodes"),
    "log of a negative number": ("(-a).log()", "log"),
    "a complex constant": ("a*(-8)**0.5", "not a real number"),
    "a string": ("a*'x'", "not allowed"),
    "a literal that reads as inf": ("1e999*a", "too large for a float"),
    "a product that overflows silently": ("(a*1e200)*(a*1e200)", "is inf"),
    "a null character": ("a\x00", "cannot read"),
    "too many arguments": ("a.leaky_relu(1, 2)", "arguments"),
    "a bare method": ("a.tanh", "parentheses"),
}


def graph(expression, *options, out):
    return cli.main(["graph", expression, "--values", "a=2,b=-3", "--out", str(out), *options])


def refusal(capsys, *argv):
    """Run main(argv): it must exit with status 2 and print exactly one line on stderr."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2, err
    assert err.endswith("\n") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_expressions_exit_2_with_one_line(case, capsys, tmp_path):
    expression, message = HOSTILE[case]
    err = refusal(capsys, "graph", expression, "--values", "a=2,b=-3", "--out", str(tmp_path / "g.dot"))
    assert err.startswith("microdl graph: ") and message in err
    assert not (tmp_path / "g.dot").exists()


@pytest.mark.parametrize("values, message", [
    ("--", "not name=number"),
    ("-x=1", "not name=number"),
    ("a=1,a=2", "'a' is given twice"),
    ("ﬁ=1,fi=2", "'fi' is given twice"),        # NFKC: the ligature is fi, as in Python
    ("a=inf", "not a finite number"),
    ("a=nan", "not a finite number"),
    ("if=1", "keyword"),
    ("a-b=1", "not name=number"),
])
def test_bad_values_exit_2_with_one_line(values, message, capsys, tmp_path):
    err = refusal(capsys, "graph", "a*2", "--values", values, "--out", str(tmp_path / "g.dot"))
    assert message in err


def test_repeated_values_options_add_up_and_a_name_given_twice_is_refused(capsys, tmp_path):
    out = str(tmp_path / "g.dot")
    assert cli.main(["graph", "a*b", "--values", "a=2", "--values", "b=-3", "--out", out]) == 0
    assert "dL/da = -3" in capsys.readouterr().out
    assert "'a' is given twice" in refusal(capsys, "graph", "a*b", "--values", "a=2,b=1",
                                           "--values", "a=3", "--out", out)


def test_max_nodes_and_collapse_options(capsys, tmp_path):
    expression = "+".join(["a*b"] * 200)                    # 800 boxes
    assert "--max-nodes 800" in refusal(capsys, "graph", expression, "--values", "a=1,b=2",
                                        "--out", str(tmp_path / "g.dot"))
    assert graph(expression, "--max-nodes", "800", "--renderer", "builtin", out=tmp_path / "g.dot") == 0
    assert "dL/da = -600" in capsys.readouterr().out          # 200 b, b = -3
    neurons = "(N1.w0*x + N1.b).tanh() + (N2.w0*x + N2.b).relu()"
    values = "N1.w0=1,N1.b=0.5,N2.w0=3,N2.b=0.1,x=1"
    for collapse, out in ((None, "plain.dot"), ("neuron", "collapsed.dot")):
        argv = ["graph", neurons, "--values", values, "--out", str(tmp_path / out)]
        assert cli.main(argv + (["--collapse", collapse] if collapse else [])) == 0
    assert "dL/dN1.w0" in capsys.readouterr().out
    plain, collapsed = ((tmp_path / name).read_text() for name in ("plain.dot", "collapsed.dot"))
    assert "N1 · tanh" in collapsed and "N2 · ReLU" in collapsed and "N1 · tanh" not in plain
    assert collapsed.count("->") < plain.count("->")
    assert "at least 1" in refusal(capsys, "graph", "a", "--values", "a=1", "--max-nodes", "0")


@pytest.mark.parametrize("argv", [
    ["graph", "-a*b", "--values", "a=2,b=-3"],
    ["graph", "--values", "a=2,b=-3", "-a*b"],
    ["graph", "--val=a=2,b=-3", "-a*b", "--local"],
    ["graph", "--values", "a=2,b=-3", "--", "-a*b"],
    ["graph", "--values", "a=2,b=-3", "-a*b", "--"],
    ["graph", "--a*b", "--values", "a=2,b=-3"],               # --a*b is -(-a)*b
])
def test_expression_starting_with_minus(argv, capsys, tmp_path):
    assert cli.main(argv[:1] + ["--out", str(tmp_path / "g.dot")] + argv[1:]) == 0
    out = capsys.readouterr().out
    assert "dL/da = 3" in out or "dL/da = -3" in out
    assert (tmp_path / "g.dot").is_file()


def test_expression_starting_with_minus_from_a_shell(tmp_path):
    done = subprocess.run([sys.executable, "-m", "microdl", "graph", "-a*b", "--values", "a=2,b=-3",
                           "--out", str(tmp_path / "g.dot")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "L = -a*b = 6" in done.stdout


def test_names_are_normalised_as_python_does():
    assert parse_values("ﬁ=2, ℌ=3") == {"fi": 2.0, "H": 3.0}
    root = evaluate("fi * ℌ", parse_values("ﬁ=2,H=3"))         # Python reads ﬁ as fi, ℌ as H
    assert root.data == 6.0 and {leaf.label for leaf in root._prev} == {"fi", "H"}
    with pytest.raises(ExpressionError, match="not name=number"):
        parse_values("x²=3")                                       # not a Python name either
    with pytest.raises(ExpressionError, match="given twice"):
        parse_values("ﬁ=2,fi=3")


def test_constant_arithmetic_is_bounded_before_it_runs():
    with pytest.raises(ExpressionError, match="overflows"):
        evaluate("a * 9**9**9**9**9", {"a": 1.0})               # a float overflow, never a bignum
    assert evaluate("a * 2**10 / 4", {"a": 1.0}).data == 256.0  # ordinary constants still fold


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=st.text(alphabet="ab01923.+-*/() e_xtanhrelupogsigmd,=ﬁ'", max_size=24),
       values=st.sampled_from(["a=2,b=-3", "a=0,b=0", "", "a=1e308,b=-1e308", "a=2,a=3", "ﬁ=1"]))
def test_random_input_never_raises(expression, values, tmp_path, capsys):
    try:
        code = cli.main(["graph", expression, "--values", values, "--renderer", "builtin",
                         "--out", str(tmp_path / "g.dot")])
    except SystemExit as exit_info:
        code = exit_info.code
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err
    if code == 2 and err.startswith("usage:"):  # argparse's own: "--" or "--l" read as options
        assert expression.startswith("-") and "microdl graph: error:" in err
    elif code == 2:
        assert err.startswith("microdl graph: ") and err.count("\n") == 1, err


def test_output_and_renderer_problems_exit_2_with_one_line(capsys, tmp_path, monkeypatch):
    (tmp_path / "folder.svg").mkdir()
    assert "cannot write" in refusal(capsys, "graph", "a", "--values", "a=1",
                                     "--out", str(tmp_path / "folder.svg"))
    assert "needs a .svg" in refusal(capsys, "graph", "a", "--values", "a=1",
                                     "--out", str(tmp_path / "g.txt"))
    assert "cannot create the folder" in refusal(capsys, "graph", "a", "--values", "a=1",
                                                 "--out", "/proc/forbidden/g.svg")
    monkeypatch.setattr("shutil.which", lambda name: None)       # no Graphviz installed
    assert "--renderer builtin" in refusal(capsys, "graph", "a", "--values", "a=1", "--renderer",
                                           "graphviz", "--out", str(tmp_path / "g.svg"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.text(alphabet="ab=,.-+e0123456789 ﬁ_xnaif", max_size=20))
def test_random_values_never_raise(values, tmp_path, capsys):
    try:
        code = cli.main(["graph", "a*b", "--values", values, "--renderer", "builtin",
                         "--out", str(tmp_path / "g.dot")])
    except SystemExit as exit_info:
        code = exit_info.code
    assert code in (0, 2)
    err = capsys.readouterr().err
    assert code == 0 or (err.startswith("microdl graph: ") and err.count("\n") == 1)


def test_the_installed_entry_point_exits_2_with_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "microdl", "graph", "a*9**9**9", "--values", "a=1",
                           "--out", str(tmp_path / "g.svg")], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "overflows" in done.stderr


@pytest.mark.parametrize("expression", ["1if a else 2", "2a", "0x1for"])
def test_the_parser_s_syntax_warnings_never_reach_the_terminal(expression, capsys, tmp_path):
    """'1if a' makes Python's parser warn before it reads: the one refusal line is all we print."""
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        refusal(capsys, "graph", expression, "--values", "a=1", "--out", str(tmp_path / "g.dot"))
    assert not [w for w in caught if issubclass(w.category, SyntaxWarning)]


def test_values_written_with_spaces_get_a_hint(capsys, tmp_path):
    err = refusal(capsys, "graph", "a*b", "--values", "a=1", "b=2", "--out", str(tmp_path / "g.png"))
    assert "give one expression" in err and "b=2 looks like a value" in err and "--values a=2,b=-3" in err
    err = refusal(capsys, "graph", "a*b", "a+b", "--out", str(tmp_path / "g.png"))
    assert "looks like a value" not in err
