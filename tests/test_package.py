"""The package as a whole: light import, version, command line."""
import subprocess
import sys

import microdl


def test_import_does_not_load_plotting_libraries():
    code = ("import sys, microdl; "
            "print(sorted(m for m in ('matplotlib', 'graphviz', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "microdl", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"microdl {microdl.__version__}"
