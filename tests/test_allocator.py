"""reuse_freed_memory: glibc's mallopt only when asked, never inside an op, and
MICRODL_NO_MALLOPT=1 turns it off. ctypes is replaced, so no test changes the process."""
import sys

import numpy as np
import pytest

import microdl
import microdl.nn.functional as F
from microdl import Tensor, allocator


class FakeLibc:
    """Stands in for ctypes.CDLL(None): records every mallopt call."""

    def __init__(self):
        self.calls = []
        libc = self

        def mallopt(option, value):
            libc.calls.append((option, value))
            return 1
        self.mallopt = mallopt


@pytest.fixture
def libc(monkeypatch):
    fake = FakeLibc()
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: fake)
    monkeypatch.setattr(allocator, "_done", False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("MICRODL_NO_MALLOPT", raising=False)
    return fake


def test_conv_and_pooling_never_call_mallopt(libc):
    x = Tensor(np.random.default_rng(0).random((2, 1, 6, 6)), requires_grad=True)
    w = Tensor(np.ones((2, 1, 3, 3)), requires_grad=True)
    F.avg_pool2d(F.max_pool2d(F.conv2d(x, w, padding=1), 2), 1).sum().backward()
    assert libc.calls == []


def test_the_opt_in_sets_both_thresholds_once(libc):
    assert microdl.reuse_freed_memory() is True
    assert libc.calls == [(allocator._M_MMAP_THRESHOLD, allocator._MMAP_THRESHOLD_MAX),
                          (allocator._M_TRIM_THRESHOLD, 2 ** 30)]
    assert microdl.reuse_freed_memory() is True
    assert len(libc.calls) == 2                      # idempotent


@pytest.mark.parametrize("setting", ["1", "yes"])
def test_the_environment_variable_turns_it_off(libc, monkeypatch, setting):
    monkeypatch.setenv("MICRODL_NO_MALLOPT", setting)
    assert microdl.reuse_freed_memory() is False
    assert libc.calls == []
    monkeypatch.setenv("MICRODL_NO_MALLOPT", "0")   # 0 means "do not turn it off"
    assert microdl.reuse_freed_memory() is True and len(libc.calls) == 2


def test_a_no_op_off_linux_and_off_glibc(libc, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert microdl.reuse_freed_memory() is False
    monkeypatch.setattr(sys, "platform", "linux")

    def no_libc(name):
        raise OSError("no such library")
    monkeypatch.setattr(allocator.ctypes, "CDLL", no_libc)
    assert microdl.reuse_freed_memory() is False
    assert libc.calls == []


def test_import_does_not_call_it():
    import subprocess
    code = ("import ctypes; calls = []\n"
            "class L:\n    def mallopt(self, *a): calls.append(a)\n"
            "ctypes.CDLL = lambda name: L()\n"
            "import microdl, microdl.nn, microdl.conv, microdl.fused\n"
            "print(len(calls))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
