"""microdl.gradcheck: a readable report and a clear failure."""
import pytest

from microdl import GradcheckError, Value, gradcheck


def test_report_lists_inputs_analytic_numeric_and_error():
    report = gradcheck(lambda a, b: a * b + a.tanh(), 0.5, -2.0)
    assert report.ok and bool(report)
    text = str(report)
    assert "gradcheck passed" in text
    assert "analytic" in text and "numeric" in text and "error" in text
    assert "x0 = 0.5" in text and "x1 = -2" in text
    assert len(report.rows) == 2


def test_a_wrong_gradient_fails_with_the_report():
    def wrong(a):
        out = a * a
        out._local = (1.0, 1.0)  # pretend d(a*a)/da = 2 instead of 2a
        return out
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(wrong, 3.0)
    report = gradcheck(wrong, 3.0, raise_on_failure=False)
    assert not report.ok
    assert "FAILED" in str(report)


def test_function_must_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 3.0, 1.0)


def test_inputs_may_be_values():
    assert gradcheck(lambda a: a.exp(), Value(0.3)).ok
