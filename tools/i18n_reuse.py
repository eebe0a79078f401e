"""Fill unfinished messages of Qt .ts files from a translation of the same source text.

lupdate keeps translations per context (class); when a string moves to another class its old
translation is marked vanished and the new one is unfinished. This copies the English across
(same source text, any context or file), so only new wording needs a translator. Prints what is
still unfinished; exit 1 if anything is.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(paths: list[str]) -> int:
    trees = {p: ET.parse(p) for p in paths}
    known: dict[str, str] = {}
    for tree in trees.values():
        for m in tree.getroot().iter("message"):
            tr = m.find("translation")
            if tr is not None and (tr.text or "").strip() and tr.get("type") in (None, "vanished", "obsolete"):
                known.setdefault(m.findtext("source") or "", tr.text or "")
    left = []
    for path, tree in trees.items():
        changed = False
        for m in tree.getroot().iter("message"):
            tr = m.find("translation")
            if tr is not None and tr.get("type") == "unfinished":
                src = m.findtext("source") or ""
                if src in known:
                    tr.text = known[src]
                    del tr.attrib["type"]
                    changed = True
                else:
                    left.append(f"{Path(path).name}: {src}")
        if changed:
            tree.write(path, encoding="utf-8", xml_declaration=True)
    for line in left:
        print("untranslated:", line)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
