"""read_idx on files built to exhaust memory or to hang: refused from the header, before
the data is read, with an IDXError that names the file; memory stays near the declared size."""
import gzip
import os
import tracemalloc

import numpy as np
import pytest

from microdl.data.idx import IDXError, read_idx, write_idx

MiB = 2 ** 20


def idx_header(code, shape):
    return bytes([0, 0, code, len(shape)]) + np.array(shape, ">u4").tobytes()


def gzip_of(path, header, data=b"", zeros=0):
    """Write header + data + `zeros` zero bytes, gzipped as a stream (never all in memory)."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(header + data)
        chunk = bytes(MiB)
        for start in range(0, zeros, MiB):
            out.write(chunk[:zeros - start])
    return path


def peak_while(function, *args):
    """(the exception function raised, the peak of traced memory while it ran)."""
    tracemalloc.start()
    try:
        with pytest.raises(IDXError) as error:
            function(*args)
        return error.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_gzip_bomb_behind_a_small_header_is_not_decompressed(tmp_path):
    path = gzip_of(tmp_path / "bomb-idx1-ubyte.gz", idx_header(0x08, (10,)), bytes(10), zeros=64 * MiB)
    assert path.stat().st_size < MiB  # 64 MiB of zeros compress ~1000:1
    error, peak = peak_while(read_idx, path)
    assert "longer than its header says" in str(error) and str(path) in str(error)
    assert peak < 4 * MiB  # decompressing it all used to take 64 MiB (a 1 MB bomb: 2 GB)


def test_a_header_declaring_more_than_the_gzip_file_can_hold(tmp_path):
    path = gzip_of(tmp_path / "liar.gz", idx_header(0x0E, (1000, 1000, 1000)), bytes(64))
    error, peak = peak_while(read_idx, path)
    assert "8,000,000,000 data bytes" in str(error) and "holds at most" in str(error)
    assert peak < MiB


def test_an_uncompressed_header_declaring_more_than_the_file_holds(tmp_path):
    path = tmp_path / "liar-idx3"
    path.write_bytes(idx_header(0x08, (60000, 280, 280)) + bytes(100))
    error, peak = peak_while(read_idx, path)
    assert "truncated" in str(error) and "found 100" in str(error)
    assert peak < MiB


def test_dimensions_whose_product_overflows_int64(tmp_path):
    path = tmp_path / "overflow-idx3"
    path.write_bytes(idx_header(0x08, (2 ** 32 - 1,) * 3))
    with pytest.raises(IDXError, match=f"{path}.*more than any array can hold"):
        read_idx(path)


def test_255_dimensions(tmp_path):
    path = tmp_path / "many-dims"
    path.write_bytes(idx_header(0x08, (1,) * 255) + b"\x07")
    with pytest.raises(IDXError, match=f"{path}: the header declares 255 dimensions"):
        read_idx(path)


def test_a_folder_a_fifo_and_a_link_to_dev_zero_are_refused(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(IDXError, match="is a folder, not a regular file"):
        read_idx(tmp_path / "folder")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        with pytest.raises(IDXError, match=r"named pipe \(FIFO\)"):  # and does not block
            read_idx(tmp_path / "pipe")
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero").symlink_to("/dev/zero")
        with pytest.raises(IDXError, match=r"symbolic link to /dev/zero\) is a character device"):
            read_idx(tmp_path / "zero")


def test_garbage_after_the_gzip_stream(tmp_path):
    write_idx(tmp_path / "ok.gz", np.arange(12, dtype=np.uint8))
    path = tmp_path / "tail.gz"
    path.write_bytes((tmp_path / "ok.gz").read_bytes() + b"garbage")
    with pytest.raises(IDXError, match=f"{path}: starts like a gzip file but cannot be decompressed"):
        read_idx(path)


def test_a_real_sized_file_costs_its_size_once(tmp_path):
    """The result is the only big allocation (no gunzipped copy, no byte-swapped copy):
    its size plus a few MiB of read buffers."""
    images = np.random.default_rng(0).integers(0, 256, (6000, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "images.gz", images)
    write_idx(tmp_path / "wide.gz", images.astype(np.int32))
    for name, size in [("images.gz", images.nbytes), ("wide.gz", images.nbytes * 4)]:
        tracemalloc.start()
        try:
            array = read_idx(tmp_path / name)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        np.testing.assert_array_equal(array, images)
        assert array.dtype.isnative and array.flags.writeable
        assert peak < size + 3 * MiB
