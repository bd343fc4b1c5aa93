"""workspace: reused scratch memory is never handed out while any array still uses it."""
import threading

import numpy as np
import pytest

from microdl import Tensor, workspace
from microdl.conv import conv2d, max_pool2d

BIG = (512, 512)   # 1 MiB of float32: above workspace.MIN_BYTES


@pytest.fixture(autouse=True)
def fresh_cache():
    workspace.release()
    yield
    workspace.release()


def test_a_live_array_is_never_handed_out_again():
    a = workspace.empty(BIG)
    b = workspace.empty(BIG)
    assert not np.shares_memory(a, b)


def test_a_view_keeps_the_block_in_use():
    a = workspace.empty(BIG)
    a.fill(7.0)
    view = a.T[::2]
    del a
    b = workspace.zeros(BIG)
    assert not np.shares_memory(view, b)
    assert (view == 7.0).all()


def test_a_freed_block_is_reused():
    a = workspace.empty(BIG)
    address = a.__array_interface__["data"][0]
    del a
    assert workspace.empty(BIG).__array_interface__["data"][0] == address
    assert workspace.cached_bytes() == 4 * BIG[0] * BIG[1]


def test_small_arrays_and_arrays_past_the_limit_are_plain(monkeypatch):
    workspace.empty((4, 4))
    assert workspace.cached_bytes() == 0
    monkeypatch.setattr(workspace, "LIMIT_BYTES", 0)
    a = workspace.empty(BIG)
    assert a.shape == BIG and workspace.cached_bytes() == 0


def test_empty_like_keeps_the_memory_layout():
    batch_last = np.zeros((16, 14, 14, 64), np.float32).transpose(3, 0, 1, 2)   # (N, C, H, W) view
    out = workspace.empty_like(batch_last)
    assert out.shape == batch_last.shape and out.strides == batch_last.strides
    assert workspace.empty_like(batch_last, bool).dtype == bool


def test_threads_never_share_a_block():
    blocks, barrier = [], threading.Barrier(4)

    def take():
        barrier.wait()
        blocks.append(workspace.empty(BIG))
    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not any(np.shares_memory(a, b) for i, a in enumerate(blocks) for b in blocks[i + 1:])


def test_outputs_kept_across_steps_stay_intact():
    # a CNN's outputs and gradients come from the workspace: an output the user keeps
    # must not change when later steps run (its block is in use, so never reused)
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((32, 3, 32, 32)).astype(np.float32))   # 4 MiB maps
    w = Tensor(rng.standard_normal((16, 3, 3, 3)).astype(np.float32), requires_grad=True)
    kept = max_pool2d(conv2d(x, w, padding=1).relu(), 2)
    snapshot = kept.data.copy()
    for _ in range(3):
        out = max_pool2d(conv2d(Tensor(rng.standard_normal(x.shape).astype(np.float32)), w, padding=1).relu(), 2)
        out.sum().backward()
    np.testing.assert_array_equal(kept.data, snapshot)
