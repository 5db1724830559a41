"""Fixtures of the resolution tests: the WFB profile parser is importable as ``wfb_akas``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
