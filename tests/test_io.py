"""Checkpoints: a round trip for both engines, and the refusals."""
import numpy as np
import pytest

from microdl import Tensor, io, nn


def cnn(seed):
    return nn.Sequential(nn.Conv2d(1, 2, 3, seed=seed), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3, seed=seed))


def test_round_trip_tensor_model_with_buffers(tmp_path):
    a, b = cnn(0), cnn(1)
    a.layers[1].running_mean[:] = [1.5, -2.0]
    path = io.save(a, tmp_path / "model.npz")
    io.load(b, path)
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
        assert q.data.dtype == np.float32
    np.testing.assert_array_equal(b.layers[1].running_mean, [1.5, -2.0])


def test_round_trip_scalar_mlp_and_suffix(tmp_path):
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    path = io.save(a, tmp_path / "mlp")
    assert path.name == "mlp.npz"
    io.load(b, path)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert set(np.load(path).files) >= {"L1.N1.w0", "L2.N1.b"}


def test_missing_extra_and_misshaped_entries_are_refused(tmp_path):
    path = io.save(nn.MLP(2, [3, 1]), tmp_path / "small.npz")
    with pytest.raises(io.CheckpointError, match="missing L1.N4.b.*unexpected|missing L1.N4"):
        io.load(nn.MLP(2, [4, 1]), path)
    with pytest.raises(io.CheckpointError, match="unexpected L1.N3"):
        io.load(nn.MLP(2, [2, 1]), path)
    path = io.save(nn.Sequential(nn.Linear(4, 3)), tmp_path / "lin.npz")
    with pytest.raises(io.CheckpointError, match=r"0.weight has shape \(3, 4\), the model expects \(3, 5\)"):
        io.load(nn.Sequential(nn.Linear(5, 3)), path)


def test_pickled_objects_are_never_loaded(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{"0.weight": np.array([{"code": "boom"}], dtype=object), "0.bias": np.zeros(3)})
    with pytest.raises(io.CheckpointError, match="never unpickled"):
        io.load(nn.Sequential(nn.Linear(4, 3)), path)


def test_a_failed_save_leaves_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError):
        io.save(nn.MLP(2, [1]), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        io.load(nn.MLP(2, [1]), "/nonexistent/m.npz")


def test_keys_are_pytorchs_and_old_checkpoints_still_load(tmp_path):
    a = cnn(0)
    a(Tensor(np.random.default_rng(0).normal(size=(4, 1, 4, 4))))   # moves the running statistics
    path = io.save(a, tmp_path / "new.npz")
    assert set(np.load(path).files) == {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"}
    # a checkpoint written before buffers took torch's names (and before num_batches_tracked)
    old = {("buffer:" + k if "running" in k else k): v for k, v in a.state_dict().items()
           if "num_batches" not in k}
    np.savez(tmp_path / "old.npz", **old)
    b = io.load(cnn(1), tmp_path / "old.npz")
    for key, value in a.state_dict().items():
        if "num_batches" not in key:
            np.testing.assert_array_equal(b.state_dict()[key], value, err_msg=key)
