"""`python -m microdl ...`: see microdl/cli.py."""
import sys

from .cli import main

sys.exit(main())
