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
import zlib

import numpy as np

__all__ = ["read_idx", "write_idx", "IDXError"]

GZIP_MAGIC = b"\x1f\x8b"

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
    """The array stored in the IDX file at `path` (gzipped or not), in native byte order."""
    with open(path, "rb") as f:
        raw = f.read()
    if not raw:
        raise IDXError(f"{path}: the file is empty (0 bytes); it may be a failed download - "
                       f"delete it and fetch it again")
    data = _gunzip(raw, path) if raw[:2] == GZIP_MAGIC else raw
    dtype, shape, offset = _parse_header(data, path)
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - offset
    if found != expected:
        problem = "truncated" if found < expected else "longer than its header says"
        raise IDXError(f"{path}: the file is {problem}: shape {shape} of {dtype.name} needs "
                       f"{expected:,} data bytes after the {offset}-byte header, found {found:,}")
    array = np.frombuffer(data, dtype=dtype, offset=offset).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def _gunzip(raw, path):
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise IDXError(f"{path}: the gzip stream is truncated ({len(raw):,} bytes); the download "
                       f"was probably interrupted - delete the file and fetch it again") from None
    except (OSError, zlib.error) as error:
        raise IDXError(f"{path}: starts like a gzip file but cannot be decompressed ({error})") from None


def _parse_header(data, path):
    """(big-endian dtype, shape, offset of the first element) from the magic number and sizes."""
    if len(data) < 4:
        raise IDXError(f"{path}: only {len(data)} bytes, too short for the 4-byte IDX magic number")
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{path}: not an IDX file: the magic number starts with "
                       f"0x{data[0]:02X} 0x{data[1]:02X}, expected 0x00 0x00 (then type code, ndim)")
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X} {d.name}" for c, d in IDX_DTYPES.items())
        raise IDXError(f"{path}: unknown IDX type code 0x{code:02X} in the magic number; known: {known}")
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise IDXError(f"{path}: the header is truncated: {ndim} dimensions need {offset} header "
                       f"bytes, the file has {len(data)}")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    return IDX_DTYPES[code], shape, offset


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
