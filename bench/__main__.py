"""Run every benchmark module and print one JSON document with the machine noted.

``python -m bench [--out DIR] [--only NAME ...]``. Each ``bench/bench_*.py`` has ``run(out)``
filling a dict. Results also go to ``DIR/bench-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path


def machine() -> dict[str, object]:
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) // 1024
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mib": mem, "python": sys.version.split()[0], "platform": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--only", nargs="*", help="module names, e.g. bench_journal")
    args = parser.parse_args()
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n in args.only]
    results: dict[str, object] = {}
    doc: dict[str, object] = {"machine": machine(), "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "results": results}
    failed = False
    for name in names:
        start = time.perf_counter()
        out: dict[str, object] = {}
        try:
            importlib.import_module(f"bench.{name}").run(out)
        except Exception:  # a benchmark that breaks is reported, the others still run
            out["error"] = traceback.format_exc(limit=5)
            failed = True
        out["bench_seconds"] = round(time.perf_counter() - start, 2)
        results[name] = out
        print(f"# {name} done in {out['bench_seconds']} s", file=sys.stderr)
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    print(text)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / f"bench-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json").write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
