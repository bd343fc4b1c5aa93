"""pytest setup: tests import their shared helpers from this folder; plots are headless."""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))
