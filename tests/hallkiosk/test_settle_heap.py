"""A started terminal moves its startup heap out of the collector's sight (``hallkiosk.app.settle_heap``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_settled_terminal_s_full_collections_walk_only_what_it_made_since() -> None:
    # its own interpreter: freezing this test process's heap would change every later test's collections
    code = textwrap.dedent("""
        import gc, json
        import hallkiosk.app  # the terminal's modules: Qt's wrappers, the ORM's mappings, ...
        from hallkiosk.app import settle_heap
        before = len(gc.get_objects())
        settle_heap()
        made_since = [[i] for i in range(100)]
        print(json.dumps({"before": before, "after": len(gc.get_objects()), "frozen": gc.get_freeze_count()}))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] > 20_000, seen  # what a full collection walked before
    assert seen["frozen"] >= seen["before"] * 0.9, seen  # now in the permanent generation
    assert seen["after"] < 2_000, seen  # what it walks now: what was made since
