"""The demo tour of the expert draw (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_experts.py`` builds the real thing; this drives it. At the
``extraction`` console, the demo evaluation's three appointees sign in with their ID cards (the cards
are put on the bridge as the reader thread would), the representative and the supervisor type their
entropy, the commitment goes to the sandbox platform and its signed receipt comes back as the beacon,
the experts are drawn, and the invitations go out through the real modem driver to the modem
simulator: one member declines by SMS, one cannot be reached (answer taken at the console), both are
replaced from the reserves, who accept. ``experts verify-draw`` is run on the journal at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config

STAFF = {"witness": 3, "tenderer_rep": 4, "supervisor": 2}


def _card(i: int, role: str) -> Any:
    from kiosk.ports import IdCard
    from sync.sandbox.seed import staff_person

    p = staff_person(i, role)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date=p["id_number"][6:14],
                  id_number=p["id_number"], valid_from="2020-01-01", valid_until="长期")


def _wait(done: Any, timeout: float) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.01)
    return True


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    from devices.sms.simulator import ModemSimulator, phone_key
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.cli import main as cli
    from hallkiosk.demo import _login
    from hallkiosk.wiring_experts import AnswerLoop
    from kiosk.experts import rules
    from kiosk.ports import CardEvent
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import demo_day
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    shots: list[dict[str, str]] = []
    sim = ModemSimulator(baud=115200).start()  # the 短信猫, on a simulated 115200 line
    ecfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="EXTRACTION-DEMO"),
                               devices=dataclasses.replace(cfg.devices, modem=sim.url))
    term = build_terminal(ecfg, "extraction", follow=True)

    def shot(screen: str) -> None:
        for w, h in (LANDSCAPE, PORTRAIT):
            path = out / f"extraction-{screen}-{w}x{h}.png"
            grab(term.window, str(path), (w, h))
            shots.append({"role": "extraction", "screen": screen, "file": path.name, "lang": "zh_CN"})

    try:
        wiring = term.experts  # type: ignore[attr-defined]
        console, svc = wiring.console, wiring.service
        wiring.modem.wait_online(10)  # the terminal runs it (hallkiosk/wiring_experts.py)
        loop = AnswerLoop(svc, poll_s=0.2)  # the terminal's own loop runs too; this one just does not wait for it
        _login(term, "clerk")
        console.refresh()
        _wait(lambda: console.loaded is not None and console.signin.ready, 15)
        for role in rules.DRAW_ROLES:
            console.signin.arm(role)
            term.ctx.bridge.cardEvent.emit(CardEvent("card", _card(STAFF[role], role)))
            _wait(lambda r=role: console.signin.holder(r) is not None, 10)
        _wait(lambda: console.commit_btn.isEnabled(), 10)
        shot("pool")
        console.rep_entropy.setText("蒙A·7281 晴 0930")
        console.sup_entropy.setText("监督-k3#9vq2!")
        console.commit_btn.click()
        _wait(lambda: console.loaded is not None and console.loaded.open_round is not None, 10)
        # the sync worker pushes the commitment; the sandbox's signed receipt is the beacon
        _wait(lambda: console.loaded.beacon is not None or console.draw_btn.isEnabled(), 30)
        _wait(lambda: console.draw_btn.isEnabled(), 30)
        shot("committed")
        console.draw_btn.click()
        _wait(lambda: bool(console.last) and console.loaded is not None and bool(console.loaded.picks), 15)
        shot("drawn")
        experts = {e["expert_id"]: e for e in demo_day(term.hall.clock.now().astimezone(BEIJING).date())["experts"]}
        picks = console.loaded.picks
        members = [p for p in picks if not p.reserve]
        script: dict[str, Any] = {phone_key(experts[p.expert_id]["mobile"]): {"reply": "1", "after_s": 0.3} for p in picks}
        script[phone_key(experts[members[0].expert_id]["mobile"])] = {"reply": "2", "after_s": 0.3}  # declines
        script[phone_key(experts[members[1].expert_id]["mobile"])] = None  # never answers
        sim.script = script
        console.call_btn.click()
        _wait(lambda: len(sim.sent) >= len(members), 20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(p.status == "replaced" for p in svc.picks(console.evaluation_id)):
            loop.once()
            time.sleep(0.1)
        # the one who never answered: the staff member rings, nobody picks up — recorded at the console
        console.refresh()
        _wait(lambda: any(p.status == "called" for p in console.loaded.picks), 5)
        row = next(i for i, p in enumerate(console.loaded.picks) if p.expert_id == members[1].expert_id)
        console.picks.selectRow(row)
        console.none_btn.click()
        _wait(lambda: any(p.status == "replaced" and p.expert_id == members[1].expert_id
                          for p in svc.picks(console.evaluation_id)), 10)
        console.refresh()
        _wait(lambda: console.call_btn.isEnabled(), 10)
        console.call_btn.click()  # the reserves who took the places
        _wait(lambda: len(sim.sent) >= len(members) + 2, 20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(p.status == "accepted" for p in svc.picks(console.evaluation_id)) < len(members):
            loop.once()
            time.sleep(0.1)
        console.refresh()
        _wait(lambda: sum(p.status == "accepted" for p in console.loaded.picks) >= len(members), 10)
        shot("answers")
        buf_out, buf_err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
            code = cli(["experts", "verify-draw", console.evaluation_id, "--data-dir", str(cfg.data_dir)]
                       + (["--db", cfg.database.url] if cfg.database.url else []))
        text = f"$ hall-kiosk experts verify-draw {console.evaluation_id}\n{buf_out.getvalue()}{buf_err.getvalue()}exit {code}\n"
        (out / "experts-verify-draw.txt").write_text(text, encoding="utf-8")
        shots.append({"role": "extraction", "screen": f"verify-draw exit {code}", "file": "experts-verify-draw.txt"})
    finally:
        term.stop()
        sim.stop()
    return shots
