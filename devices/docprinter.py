"""The office printer for A4 documents: 开标记录表, 成交确认书, 拍卖笔录 (``[devices] document_printer``).

The receipt printer (ESC/POS, :mod:`devices.printer`) cannot print an A4 record, so signed PDFs go
to the hall's ordinary printer. Two ways, by URL:

* ``cups://QUEUE`` (or ``cups://`` for the default queue): ``lp -d QUEUE -n COPIES -t TITLE -``
  with the PDF on stdin. CUPS prints PDF natively on Linux and macOS; ``lp`` answers
  ``request id is QUEUE-42 (1 file(s))`` and that id is returned. ``lp`` is found on ``PATH``
  (package ``cups-client``); its absence, a refusal, or a timeout is a :class:`DeviceError` with
  the reason, so the console says what happened and the operator may try again.
* ``dir:///path/to/folder``: a hot folder that a print server (or Windows' print spooler tool) takes
  files from. Each PDF is written whole under a temporary name and renamed, so the server never
  takes half a file.

Nothing here knows what a document means; it gets bytes, a title and a copy count.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kiosk.ports import DeviceError

LP_TIMEOUT_S = 30.0
_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff._-]+")


class DocumentPrinter:
    """Prints PDF bytes on the configured office printer."""

    def __init__(self, url: str, *, lp: str = "lp") -> None:
        self.url = url
        parts = urlsplit(url)
        self.scheme = parts.scheme
        if parts.scheme == "cups":
            self.queue = unquote(parts.netloc + parts.path).strip("/")
            self.lp = lp
        elif parts.scheme == "dir":
            self.folder = Path(unquote(parts.path))
        else:
            raise DeviceError("bad-url", f"文档打印机地址无效：{url}（应为 cups://队列 或 dir:///目录）",
                              f"bad document printer URL: {url} (cups://QUEUE or dir:///folder)")

    def describe(self) -> str:
        if self.scheme == "cups":
            return f"CUPS {self.queue or '(默认 default)'}"
        return str(self.folder)

    def check(self) -> None:
        """Raise a :class:`DeviceError` when printing cannot work (no ``lp``, folder not writable)."""
        if self.scheme == "cups":
            if shutil.which(self.lp) is None:
                raise DeviceError("no-lp", "未安装打印系统（找不到 lp 命令，需 cups-client）",
                                  "no print system: the lp command is missing (cups-client)")
            return
        if not self.folder.is_dir() or not os.access(self.folder, os.W_OK):
            raise DeviceError("folder", f"打印目录不可写：{self.folder}", f"print folder not writable: {self.folder}")

    def print_pdf(self, data: bytes, title: str, copies: int = 1) -> str:
        """Print ``data`` (a PDF); return the job id (CUPS) or the file written (hot folder)."""
        if not data.startswith(b"%PDF-"):
            raise DeviceError("not-pdf", "不是 PDF 文档，未打印", "not a PDF document; nothing printed")
        copies = max(1, min(int(copies), 20))
        self.check()
        if self.scheme == "cups":
            return self._lp(data, title, copies)
        return self._drop(data, title, copies)

    def _lp(self, data: bytes, title: str, copies: int) -> str:
        cmd = [self.lp, "-n", str(copies), "-t", title[:120]]
        if self.queue:
            cmd += ["-d", self.queue]
        cmd.append("-")
        try:
            out = subprocess.run(cmd, input=data, capture_output=True, timeout=LP_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DeviceError("timeout", "打印系统无响应（30 秒）", "the print system did not answer (30 s)") from exc
        except OSError as exc:
            raise DeviceError("no-lp", f"无法启动打印命令：{exc.strerror}", f"cannot run the print command: {exc.strerror}") from exc
        text = (out.stdout or b"").decode("utf-8", "replace").strip()
        if out.returncode != 0:
            err = (out.stderr or b"").decode("utf-8", "replace").strip().splitlines()
            reason = err[-1] if err else f"exit {out.returncode}"
            raise DeviceError("refused", f"打印被拒绝：{reason}", f"printing refused: {reason}")
        m = re.search(r"request id is (\S+)", text)
        return m.group(1) if m else text or "submitted"

    def _drop(self, data: bytes, title: str, copies: int) -> str:
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{_SAFE.sub('_', title)[:60] or 'document'}"
        written = ""
        for n in range(copies):
            name = stem + (f"-{n + 1}" if copies > 1 else "") + ".pdf"
            fd, tmp = tempfile.mkstemp(prefix=".printing-", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.folder / name)
            except OSError as exc:
                Path(tmp).unlink(missing_ok=True)
                raise DeviceError("write", f"写入打印目录失败：{exc.strerror}", f"cannot write to the print folder: {exc.strerror}") from exc
            written = str(self.folder / name)
        return written
