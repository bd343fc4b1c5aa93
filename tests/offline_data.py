"""A fixture shared by the data-set tests: no $MICRODL_DATA, a private cache, no system
folders and no network, so a test sees only the files it writes itself.

    from offline_data import isolated   # noqa: F401  (autouse: importing it is enough)
"""
import dataclasses
import urllib.error
import urllib.request

import pytest

from microdl.data.mnist import DATASETS


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No $MICRODL_DATA, a private cache, no system folders, and no network."""
    monkeypatch.delenv("MICRODL_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, info in DATASETS.items():
        monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, system_folders=()))

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("the network is off in tests")
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
