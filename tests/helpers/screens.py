"""Checks of what a user sees: clipped text and missing glyphs."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtGui import QFontMetrics, QRawFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget  # noqa: I001


def login(page: Any, username: str, pin: str, timeout: float = 10.0) -> None:
    """Log in through the real login panel (its PIN check runs on the job runner) and wait for the answer."""
    panel = page.login
    panel.user.setText(username)
    panel.pin.setText(pin)
    panel.submit()
    wait_until(lambda: not panel.checking, timeout)


def wait_until(done: Any, timeout: float = 10.0) -> None:
    """Run the event loop until ``done()`` (a job's outcome arrives through it)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out waiting for the UI"
        QApplication.processEvents()
        time.sleep(0.005)


def clipped_texts(root: QWidget) -> list[str]:
    """Visible labels and buttons whose one-line text is wider than the space they have."""
    out = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or w.width() <= 0:
            continue
        if isinstance(w, QLabel) and not w.wordWrap() and w.text():
            text, room = w.text(), w.contentsRect().width()
        elif isinstance(w, QAbstractButton) and w.text():
            text, room = w.text(), w.contentsRect().width() - 8
        else:
            continue
        fm = QFontMetrics(w.font())
        widest = max(fm.horizontalAdvance(line) for line in text.split("\n"))
        if widest > room:
            out.append(f"{type(w).__name__} {text!r}: {widest}px > {room}px")
    return out


def missing_glyphs(font_file: str, text: str) -> set[str]:
    """Characters of ``text`` that the font file cannot draw (they would show as tofu).

    Reads the file itself, not whatever fontconfig would fall back to, so the system fonts of a
    developer's machine cannot hide a gap in the bundled font. ``supportsCharacter`` must get the
    code point: its QChar overload misreports some BMP characters.
    """
    raw = QRawFont(font_file, 22)
    assert raw.isValid(), font_file
    return {ch for ch in text if not ch.isspace() and not raw.supportsCharacter(ord(ch))}
