"""What the tests share: built sites, edited rosters, a browser, rasterised PDFs.

``ROOT`` is the checkout, ``TESTS`` this tests folder (fixtures: ``rosters/``, ``golden/``, ``node/``).
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
