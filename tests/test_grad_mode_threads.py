"""Grad mode and anomaly mode are per thread: real threads, forced interleavings."""
import math
import threading

from microdl import Tensor, Value, detect_anomaly, is_grad_enabled, no_grad

TIMEOUT = 10  # seconds a thread waits at a barrier before the test fails instead of hanging


def run_in_thread(target):
    """Run target() in a new thread; re-raise its exception here; return its result."""
    result = {}

    def body():
        try:
            result["value"] = target()
        except BaseException as error:  # noqa: BLE001 - handed back to the test thread
            result["error"] = error
    thread = threading.Thread(target=body)
    thread.start()
    return thread, result


def finish(thread, result):
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "thread did not finish"
    if "error" in result:
        raise result["error"]
    return result.get("value")


def test_a_new_thread_starts_with_grad_on_and_anomaly_off():
    with no_grad(), detect_anomaly():
        thread, result = run_in_thread(lambda: (is_grad_enabled(), _anomaly_on()))
        assert finish(thread, result) == (True, False)
        assert not is_grad_enabled()


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside, recorded = threading.Event(), threading.Event()

    def evaluator():
        with no_grad():
            inside.set()
            assert recorded.wait(TIMEOUT)
            return (Value(2.0) * 3)._prev
    thread, result = run_in_thread(evaluator)
    assert inside.wait(TIMEOUT)            # the other thread is inside no_grad() now
    a = Value(2.0)
    b = a * a
    t = Tensor([1.0, 2.0], requires_grad=True)
    s = (t * t).sum()
    recorded.set()
    assert b._prev == (a, a) and s.requires_grad and s._prev
    b.backward()
    assert a.grad == 4.0
    assert finish(thread, result) == ()   # and the other thread recorded nothing


def test_no_grad_blocks_exiting_out_of_order_leave_grad_on_everywhere():
    # thread A enters, thread B enters, A exits, B exits: with one process-wide switch,
    # B would restore the False it saw on entry and leave grad mode off for everyone
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        with no_grad():
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()
        return is_grad_enabled()

    def thread_b():
        assert a_in.wait(TIMEOUT)
        with no_grad():
            b_in.set()
            assert a_out.wait(TIMEOUT)
        return is_grad_enabled()
    ta, ra = run_in_thread(thread_a)
    tb, rb = run_in_thread(thread_b)
    assert finish(ta, ra) is True and finish(tb, rb) is True
    assert is_grad_enabled()
    assert Value(1.0).exp()._prev  # this thread records graphs


def test_detect_anomaly_in_one_thread_does_not_raise_in_another():
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def checked():
        with detect_anomaly():
            barrier.wait()            # both threads are now computing
            assert _anomaly_on()
            barrier.wait()
    thread, result = run_in_thread(checked)
    barrier.wait()
    assert not _anomaly_on()          # this thread is not in anomaly mode: nan flows on
    barrier.wait()
    finish(thread, result)


def _anomaly_on():
    """Is anomaly mode on in this thread? A nan made by an op raises only then.

    (nan * 1 makes a nan without a warning: warning filters are process-wide, so a
    thread test must not depend on them.)"""
    try:
        out = Value(math.nan) * 1.0
    except FloatingPointError:
        return True
    assert math.isnan(out.data)
    return False
