"""The IDX file format of MNIST: read one into a NumPy array, write one from an array.

An IDX file is a 4-byte magic number, the sizes of the dimensions, then the data:

    bytes 0-1   0x00 0x00
    byte  2     the element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte  3     the number of dimensions, ndim
    then        ndim sizes, each a big-endian uint32
    then        the elements, big-endian, in C order (the last index changes fastest)

MNIST's `train-images-idx3-ubyte` is uint8 with 3 dimensions (60000, 28, 28). Files are
often gzipped; `read_idx` sees that from the gzip magic bytes, whatever the name.

>>> import tempfile, os, numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx2-ubyte.gz")
>>> write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
>>> read_idx(path)
array([[0, 1, 2],
       [3, 4, 5]], dtype=uint8)
"""
import gzip
import math
import os
import zlib

import numpy as np

from ..regular_file import open_regular_file

__all__ = ["read_idx", "write_idx", "IDXError"]

GZIP_MAGIC = b"\x1f\x8b"
MAX_DIMENSIONS = 32      # NumPy arrays hold at most 32 (NumPy 1) or 64 (NumPy 2) dimensions
READ_CHUNK = 1 << 20      # bytes per read: bounds the temporary copies of a gzip stream
MAX_DEFLATE_RATIO = 1032  # the most one compressed byte can expand to in deflate (gzip's method)

# IDX type code -> big-endian NumPy dtype
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXError(ValueError):
    """An IDX file whose bytes do not make sense: bad magic number, type code or size."""


def read_idx(path):
    """The array stored in the IDX file at `path` (gzipped or not), in native byte order.

    The header is read first, from the first bytes (a gzip file is decompressed as a
    stream), and never more data than the header declares is read: a truncated file, a
    file longer than its header says, a gzip bomb or a header declaring more than the file
    can hold is an IDXError naming the file, and memory stays at the declared size."""
    with open_regular_file(path, IDXError) as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            raise IDXError(f"{path}: the file is empty (0 bytes); it may be a failed download - "
                           f"delete it and fetch it again")
        compressed = file.read(2) == GZIP_MAGIC
        file.seek(0)
        with (gzip.GzipFile(fileobj=file, mode="rb") if compressed else file) as stream:
            return _read_stream(stream, path, size, compressed)


def _read_stream(stream, path, size, compressed):
    try:
        dtype, shape, offset = _read_header(stream, path)
        count = _element_count(shape, path)
        expected = count * dtype.itemsize
        _check_size_possible(expected, offset, size, compressed, shape, dtype, path)
        array = np.empty(count, dtype)  # the declared size, no more: pages fill as data arrives
        found = _read_into(stream, array.view(np.uint8))
        longer = found == expected and stream.read(1) != b""  # one byte more is enough to know
    except EOFError:
        raise IDXError(f"{path}: the gzip stream is truncated ({size:,} bytes); the download "
                       f"was probably interrupted - delete the file and fetch it again") from None
    except (OSError, zlib.error) as error:
        if not compressed:
            raise
        raise IDXError(f"{path}: starts like a gzip file but cannot be decompressed ({error})") from None
    if found < expected or longer:
        raise IDXError(_size_mismatch(path, shape, dtype, offset, found if found < expected else
                                      f"more than that (the extra bytes are not read)"))
    if not dtype.isnative:
        array = array.byteswap(inplace=True).view(dtype.newbyteorder("="))  # no copy
    return array.reshape(shape)


def _read_into(stream, buffer):
    """Fill `buffer` from `stream`; how many bytes it got before the stream ended. In
    chunks: a gzip stream decompresses each readinto into a temporary bytes object first."""
    view, got = memoryview(buffer), 0
    while got < len(view):
        n = stream.readinto(view[got:got + READ_CHUNK])
        if not n:
            break
        got += n
    return got


def _read_header(stream, path):
    """(big-endian dtype, shape, offset of the first element) from the magic number and sizes."""
    magic = bytearray(4)
    got = _read_into(stream, magic)
    if got < 4:
        raise IDXError(f"{path}: only {got} bytes, too short for the 4-byte IDX magic number")
    if magic[0] != 0 or magic[1] != 0:
        raise IDXError(f"{path}: not an IDX file: the magic number starts with "
                       f"0x{magic[0]:02X} 0x{magic[1]:02X}, expected 0x00 0x00 (then type code, ndim)")
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} {d.name}" for c, d in IDX_DTYPES.items())
        raise IDXError(f"{path}: unknown IDX type code 0x{code:02X} in the magic number; known: {known}")
    if ndim > MAX_DIMENSIONS:
        raise IDXError(f"{path}: the header declares {ndim} dimensions; microdl reads IDX files of "
                       f"at most {MAX_DIMENSIONS} (MNIST's images have 3): not an IDX file microdl can use")
    sizes = bytearray(4 * ndim)
    got = _read_into(stream, sizes)
    if got < len(sizes):
        raise IDXError(f"{path}: the header is truncated: {ndim} dimensions need {4 + len(sizes)} "
                       f"header bytes, the file has {4 + got}")
    shape = tuple(int(s) for s in np.frombuffer(bytes(sizes), dtype=">u4"))
    return IDX_DTYPES[code], shape, 4 + len(sizes)


def _element_count(shape, path):
    """How many elements `shape` holds, as a Python int (exact, no int64 overflow)."""
    count = math.prod(shape)
    if count > np.iinfo(np.int64).max:
        raise IDXError(f"{path}: the header declares dimensions {shape}, {count:,} elements in all, "
                       f"more than any array can hold: the header is corrupt")
    return count


def _check_size_possible(expected, offset, size, compressed, shape, dtype, path):
    """Refuse, before reading, data sizes this file cannot hold (no allocation for a lie)."""
    if compressed:
        # deflate expands at most ~1032:1, so a gzip file of `size` bytes holds no more than this
        most = MAX_DEFLATE_RATIO * size
        if expected > most:
            raise IDXError(f"{path}: the header declares shape {shape} of {dtype.name}, {expected:,} "
                           f"data bytes, but a {size:,}-byte gzip file holds at most {most:,}: the "
                           f"file is truncated or its header is wrong - delete it and fetch it again")
    elif size - offset != expected:
        raise IDXError(_size_mismatch(path, shape, dtype, offset, size - offset))


def _size_mismatch(path, shape, dtype, offset, found):
    expected = math.prod(shape) * dtype.itemsize
    problem = "truncated" if isinstance(found, int) and found < expected else "longer than its header says"
    found = f"{found:,}" if isinstance(found, int) else found
    return (f"{path}: the file is {problem}: shape {shape} of {dtype.name} needs {expected:,} data "
            f"bytes after the {offset}-byte header, found {found}")


def write_idx(path, array):
    """Write `array` as an IDX file at `path`; gzipped when the name ends with '.gz'."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
    dtype = array.dtype.newbyteorder("=")
    if dtype not in codes:
        names = ", ".join(d.name for d in codes)
        raise IDXError(f"write_idx: IDX cannot store dtype {array.dtype}; convert with "
                       f".astype(...) to one of: {names}")
    if not 1 <= array.ndim <= 255:
        raise IDXError(f"write_idx: IDX stores 1 to 255 dimensions, got an array of shape {array.shape}")
    header = bytes([0, 0, codes[dtype], array.ndim]) + np.array(array.shape, ">u4").tobytes()
    data = header + np.ascontiguousarray(array, dtype=IDX_DTYPES[codes[dtype]]).tobytes()
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)  # mtime=0: the same array gives the same bytes
    with open(path, "wb") as f:
        f.write(data)
