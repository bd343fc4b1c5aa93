"""IDX files (MNIST's format): round trips, gzip detection, and an error for each kind of damage."""
import gzip

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from microdl.data.idx import IDXError, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@settings(max_examples=40, deadline=None)
@given(array=hnp.arrays(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)),
       gz=st.booleans())
def test_round_trip(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)  # NaN == NaN here, bit patterns survive


def test_mnist_like_header_and_big_endian_data(tmp_path):
    path = tmp_path / "labels-idx1-int"
    write_idx(path, np.array([1, 256], dtype=np.int32))
    assert path.read_bytes() == bytes([0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 1, 0])


def test_gzip_is_detected_by_its_magic_bytes_not_the_name(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    write_idx(tmp_path / "x.gz", array)
    (tmp_path / "no-suffix").write_bytes((tmp_path / "x.gz").read_bytes())
    (tmp_path / "raw.gz").write_bytes(gzip.decompress((tmp_path / "x.gz").read_bytes()))
    np.testing.assert_array_equal(read_idx(tmp_path / "no-suffix"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "raw.gz"), array)


def test_the_result_is_writable_and_native_endian(tmp_path):
    write_idx(tmp_path / "f", np.ones((2, 2), np.float32))
    back = read_idx(tmp_path / "f")
    back[0, 0] = 5
    assert back.dtype.isnative


def _raw(tmp_path, data, name="bad"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path):
    with pytest.raises(IDXError, match="empty"):
        read_idx(_raw(tmp_path, b""))


def test_wrong_magic_number_says_what_was_found_and_expected(tmp_path):
    with pytest.raises(IDXError, match=r"0x50 0x4B.*expected 0x00 0x00"):
        read_idx(_raw(tmp_path, b"PK\x03\x04 a zip file"))


def test_unknown_type_code(tmp_path):
    with pytest.raises(IDXError, match="unknown IDX type code 0x07"):
        read_idx(_raw(tmp_path, bytes([0, 0, 7, 1, 0, 0, 0, 1, 9])))


def test_too_short_for_a_magic_number(tmp_path):
    with pytest.raises(IDXError, match="too short"):
        read_idx(_raw(tmp_path, b"\x00\x00"))


def test_truncated_header(tmp_path):
    with pytest.raises(IDXError, match="header is truncated: 3 dimensions need 16"):
        read_idx(_raw(tmp_path, bytes([0, 0, 8, 3, 0, 0, 0, 2])))


def test_truncated_data_says_bytes_expected_and_found(tmp_path):
    write_idx(tmp_path / "full", np.zeros((10, 4, 4), np.uint8))
    data = (tmp_path / "full").read_bytes()
    with pytest.raises(IDXError, match=r"truncated.*\(10, 4, 4\).*160 data bytes.*found 100"):
        read_idx(_raw(tmp_path, data[:16 + 100]))


def test_extra_bytes_are_a_size_mismatch(tmp_path):
    write_idx(tmp_path / "full", np.zeros(3, np.int16))
    with pytest.raises(IDXError, match="longer than its header says.*6 data bytes.*found 7"):
        read_idx(_raw(tmp_path, (tmp_path / "full").read_bytes() + b"\x00"))


def test_truncated_gzip_stream(tmp_path):
    write_idx(tmp_path / "full.gz", np.arange(1000, dtype=np.int32))
    data = (tmp_path / "full.gz").read_bytes()
    with pytest.raises(IDXError, match="gzip stream is truncated"):
        read_idx(_raw(tmp_path, data[: len(data) // 2]))


def test_corrupt_gzip_stream(tmp_path):
    with pytest.raises(IDXError, match="cannot be decompressed"):
        read_idx(_raw(tmp_path, b"\x1f\x8b\x08\x00" + b"\xff" * 40))


def test_idx_error_is_a_value_error():
    assert issubclass(IDXError, ValueError)


@pytest.mark.parametrize("array, match", [
    (np.zeros(3, np.int64), "cannot store dtype int64.*astype"),
    (np.zeros(3, bool), "cannot store dtype bool"),
    (np.float32(1.0), r"1 to 255 dimensions.*shape \(\)"),
])
def test_write_refuses_what_idx_cannot_hold(tmp_path, array, match):
    with pytest.raises(IDXError, match=match):
        write_idx(tmp_path / "x", array)
