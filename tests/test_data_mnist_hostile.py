"""MNIST files that are wrong in quieter ways: altered after download, odd labels or pixels,
a $MICRODL_DATA that cannot hold a download. Each is a clear error naming the file."""
import dataclasses
import hashlib
import io
import json
import os
import stat
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from offline_data import isolated  # noqa: F401  (autouse: no network, no system data)

from microdl.data import download, verified
from microdl.data.idx import IDXError, write_idx
from microdl.data.mnist import DATASETS, ChecksumError, DatasetNotFoundError, mnist

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")


def write_split(folder, images=None, labels=None, n=6):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) if images is None else images
    labels = rng.integers(0, 10, len(images)).astype(np.uint8) if labels is None else labels
    write_idx(folder / NAMES[0], images)
    write_idx(folder / NAMES[1], labels)
    return images, labels


def make_official(monkeypatch, folder):
    """Pretend the files in `folder` are the official MNIST files (their hashes written down)."""
    info = DATASETS["mnist"]
    files = {name: ((folder / name).stat().st_size, hashlib.sha256((folder / name).read_bytes()).hexdigest())
             for name in NAMES}
    monkeypatch.setitem(DATASETS, "mnist", dataclasses.replace(info, files={**info.files, **files}))


def count_hashing(monkeypatch):
    hashed = []
    real = verified.sha256_of
    monkeypatch.setattr(verified, "sha256_of", lambda file: hashed.append(Path(file).name) or real(file))
    return hashed


# ---- a cached file altered after it was checked ------------------------------------------

def test_an_official_file_altered_later_is_refused_until_it_is_replaced(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    write_split(folder)
    make_official(monkeypatch, folder)
    mnist(path=folder, download=False)  # hashed once: official
    labels = folder / NAMES[1]
    write_idx(labels, np.full(6, 3, np.uint8))  # altered: new bytes, a later mtime
    os.utime(labels, ns=(labels.stat().st_atime_ns, labels.stat().st_mtime_ns + 10 ** 9))
    for _ in range(2):  # and still refused the second time: the record keeps the official hash
        with pytest.raises(ChecksumError, match=f"{labels} has changed since microdl checked it.*"
                                                f"Delete it and load the data set again"):
            mnist(path=folder, download=False)
    write_split(folder)  # the official bytes back: fine again
    assert mnist(path=folder, download=False)[0].shape == (6, 1, 28, 28)


def test_files_are_hashed_once_then_trusted_by_size_and_mtime(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    write_split(folder)
    make_official(monkeypatch, folder)
    hashed = count_hashing(monkeypatch)
    mnist(path=folder, download=False)
    assert sorted(hashed) == sorted(NAMES)
    mnist(path=folder, download=False)
    assert len(hashed) == 2  # nothing hashed the second time
    os.utime(folder / NAMES[0], ns=(0, 10 ** 18))  # touched, not changed: hashed again, still fine
    mnist(path=folder, download=False)
    assert hashed[2:] == [NAMES[0]]


def test_a_fresh_download_is_not_hashed_again_on_load(tmp_path, monkeypatch):
    served = tmp_path / "served"
    write_split(served, n=8)
    make_official(monkeypatch, served)

    def urlopen(url, *args, **kwargs):
        response = io.BytesIO((served / url.rsplit("/", 1)[1]).read_bytes())
        response.headers = {}
        return response
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    hashed = count_hashing(monkeypatch)
    assert mnist(path=tmp_path / "here", progress=False)[0].shape == (8, 1, 28, 28)
    assert hashed == []  # checked while downloading, and remembered


def test_own_files_that_are_not_the_official_ones_still_load(tmp_path):
    images, labels = write_split(tmp_path / "mine")  # hashes differ from the real MNIST's
    X, y = mnist(path=tmp_path / "mine", download=False)
    assert y.tolist() == labels.tolist()
    write_idx(tmp_path / "mine" / NAMES[1], (labels + 1) % 10)  # changing one's own file is fine
    assert mnist(path=tmp_path / "mine", download=False)[1].tolist() == ((labels + 1) % 10).tolist()


# ---- labels and pixels -------------------------------------------------------------------

def test_float_labels_must_be_whole_numbers(tmp_path):
    write_split(tmp_path / "a", labels=np.array([1.5, 2, 3, 4, 5, 6], np.float32))
    with pytest.raises(IDXError, match=r"labels must be whole class numbers, found 1.5 in .*labels"):
        mnist(path=tmp_path / "a", download=False)
    write_split(tmp_path / "b", labels=np.array([1, 2, 3, 4, 5, np.nan], np.float64))
    with pytest.raises(IDXError, match="found nan"):
        mnist(path=tmp_path / "b", download=False)
    write_split(tmp_path / "c", labels=np.array([1, 2, 3, 4, 5, 6], np.float32))
    y = mnist(path=tmp_path / "c", download=False)[1]
    assert y.dtype == np.int64 and y.tolist() == [1, 2, 3, 4, 5, 6]


def test_pixels_outside_both_conventions_are_refused(tmp_path):
    pixels = np.zeros((6, 28, 28), np.int32)
    pixels[0, 0, 0] = 1000
    write_split(tmp_path / "a", images=pixels)
    with pytest.raises(IDXError, match=r"pixels must be 0..255 .*found 0..1000 \(int32\) in .*images"):
        mnist(path=tmp_path / "a", download=False)
    pixels[0, 0, 0] = -1
    write_split(tmp_path / "b", images=pixels)
    with pytest.raises(IDXError, match="found -1..0"):
        mnist(path=tmp_path / "b", download=False)


def test_pixels_in_either_convention_load_into_0_1(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, (6, 28, 28))
    write_split(tmp_path / "int32", images=images.astype(np.int32))
    write_split(tmp_path / "floats255", images=images.astype(np.float32))
    write_split(tmp_path / "floats01", images=(images / 255).astype(np.float32))
    for folder in ("int32", "floats255", "floats01"):
        X = mnist(path=tmp_path / folder, download=False)[0]
        np.testing.assert_allclose(X[:, 0], images / 255, rtol=1e-6, err_msg=folder)


def test_images_must_be_28_by_28(tmp_path):
    write_split(tmp_path / "small", images=np.zeros((6, 5, 5), np.uint8))
    with pytest.raises(IDXError, match=r"images must be 28x28 pixels, found 5x5 in .*images"):
        mnist(path=tmp_path / "small", download=False)


# ---- where a download cannot go ----------------------------------------------------------

def test_microdl_data_pointing_at_a_file(tmp_path, monkeypatch):
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("MICRODL_DATA", str(tmp_path / "not-a-folder"))
    with pytest.raises(DatasetNotFoundError,
                       match=r"(?s)cannot create this folder: .*not-a-folder is a file, not a folder.*To fix it"):
        mnist(progress=False)


def test_a_read_only_microdl_data_without_mnist(tmp_path, monkeypatch):
    root = tmp_path / "read-only"
    root.mkdir()
    monkeypatch.setenv("MICRODL_DATA", str(root))
    if os.geteuid() == 0:  # root writes anywhere: refuse the mkdir the way a read-only folder does
        def refuse(self, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(self))
        monkeypatch.setattr(Path, "mkdir", refuse)
    else:
        root.chmod(0o555)
    try:
        with pytest.raises(DatasetNotFoundError, match=r"(?s)cannot create this folder \(Permission denied"
                                                       r".*download these files by hand"):
            mnist(progress=False)
    finally:
        root.chmod(0o755)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_a_downloaded_file_follows_the_umask(tmp_path, monkeypatch, umask, mode):
    data = b"the official bytes"

    def urlopen(url, *args, **kwargs):
        response = io.BytesIO(data)
        response.headers = {}
        return response
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    old = os.umask(umask)
    try:
        download.download_file("https://example.org/f", tmp_path / "f", hashlib.sha256(data).hexdigest(),
                               progress=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == mode


def test_a_cache_that_cannot_be_written_only_means_hashing_again(tmp_path, monkeypatch):
    (tmp_path / "cache-is-a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-is-a-file"))
    folder = tmp_path / "data"
    write_split(folder)
    make_official(monkeypatch, folder)
    hashed = count_hashing(monkeypatch)
    for _ in range(2):
        assert mnist(path=folder, download=False)[0].shape == (6, 1, 28, 28)
    assert len(hashed) == 4  # no record to trust: each load hashes both files


def test_records_of_deleted_files_are_dropped(tmp_path):
    for name in ("first", "second"):
        write_split(tmp_path / name)
        mnist(path=tmp_path / name, download=False)
    record = tmp_path / "cache" / "microdl" / "verified-files.json"
    assert len(json.loads(record.read_text())) == 4
    for file in (tmp_path / "first").iterdir():
        file.unlink()
    write_idx(tmp_path / "second" / NAMES[1], np.arange(6, dtype=np.uint8))  # a change: rewritten
    mnist(path=tmp_path / "second", download=False)
    assert sorted(Path(key).parent.name for key in json.loads(record.read_text())) == ["second", "second"]
