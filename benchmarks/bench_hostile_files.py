"""Memory on hostile files: how much a data file or checkpoint built to exhaust memory makes
read_idx / io.load grow, next to what its header declares.

Each case is written into a temporary folder, then read in a fresh process of its own
(so one case's peak does not hide another's); the line shows the file's size, the data
its header declares, the growth of the peak resident memory, and what the reader said.
A real Fashion-MNIST file, where installed, is the reference: growth ~ what it declares.

    python benchmarks/bench_hostile_files.py
"""
import gzip
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MiB = 2 ** 20
REAL_IMAGES = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")

MEASURE = """
import resource, sys
from microdl import io, nn
from microdl.data.idx import read_idx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    if sys.argv[1] == "idx":
        read_idx(sys.argv[2])
    else:
        io.load(nn.Sequential(nn.Linear(4, 3)), sys.argv[2])
    said = "read"
except Exception as error:
    said = f"{type(error).__name__}: {error}"
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"{grown:.0f}|{said}")
"""


def idx_header(code, shape):
    return bytes([0, 0, code, len(shape)]) + np.array(shape, ">u4").tobytes()


def gzip_bomb(path, header, zeros):
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(header)
        for _ in range(zeros // MiB):
            out.write(bytes(MiB))


def npz_entry(archive, name, header_dict, zeros=0, raw_header=None):
    with archive.open(name + ".npy", "w", force_zip64=True) as entry:
        if raw_header is None:
            np.lib.format.write_array_header_1_0(entry, header_dict)
        else:
            entry.write(raw_header)
        for _ in range(zeros // MiB):
            entry.write(bytes(MiB))


def write_cases(folder):
    """[(name, reader, path, bytes its header declares)]"""
    gzip_bomb(folder / "bomb.gz", idx_header(0x08, (10,)) + bytes(10), 1024 * MiB)
    gzip_bomb(folder / "liar.gz", idx_header(0x0E, (1000, 1000, 1000)), 0)
    with zipfile.ZipFile(folder / "wrong.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        npz_entry(archive, "0.weight", {"descr": "<f4", "fortran_order": False, "shape": (2 ** 26,)}, 256 * MiB)
        npz_entry(archive, "0.bias", {"descr": "<f4", "fortran_order": False, "shape": (3,)}, 0)
    with zipfile.ZipFile(folder / "extra.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        npz_entry(archive, "huge", {"descr": "<f4", "fortran_order": False, "shape": (10 ** 12,)}, 64 * MiB)
    with zipfile.ZipFile(folder / "header.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        npz_entry(archive, "0.weight", None, 256 * MiB, raw_header=b"\x93NUMPY\x02\x00" + (2 ** 31).to_bytes(4, "little"))
    cases = [("IDX gzip bomb, 1 GiB of zeros behind a (10,) header", "idx", folder / "bomb.gz", 10),
             ("IDX header declaring 8 GB in a tiny gzip", "idx", folder / "liar.gz", 8 * 10 ** 9),
             ("npz with a wrong-shaped 256 MiB entry", "npz", folder / "wrong.npz", 2 ** 28),
             ("npz with an extra entry of 10^12 elements", "npz", folder / "extra.npz", 4 * 10 ** 12),
             ("npz entry whose .npy header declares 2 GiB", "npz", folder / "header.npz", 2 ** 31)]
    if REAL_IMAGES.is_file():
        cases.append(("real Fashion-MNIST train images (reference)", "idx", REAL_IMAGES, 60000 * 28 * 28))
    return cases


def main():
    with tempfile.TemporaryDirectory() as folder:
        cases = write_cases(Path(folder))
        print(f"{'case':<52} {'file':>9} {'declares':>10} {'peak growth':>12}  what the reader said")
        for name, reader, path, declared in cases:
            out = subprocess.run([sys.executable, "-c", MEASURE, reader, str(path)],
                                 capture_output=True, text=True, check=True).stdout.strip()
            grown, said = out.split("|", 1)
            print(f"{name:<52} {path.stat().st_size / MiB:>7.2f}Mi {declared / MiB:>8.0f}Mi "
                  f"{grown:>9} MiB  {said[:90]}")


if __name__ == "__main__":
    main()
