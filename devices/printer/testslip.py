"""The printer self-test: a slip with Chinese text, rare characters, sizes and a QR code.

``print_test`` is what ``hall-kiosk devices print-test`` runs: it prints the test slip on the
printer at a URL, optionally writes a preview PNG of exactly the bytes sent, and returns an exit
code (0 printed; 1 the printer refused or failed, message on stderr in Chinese and English;
2 bad arguments). The preview is written even when the printer fails, so the slip can be checked
without hardware.
"""

from __future__ import annotations

import sys
from datetime import datetime

from devices.printer.driver import EscPosPrinter
from devices.printer.escpos import encode_slip
from devices.printer.preview import render_png
from kiosk.ports import DeviceError, Feed, Qr, Rule, Slip, Text

#: The rare characters on the slip: 䶮 (U+4DAE, GB18030 compatibility block FE9F) and 𠮷
#: (U+20BB7, Extension B, four bytes in GB18030) go out as a raster line; 堃 (GBK 88D2) is text.
#: (𠀀 U+20000 is not in the bundled font: it would print as a box with its code point.)
RARE_NAME = "刘䶮 张𠮷 王堃"


def build_test_slip(width_mm: int = 80, when: datetime | None = None) -> Slip:
    """The test slip's content (also handy for demos)."""
    stamp = (when or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    return Slip(
        items=(
            Text("打印机自检 Printer test", size=2, bold=True, align="center"),
            Rule(),
            Text("全角标点：“引号”（括号），逗号。句号！问号？"),
            Text(f"生僻字：{RARE_NAME}"),
            Text("大小 1 正常", size=1),
            Text("大小 2", size=2),
            Text("A012", size=4, bold=True, align="center"),
            Text("居中 center", align="center"),
            Text("靠右 right", align="right"),
            Text("粗体 bold", bold=True),
            Qr("https://example.cn/hall-kiosk/print-test", module=6),
            Rule("="),
            Text(f"纸宽 {width_mm} mm · {stamp}", align="center"),
            Feed(1),
        ),
        cut=True,
    )


def print_test(url: str, preview: str | None, width_mm: int) -> int:
    """Print the test slip.

    Args:
        url: the printer's pyserial URL (``socket://…``, ``/dev/ttyUSB0``, …).
        preview: where to write a PNG of the slip, or None.
        width_mm: 58 or 80.

    Returns:
        0 when printed, 1 when the printer refused or failed, 2 for a bad paper width.
    """
    try:
        slip = build_test_slip(width_mm)
        data = encode_slip(slip, width_mm)
    except ValueError as exc:
        print(f"纸宽只能是 58 或 80 毫米 / {exc}", file=sys.stderr)
        return 2
    if preview:
        try:
            render_png(data, preview, width_mm)
        except OSError as exc:
            print(f"无法写入预览图 / cannot write the preview: {exc}", file=sys.stderr)
            return 1
    with EscPosPrinter(url, width_mm=width_mm) as printer:
        try:
            printer.print_slip(slip)
        except DeviceError as exc:
            print(f"打印失败：{exc.zh} / Print failed: {exc.en}", file=sys.stderr)
            return 1
    return 0
