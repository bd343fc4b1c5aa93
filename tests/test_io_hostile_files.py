"""Files that are not checkpoints, and checkpoints built to exhaust memory: one clear
CheckpointError each, the model unchanged, and memory that stays small."""
import os
import stat
import tracemalloc
import zipfile

import numpy as np
import pytest

from microdl import io, nn


def model():
    return nn.Sequential(nn.Linear(4, 3, seed=0))


def snapshot(module):
    return {key: value.tobytes() for key, value in module.state_dict().items()}


def peak_bytes_while_refused(path, match):
    """refused(path, match), and the peak bytes Python allocated meanwhile (tracemalloc)."""
    tracemalloc.start()
    try:
        refused(path, match)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(path, match):
    """Load `path` into a fresh model: a CheckpointError matching `match`, nothing changed."""
    target = model()
    before = snapshot(target)
    with pytest.raises(io.CheckpointError, match=match):
        io.load(target, path)
    assert snapshot(target) == before


def write_npy_entry(archive, name, shape, dtype="<f4", data=b"", fill_bytes=0):
    """Add `name.npy` with a header declaring `shape`, then `data` and `fill_bytes` zeros."""
    with archive.open(name + ".npy", "w", force_zip64=True) as entry:
        np.lib.format.write_array_header_1_0(
            entry, {"descr": dtype, "fortran_order": False, "shape": shape})
        entry.write(data)
        chunk = bytes(1 << 20)
        for start in range(0, fill_bytes, len(chunk)):
            entry.write(chunk[:fill_bytes - start])


def test_a_truncated_checkpoint(tmp_path):
    whole = io.save(model(), tmp_path / "whole.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(whole[:len(whole) // 2])
    refused(tmp_path / "cut.npz", r"cut.npz is not a microdl checkpoint.*zip file that is truncated")


def test_a_single_npy_array(tmp_path):
    np.save(tmp_path / "weights.npy", np.zeros((3, 4)))
    refused(tmp_path / "weights.npy", r"a single NumPy array \(.npy.*microdl.io.save")


def test_a_text_file_is_called_a_text_file(tmp_path):
    (tmp_path / "notes.npz").write_text("these are not weights\n")
    refused(tmp_path / "notes.npz", r"a text file \(it starts with 'these are not weights")


def test_an_empty_file(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    refused(tmp_path / "empty.npz", r"empty \(0 bytes\)")


def test_a_zip_of_something_else(tmp_path):
    with zipfile.ZipFile(tmp_path / "model.pt", "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x04N.")
    refused(tmp_path / "model.pt", r"holds 'archive/data.pkl', which is not a NumPy array")


def test_a_folder_a_fifo_and_a_link_to_dev_zero_are_not_read(tmp_path):
    (tmp_path / "folder.npz").mkdir()
    refused(tmp_path / "folder.npz", "is a folder, not a regular file")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.npz")
        refused(tmp_path / "pipe.npz", r"is a named pipe \(FIFO\)")  # and does not hang
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.npz").symlink_to("/dev/zero")
        refused(tmp_path / "zero.npz", r"a symbolic link to /dev/zero\) is a character device")


def test_an_extra_entry_declaring_10_to_the_12_elements_is_never_allocated(tmp_path):
    io.save(model(), tmp_path / "huge.npz")
    with zipfile.ZipFile(tmp_path / "huge.npz", "a") as archive:
        write_npy_entry(archive, "extra", (10 ** 12,), data=bytes(16))
    assert peak_bytes_while_refused(tmp_path / "huge.npz", "unexpected extra") < 4 * 2 ** 20


def test_a_wrong_shaped_256_mib_entry_is_refused_from_its_header(tmp_path):
    path = tmp_path / "big.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        write_npy_entry(archive, "0.weight", (2 ** 26,), fill_bytes=2 ** 28)  # 256 MiB of float32
        write_npy_entry(archive, "0.bias", (3,), data=bytes(12))
    assert path.stat().st_size < 2 ** 21  # zeros compress ~1000:1
    expected = r"0.weight has shape \(67108864,\), the model expects \(3, 4\)"
    assert peak_bytes_while_refused(path, expected) < 4 * 2 ** 20  # reading it would need 256 MiB


def test_an_entry_whose_data_is_cut_short(tmp_path):
    path = tmp_path / "short.npz"
    with zipfile.ZipFile(path, "w") as archive:
        write_npy_entry(archive, "0.weight", (3, 4), data=bytes(20))  # needs 48 bytes
        write_npy_entry(archive, "0.bias", (3,), data=bytes(12))
    refused(path, "the entry 0.weight is damaged")


@pytest.mark.skipif(not hasattr(os, "umask"), reason="no umask on this system")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_checkpoint_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = io.save(model(), tmp_path / "m.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def test_re_saving_keeps_the_files_mode(tmp_path):
    path = io.save(model(), tmp_path / "shared.npz")
    for mode in (0o644, 0o640, 0o604):
        path.chmod(mode)
        io.save(model(), path)
        assert stat.S_IMODE(path.stat().st_mode) == mode


def test_an_entry_whose_header_declares_gigabytes(tmp_path):
    """A .npy 2.0 header may declare up to 4 GiB of header: refused before it is read."""
    path = tmp_path / "header-bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("0.weight.npy", "w", force_zip64=True) as entry:
            entry.write(b"\x93NUMPY\x02\x00" + (2 ** 31).to_bytes(4, "little"))
            for _ in range(64):
                entry.write(bytes(2 ** 20))
        write_npy_entry(archive, "0.bias", (3,), data=bytes(12))
    expected = r"the entry 0.weight is not a readable NumPy array \(its header declares 2,147,483,648"
    assert peak_bytes_while_refused(path, expected) < 4 * 2 ** 20


def test_a_long_text_file_cut_inside_a_character_is_still_text(tmp_path):
    (tmp_path / "notes.npz").write_text("é" * 1000, encoding="utf-8")  # 2 bytes each: byte 512 splits one
    (tmp_path / "notes.npz").write_bytes(b"x" + (tmp_path / "notes.npz").read_bytes())
    refused(tmp_path / "notes.npz", r"a text file \(it starts with 'xééé")


def test_an_encrypted_entry(tmp_path):
    path = io.save(model(), tmp_path / "locked.npz")
    data = bytearray(path.read_bytes())
    for signature, flag_offset in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)]:  # local and central headers
        start = data.find(signature)
        while start >= 0:
            data[start + flag_offset] |= 1  # general purpose flag bit 0: "encrypted"
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    refused(path, "cannot be opened .*encrypted")
