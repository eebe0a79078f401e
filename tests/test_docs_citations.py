"""The repository carries what it cites: no citation points outside it, every cited doc exists.

Code and tests cite the specifications they follow by their path under ``docs/``
(``docs/platform-api.md §3``, ``docs/rules/opening.md``, ``docs/devices.md §1.2``). The documents they
once cited (the reference notes, the shared design paper, the platform's own text) lived outside the
repository, where a maintainer cannot read them. These tests fail, naming ``file:line``, when a
tracked file outside ``docs/`` cites such a document again, or when any tracked file cites a
``docs/…md`` page that does not exist.

The forbidden patterns are built from pieces so that this file does not match them itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_REF = "reference"
_SHARED = "shared"
_PAPER = "DES" + "IGN"
_API = "platform" + "-api"
_ANCHORS = "code-style" + "-anchors"

#: (what it is, pattern) — a citation of a document that lives outside the repository.
FORBIDDEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    (f"{_REF}/<name>.md", re.compile(_REF + r"/[A-Za-z0-9_-]+\.md")),
    (f"{_SHARED}/", re.compile(r"(?<![A-Za-z0-9_-])" + _SHARED + "/")),
    (f"{_PAPER} §", re.compile(r"\b" + _PAPER + r"\s*§")),
    (f"{_PAPER}.md", re.compile(r"\b" + _PAPER + r"\.md\b")),
    # the interface's name with a section sign and no "docs/…md": only docs/platform-api.md §N is ours
    (f"bare {_API} §", re.compile(r"(?<!docs/)\b" + _API + r"\s*§")),
    (f"{_API}/README.md", re.compile(r"\b" + _API + r"/README\.md")),
    (_ANCHORS, re.compile(_ANCHORS)),
)

DOC_CITATION = re.compile(r"(?<![A-Za-z0-9_./-])docs/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b")


def tracked_text_files() -> list[tuple[str, list[str]]]:
    """Every tracked file that exists and is UTF-8 text, as (path, lines)."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")
    files: list[tuple[str, list[str]]] = []
    for rel in sorted(p for p in out.split("\0") if p):
        path = ROOT / rel
        if not path.is_file():
            continue  # deleted in the working tree
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # fonts, images, compiled translations
        files.append((rel, text.splitlines()))
    return files


def test_nothing_outside_docs_cites_a_document_outside_the_repository() -> None:
    found = []
    for rel, lines in tracked_text_files():
        if rel.startswith("docs/"):
            continue
        for no, line in enumerate(lines, 1):
            for what, pattern in FORBIDDEN:
                if pattern.search(line):
                    found.append(f"{rel}:{no}: cites {what}: {line.strip()[:120]}")
    assert not found, "cite docs/<page>.md instead of documents outside the repository:\n" + "\n".join(found)


def test_every_cited_docs_page_exists() -> None:
    missing = []
    cited = 0
    for rel, lines in tracked_text_files():
        for no, line in enumerate(lines, 1):
            for m in DOC_CITATION.finditer(line):
                cited += 1
                if not (ROOT / m.group(0)).is_file():
                    missing.append(f"{rel}:{no}: {m.group(0)} does not exist")
    assert cited > 0, "no docs/…md citation found at all: is the pattern broken?"
    assert not missing, "cited documents missing:\n" + "\n".join(missing)


def test_relative_links_between_docs_pages_resolve() -> None:
    missing = []
    for rel, lines in tracked_text_files():
        if not (rel.startswith("docs/") and rel.endswith(".md")):
            continue
        for no, line in enumerate(lines, 1):
            for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", line):
                if "://" in target:
                    continue
                if not ((ROOT / rel).parent / target).resolve().is_file():
                    missing.append(f"{rel}:{no}: link to {target} does not resolve")
    assert not missing, "\n".join(missing)


def test_the_patterns_catch_what_they_are_for() -> None:
    """Each forbidden pattern matches its example and lets our own citations through."""
    bad = [
        f"see {_REF}/devices.md §1.2",
        f"the {_SHARED}/ folder",
        f"rules ({_PAPER} §4)",
        f"layers of {_PAPER}.md §2",
        f"records ({_API} §3)",
        f"client of {_API}/README.md",
        f"{_ANCHORS} practice 12",
    ]
    for example in bad:
        assert any(p.search(example) for _, p in FORBIDDEN), example
    good = ["records (docs/platform-api.md §3)", "docs/rules/auction.md §2.3", "docs/architecture.md §4",
            "a reference photo", "the shared database"]
    for example in good:
        assert not any(p.search(example) for _, p in FORBIDDEN), example
    assert DOC_CITATION.findall("see docs/rules/opening.md §2 and docs/devices.md.") == [
        "docs/rules/opening.md", "docs/devices.md"]
