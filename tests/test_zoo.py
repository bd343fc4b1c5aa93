"""The shipped pretrained backbone: checked by SHA-256 before loading, and it still classifies."""
import shutil

import numpy as np
import pytest

from microdl import Tensor, zoo
from microdl.data import DatasetNotFoundError, fashion_mnist


def test_the_shipped_weights_are_small_float32_arrays_without_pickles():
    path = zoo.FASHION_BACKBONE_FILE
    assert path.stat().st_size < 1_000_000
    with np.load(path, allow_pickle=False) as stored:
        assert stored.files and all(stored[name].dtype == np.float32 for name in stored.files)


def test_the_backbone_maps_images_to_frozen_features():
    backbone = zoo.fashion_backbone()
    features = backbone(Tensor(np.zeros((2, 1, 28, 28), np.float32)))
    assert features.shape == (2, zoo.FEATURES)
    assert all(not p.requires_grad for p in backbone.parameters())
    assert all(p.requires_grad for p in zoo.fashion_backbone(frozen=False).parameters())
    classifier = zoo.fashion_backbone(head=True)
    assert classifier(Tensor(np.zeros((1, 1, 28, 28), np.float32))).shape == (1, len(zoo.FASHION_BACKBONE_CLASSES))


def test_a_corrupted_copy_is_refused(tmp_path):
    copy = tmp_path / "fashion_backbone.npz"
    shutil.copy(zoo.FASHION_BACKBONE_FILE, copy)
    assert len(zoo.fashion_backbone(path=copy)) == 7   # the intact copy loads
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF                       # one byte flipped, deep inside the weights
    copy.write_bytes(bytes(data))
    with pytest.raises(zoo.WeightsError, match=f"SHA-256 .*expected {zoo.FASHION_BACKBONE_SHA256}"):
        zoo.fashion_backbone(path=copy)


def test_a_missing_file_says_how_to_get_it_back(tmp_path):
    with pytest.raises(zoo.WeightsError, match="missing.*pretrain_backbone.py"):
        zoo.fashion_backbone(path=tmp_path / "nowhere.npz")


def test_the_backbone_reaches_its_recorded_accuracy_on_real_test_images():
    try:
        X, y = fashion_mnist("test", download=False)
    except DatasetNotFoundError as error:
        pytest.skip(f"Fashion-MNIST is not installed: {error}")
    keep = np.flatnonzero(np.isin(y, zoo.FASHION_BACKBONE_CLASSES))[:1000]
    model = zoo.fashion_backbone(head=True)
    predicted = model(Tensor(X[keep])).data.argmax(axis=1)
    accuracy = float((predicted == y[keep]).mean())
    # the same 1,000 images as benchmarks/pretrain_backbone.py; a BLAS may flip a borderline image
    assert accuracy == pytest.approx(zoo.FASHION_BACKBONE_ACCURACY, abs=0.003)
    assert accuracy > 0.8   # far above chance (1/7): the weights are the trained ones
