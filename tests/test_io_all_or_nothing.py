"""A checkpoint or state_dict that does not fit changes nothing, and says which entry and why."""
import warnings

import numpy as np
import pytest

from microdl import Tensor, io, nn


def cnn(seed):
    return nn.Sequential(nn.Conv2d(1, 2, 3, seed=seed), nn.BatchNorm2d(2), nn.Flatten(),
                         nn.Linear(8, 3, seed=seed))


def snapshot(model):
    """Every parameter and buffer as (dtype, bytes): equal snapshots are bit-identical."""
    return {key: (value.dtype, value.tobytes()) for key, value in model.state_dict().items()}


def trained_cnn():
    model = cnn(0)
    model(Tensor(np.random.default_rng(0).normal(size=(4, 1, 4, 4))))  # moves running stats
    return model


# (entry to spoil, its bad value, what the error says) - the entry comes last or late,
# so a loader that assigned as it went would already have overwritten the others
BAD_CNN_ENTRIES = [
    ("3.bias", np.array(["a", "b", "c"]), r"3.bias holds text \(dtype <U1\)"),
    ("3.bias", np.array([1 + 2j, 0, 0]), r"3.bias holds complex numbers"),
    ("3.bias", np.array([True, False, True]), r"3.bias holds True/False values"),
    ("3.bias", np.array([1e300, 0.0, 0.0]), r"3.bias holds 1e\+300, too large for the model's float32"),
    ("1.num_batches_tracked", np.array(1.5), r"1.num_batches_tracked holds 1.5, but the model keeps whole numbers"),
    ("1.num_batches_tracked", np.array(np.nan), r"1.num_batches_tracked holds nan"),
    ("1.num_batches_tracked", np.array(1e30), r"1.num_batches_tracked holds values from 1e\+30"),
    ("1.running_var", np.array(["x", "y"]), r"1.running_var holds text"),
]


@pytest.mark.parametrize("key, bad, message", BAD_CNN_ENTRIES)
def test_load_state_dict_refuses_a_bad_entry_and_changes_nothing(key, bad, message):
    source, target = trained_cnn(), cnn(1)
    state = source.state_dict()
    state[key] = bad
    before = snapshot(target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning or overflow warning would fail here
        with pytest.raises(io.CheckpointError, match=message + ".*Nothing was loaded"):
            target.load_state_dict(state)
    assert snapshot(target) == before


@pytest.mark.parametrize("key, bad, message", BAD_CNN_ENTRIES)
def test_io_load_refuses_a_bad_entry_and_changes_nothing(tmp_path, key, bad, message):
    state = trained_cnn().state_dict()
    state[key] = bad
    np.savez(tmp_path / "bad.npz", **state)
    target = cnn(1)
    before = snapshot(target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(io.CheckpointError, match=f"bad.npz.*{message}.*Nothing was loaded"):
            io.load(target, tmp_path / "bad.npz")
    assert snapshot(target) == before


def test_the_scalar_mlp_of_values_is_all_or_nothing_too(tmp_path):
    state = nn.MLP(2, [3, 1], seed=0).state_dict()
    last = list(state)[-1]
    state[last] = np.array("0.5")  # text that float() would happily read
    target = nn.MLP(2, [3, 1], seed=1)
    before = snapshot(target)
    with pytest.raises(io.CheckpointError, match=f"{last} holds text"):
        target.load_state_dict(state)
    np.savez(tmp_path / "mlp.npz", **state)
    with pytest.raises(io.CheckpointError, match=f"{last} holds text"):
        io.load(target, tmp_path / "mlp.npz")
    assert snapshot(target) == before


def test_every_bad_entry_is_named_at_once():
    state = cnn(0).state_dict()
    state["0.weight"] = state["0.weight"].astype(complex)
    state["3.weight"] = np.zeros((2, 2))
    with pytest.raises(io.CheckpointError, match=r"0.weight holds complex.*; 3.weight has shape \(2, 2\)"):
        cnn(1).load_state_dict(state)


def test_an_entry_that_is_not_an_array_at_all():
    state = cnn(0).state_dict()
    state["3.bias"] = [[1.0, 2.0], [3.0]]  # ragged
    target = cnn(1)
    before = snapshot(target)
    with pytest.raises(io.CheckpointError, match="3.bias cannot be read as a NumPy array"):
        target.load_state_dict(state)
    assert snapshot(target) == before


def test_convertible_numbers_still_load():
    """float64 into float32 parameters and an integer-valued float count are fine."""
    source = trained_cnn()
    state = {key: value.astype(np.float64) for key, value in source.state_dict().items()}
    target = cnn(1)
    target.load_state_dict(state)
    for key, value in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[key], value, err_msg=key)
        assert target.state_dict()[key].dtype == value.dtype


def test_a_torch_bfloat16_tensor_is_refused_by_name():
    torch = pytest.importorskip("torch")
    target = nn.Sequential(nn.Linear(2, 1))
    before = snapshot(target)
    state = {"0.weight": torch.zeros(1, 2), "0.bias": torch.zeros(1, dtype=torch.bfloat16)}
    with pytest.raises(io.CheckpointError, match="0.bias cannot be read as a NumPy array"):
        target.load_state_dict(state)
    assert snapshot(target) == before
