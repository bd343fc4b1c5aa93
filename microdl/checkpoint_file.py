"""Reading an .npz checkpoint entry by entry: each entry's header first, its data only later.

An .npz file is a zip archive of .npy files, one per array, each starting with a small
header that declares its shape and dtype. Reading the headers alone lets io.load refuse a
wrong-shaped 256 MiB entry, or one that declares 10^12 elements, without allocating it;
and a file that is not an .npz at all is described for what it is (a truncated zip, a
single .npy array, a text file, a pickle) instead of failing deep inside NumPy.

Every problem is an UnreadableCheckpoint (a ValueError) whose message names the file.
"""
import codecs
import io
import struct
import zipfile
import zlib
from contextlib import contextmanager

import numpy as np

from .regular_file import open_regular_file

__all__ = ["UnreadableCheckpoint", "open_archive", "entry_headers", "read_entry"]

NPY_MAGIC = b"\x93NUMPY"
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK"
HEADER_LENGTH_FORMATS = {(1, 0): "<H", (2, 0): "<I"}  # .npy version -> how its header length is stored
MAX_HEADER_BYTES = 10_000  # NumPy's own limit for headers it trusts (max_header_size)


class UnreadableCheckpoint(ValueError):
    """The file is not a readable .npz checkpoint; the message says what it is instead."""


@contextmanager
def open_archive(path):
    """`with open_archive(path) as archive:` the checkpoint as a zipfile.ZipFile."""
    with open_regular_file(path, UnreadableCheckpoint) as file:
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, EOFError, OSError):
            file.seek(0)
            raise UnreadableCheckpoint(f"{path} is not a microdl checkpoint (.npz): it is "
                                       f"{describe(file.read(512))}") from None
        with archive:
            yield archive


def describe(start):
    """What a file that starts with these bytes is, and what to do, in words."""
    if not start:
        return "empty (0 bytes); the save was probably interrupted - save the model again"
    if start.startswith(NPY_MAGIC):
        return ("a single NumPy array (.npy, as numpy.save writes), not a checkpoint of named "
                "arrays; save the whole model with microdl.io.save(model, path)")
    if start.startswith(ZIP_MAGIC):
        return ("a zip file that is truncated or damaged (its table of contents cannot be read); "
                "the save or the copy was probably interrupted - save or copy it again")
    if start.startswith(GZIP_MAGIC):
        return "a gzip-compressed file; decompress it first if it holds an .npz"
    if start[:1] == b"\x80":
        return ("a Python pickle (torch.save writes those), which microdl never unpickles; "
                "save the weights with numpy.savez(path, **model.state_dict())")
    if b"\x00" not in start:
        try:  # incremental: the 512 bytes may end inside a character
            text = codecs.getincrementaldecoder("utf-8")().decode(start)
        except UnicodeDecodeError:
            pass
        else:
            return f"a text file (it starts with {text[:40]!r}); give the path of the .npz file"
    return f"not an .npz file (its first bytes are {start[:8]!r})"


def entry_headers(archive, path):
    """{entry name: (shape, dtype)} read from each .npy header, no array data read."""
    headers = {}
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise UnreadableCheckpoint(
                f"{path} holds {info.filename!r}, which is not a NumPy array (.npy): it is not "
                f"an .npz checkpoint written by microdl.io.save or numpy.savez")
        name = info.filename[:-len(".npy")]
        with _opened(archive, info, path) as entry:
            headers[name] = _read_header(entry, name, path)
    return headers


def read_entry(archive, name, path):
    """The array stored under `name` (its header already checked), never unpickling."""
    with _opened(archive, archive.getinfo(name + ".npy"), path) as entry:
        try:
            return np.lib.format.read_array(entry, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            raise UnreadableCheckpoint(f"{path}: the entry {name} is damaged ({error}); the file "
                                       f"is incomplete or corrupted - save the model again") from None


def _opened(archive, info, path):
    try:
        return archive.open(info)
    # NotImplementedError: an unknown compression method; RuntimeError: an encrypted entry
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, zlib.error) as error:
        raise UnreadableCheckpoint(f"{path}: the entry {info.filename} cannot be opened "
                                   f"({error}); save the model again") from None


def _read_header(entry, name, path):
    """(shape, dtype) from one .npy header; Python objects are refused later, unread."""
    try:
        version = np.lib.format.read_magic(entry)
        if version not in HEADER_LENGTH_FORMATS:
            raise ValueError(f".npy format version {version[0]}.{version[1]} is not read by microdl")
        # the header's length is checked before the header is read: NumPy would read as
        # many bytes as it declares (up to 4 GiB, decompressed from a tiny zip entry)
        length_bytes = entry.read(struct.calcsize(HEADER_LENGTH_FORMATS[version]))
        (length,) = struct.unpack(HEADER_LENGTH_FORMATS[version], length_bytes)
        if length > MAX_HEADER_BYTES:
            raise ValueError(f"its header declares {length:,} bytes, a real one has a few hundred")
        header = io.BytesIO(length_bytes + entry.read(length))
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read(header)
    except (ValueError, struct.error, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise UnreadableCheckpoint(f"{path}: the entry {name} is not a readable NumPy array "
                                   f"({error}); the file is damaged - save the model again") from None
    return shape, dtype
