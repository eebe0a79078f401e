"""The demo tour of the opening capability (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_opening.py`` builds the real thing; this drives it.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

log = logging.getLogger(__name__)


# --- demo: an opening that starts now on the sandbox platform -------------------------------------------


def reschedule_on_sandbox(platform_url: str, session_id: str, starts_at: Any, *, token: str,
                          today: Any | None = None) -> dict[str, Any]:
    """Have the sandbox platform move one demo opening to ``starts_at`` (demo and tests only).

    The platform is the authority for opening times (only it may set or change them), so the
    demo asks it, through the sandbox's admin endpoint ``POST /_sandbox/feeds``, to publish the
    session again with the new time, and the registrations with submission times that keep
    their order but fall before it. The hall learns of it by pulling, and every rule — no
    decryption before ``starts_at``, 409 ``too-early`` from the platform — applies unchanged.
    ``token`` is the sandbox's admin token (``X-Sandbox-Token``). Returns the new session record.
    """
    import datetime as dt
    from urllib.parse import urlsplit

    import requests

    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import demo_day
    from sync.sandbox.server import ADMIN_TOKEN_HEADER

    day = demo_day(today or dt.datetime.now(BEIJING).date())
    parts = urlsplit(platform_url)
    admin = f"{parts.scheme}://{parts.netloc}/_sandbox/feeds"
    session = dict(next(s for s in day["sessions"] if s["session_id"] == session_id))
    start = starts_at.astimezone(BEIJING)
    session["starts_at"] = start.isoformat(timespec="seconds")
    regs = sorted((r for r in day["registrations"] if r["session_id"] == session_id and r["bid_submitted_at"]),
                  key=lambda r: r["bid_submitted_at"])
    with requests.Session() as http:
        http.headers[ADMIN_TOKEN_HEADER] = token
        http.post(admin, json={"feed": "sessions", "key": session_id, "data": session}, timeout=5).raise_for_status()
        for i, r in enumerate(regs):
            moved = dict(r, bid_submitted_at=(start - dt.timedelta(hours=len(regs) - i, minutes=7 * i)).isoformat(timespec="seconds"))
            http.post(admin, json={"feed": "registrations", "key": r["registration_id"], "data": moved}, timeout=5).raise_for_status()
    return session


def _sandbox_faults(platform_url: str, token: str, **settings: Any) -> None:
    """Set the sandbox platform's behaviour (its admin endpoint; demo and tests only)."""
    from urllib.parse import urlsplit

    import requests

    from sync.sandbox.server import ADMIN_TOKEN_HEADER

    parts = urlsplit(platform_url)
    with requests.Session() as http:
        http.post(f"{parts.scheme}://{parts.netloc}/_sandbox/faults", json=settings,
                  headers={ADMIN_TOKEN_HEADER: token}, timeout=5).raise_for_status()


def rep_card(reg: dict[str, Any]) -> Any:
    """The ID card of registration ``reg``'s first representative (demo data)."""
    from kiosk.ports import IdCard

    rep = reg["representatives"][0]
    return IdCard(card_type="resident", name=rep["name"], gender="男", birth_date="1980-01-01",
                  id_number=rep["id_number"], valid_from="2015-01-01", valid_until="长期")


# --- the demo tour ----------------------------------------------------------------------------------------


def tour(cfg: Any, out: Any) -> list[dict]:
    """One full opening (第三开标室, 工程建设, bid bond required: 5 bidders, one withdraws in writing at the
    console, the banned entity's representative is admitted and flagged, one decryption failure → 撤销,
    the bid bond read out with every bid; a bidder objects at a kiosk with their ID card, another
    objection is entered at the console) and one that fails its quorum (第一开标室: two written
    withdrawals leave 2 bidders; the big screen shows 不得开标 waiting for the host, then the decision),
    against the demo's sandbox platform; screenshots of every stage on the console, the big screen
    and the kiosk, and the record's PDF pages.

    The session's staff take their roles on the console's role panel by placing their ID cards on
    the console's reader — an ID reader simulator run in-process, so the tour places the cards of
    the people the platform appointed (``sync.sandbox.seed.STAFF_PEOPLE``); where it appointed no
    recorder the clerk's hall account stands in with a reason. At signing each signer places their
    card again."""
    import datetime as dt
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from devices.idcard.simulator import IdReaderSimulator
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import _login
    from hallkiosk.pdfpages import render_pages
    from kiosk.checkin import CheckinError, CheckinService
    from kiosk.ports import CardEvent, IdCard
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import STAFF_PEOPLE, demo_day, staff_person

    out = Path(out)
    shots: list[dict] = []
    if not cfg.platform.url:
        return shots
    ensure_qapp(headless=True)
    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    # the full opening requires a bid bond and has a banned bidder (D4, D6); the short one has no recorder appointed
    full, failing = day["sessions"][0]["session_id"], day["sessions"][1]["session_id"]
    remote = day["sessions"][5]["session_id"]  # 不见面开标 (issue 19): 2 in the room, 2 online, 1 absent
    start = (dt.datetime.now(BEIJING) + dt.timedelta(seconds=25)).replace(microsecond=0)
    from sync.sandbox.server import read_admin_token

    token = read_admin_token(cfg.data_dir / "platform")  # the demo's sandbox runs on <data_dir>/platform
    reschedule_on_sandbox(cfg.platform.url, full, start, token=token, today=today)
    reschedule_on_sandbox(cfg.platform.url, failing, start, token=token, today=today)
    reschedule_on_sandbox(cfg.platform.url, remote, start, token=token, today=today)
    # one bid a second, so the progress is visible; the remote opening's online bidders act on the platform
    # as the hall's records reach it (sync/sandbox/online.py), as the demo's launcher has them
    _sandbox_faults(cfg.platform.url, token, decrypt_step_s=1.0, online_bidders=True)
    reader = IdReaderSimulator(baud=115200)  # the host console's own reader: the tour places the staff's cards
    reader.start()
    host_cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="HOST-KB01"),
                                   # the remote opening's objection window is a minute in a hall; seconds in the tour
                                   opening=dataclasses.replace(cfg.opening, decrypt_poll_seconds=0.5, remote_poll_seconds=2.0,
                                                               remote_objection_window_seconds=4.0),
                                   devices=dataclasses.replace(cfg.devices, id_reader=reader.url))
    term = build_terminal(host_cfg, "host", follow=True, big_screen=True)
    try:
        wiring = term.opening
        assert wiring is not None  # a host terminal has the opening
        assert wiring.loop is not None
        big_window = term.big_screen
        assert big_window is not None
        wiring.loop.puller.pull_all()
        _login(term, "host")
        page = term.window.page
        con = wiring.screens["console"]
        big = wiring.screens["big_screen"]
        page.work.setCurrentWidget(con)
        hall = term.hall
        svc = wiring.service

        def pump(seconds: float = 0.2) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                QApplication.processEvents()
                time.sleep(0.02)

        def shot(name: str, portrait: bool = False) -> None:
            pump(0.15)
            con.refresh_view()
            big.show_session(con.current_session())
            sizes = ((1920, 1080), (1080, 1920)) if portrait else ((1920, 1080),)
            for w, h in sizes:
                f = f"opening-console-{name}-{w}x{h}.png"
                grab(term.window, str(out / f), (w, h))
                shots.append({"role": "host", "screen": f"opening {name}", "file": f, "lang": "zh_CN"})
            for w, h in sizes:  # a wall in portrait too (issue 15: the flags and roles in both)
                f = f"opening-bigscreen-{name}-{w}x{h}.png"
                grab(big_window, str(out / f), (w, h))
                shots.append({"role": "board", "screen": f"opening {name}", "file": f, "lang": "zh_CN"})

        def settle() -> None:
            """The console's act (work lane) and view load (read lane) are back (issue 21)."""
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and (con.act.pending is not None or con.loader.inflight):
                pump(0.02)

        def click(key: str) -> None:
            settle()
            if key not in con.action_buttons:
                raise RuntimeError(f"opening tour: no {key!r} button at {con.view.stage if con.view else None}: {con.message.text()}")
            con.action_buttons[key].click()
            pump(0.1)
            settle()

        def signed(sid: str) -> None:
            """Signing runs on the job runner: wait for the record."""
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (con.signing or svc.view(sid).stage != "closed"):
                pump(0.05)
            if svc.view(sid).stage != "closed":
                raise RuntimeError(f"opening tour: {sid} not signed: {con.message.text()}")

        names = [p[0] for p in STAFF_PEOPLE]
        last_card = [""]

        def staff_card(sid: str, role: str) -> IdCard | None:
            """The ID card of whoever the platform appointed to ``role`` in ``sid`` (None: nobody)."""
            entry = next((x for s in day["sessions"] if s["session_id"] == sid for x in s.get("staff", ()) if x["role"] == role), None)
            if entry is None:
                return None
            p = staff_person(names.index(entry["name"]), role)
            n = p["id_number"]
            return IdCard("resident", p["name"], "男" if int(n[16]) % 2 else "女", f"{n[6:10]}-{n[10:12]}-{n[12:14]}", n,
                          "2018-03-01", "长期", nation="汉", address="内蒙古自治区呼和浩特市示例路1号", authority="呼和浩特市公安局")

        def roles(sid: str, wanted: tuple[str, ...], *, confirm: bool = False, shoot_first: str = "") -> None:
            """Each role on the console's panel: the appointee's card on the reader (or the clerk's account)."""
            panel = con.signin
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not (
                    con.view is not None and con.view.session_id == sid and not con.loader.inflight
                    and panel.ready and panel.session_id == sid):
                pump(0.05)
            for role in wanted:
                card = staff_card(sid, role)
                panel.arm(role)
                if card is not None:
                    reader.remove_card()
                    pump(1.2 if card.id_number == last_card[0] else 0.6)  # the reader reports a card after it saw none
                    last_card[0] = card.id_number
                    if shoot_first:
                        shot(shoot_first, portrait=True)
                        shoot_first = ""
                    log.info("tour: %s card for %s; console %s, panel %s armed %s", role, sid, con.current_session(),
                             panel.session_id, panel.armed)
                    reader.place_card(card)
                else:
                    panel.user.setText("clerk")
                    panel.reason.setText("平台未指定本场记录人，由交易中心窗口工作人员代行")
                    panel.pin.setText("333333")
                    panel.submit_pin()
                deadline = time.monotonic() + 15
                while time.monotonic() < deadline and not (
                        (role in panel.confirmed) if confirm else (panel.holder(role) is not None and not panel.busy)):
                    pump(0.05)
                if not ((role in panel.confirmed) if confirm else panel.holder(role) is not None):
                    raise RuntimeError(f"opening tour: {role} not signed in at {sid} (console shows {con.current_session()}, "
                                       f"panel {panel.session_id}): {panel.message.text()}")
            reader.remove_card()

        def kiosk_objection(reg: dict, absent: dict) -> None:
            """The kiosk's 开标异议 tile: an absent bidder is refused; a present one objects (category only)."""
            kcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="KIOSK-OBJECTION"))
            kiosk = build_terminal(kcfg, "kiosk", follow=False, devices=False, sync=False)
            try:
                home = kiosk.window.page
                assert kiosk.opening is not None
                flow = kiosk.opening.screens["objection"]

                def kshot(name: str) -> None:
                    for w, h in ((1920, 1080), (1080, 1920)):
                        f = f"opening-kiosk-objection-{name}-{w}x{h}.png"
                        grab(kiosk.window, str(out / f), (w, h))
                        shots.append({"role": "kiosk", "screen": f"opening objection {name}", "file": f, "lang": "zh_CN"})

                def settled() -> None:
                    """The card's lookup and the objection run as acts on the job runner: wait for them."""
                    deadline = time.monotonic() + 20
                    pump(0.05)
                    while flow.act.pending is not None and time.monotonic() < deadline:
                        pump(0.05)

                kshot("0-home")
                home.open_flow("objection")
                kshot("1-card")
                kiosk.ctx.bridge.post_card_event(CardEvent("card", rep_card(absent)))
                settled()
                kshot("2-refused")
                flow.finish()
                home.open_flow("objection")
                kiosk.ctx.bridge.post_card_event(CardEvent("card", rep_card(reg)))
                settled()
                kshot("3-category")
                flow.pick("reading")
                kshot("4-confirm")
                flow.confirm_ok.click()
                settled()
                kshot("5-receipt")
                if flow.receipt_no is None:
                    raise RuntimeError("opening tour: the kiosk objection was not accepted")
                flow.finish()
            finally:
                kiosk.stop()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not con.alert.isVisibleTo(con):
                pump(0.05)  # the console follows the journal

        def withdraw(sid: str, registration_id: str, kind: int, reference: str) -> None:
            """A bidder's written 撤回/撤销 (REG 35) recorded at the console with its notice's number and time."""
            settle()
            row = next(i for i, b in enumerate(svc.view(sid).bidders) if b.registration_id == registration_id)
            con.table.selectRow(row)
            con.withdrawal.kind.setCurrentIndex(kind)
            con.withdrawal.reference.setText(reference)
            con.withdrawal.received_at.setText(f"{hall.clock.now().astimezone(BEIJING):%Y-%m-%d %H:%M}")
            click("withdrawal")
            if not svc.view(sid).bidder(registration_id).withdrawn:
                raise RuntimeError(f"opening tour: withdrawal of {registration_id} not recorded: {con.message.text()}")

        checkin = CheckinService(hall)

        def check_in(sid: str, regs: list[dict]) -> None:
            """The representatives' check-ins, as a clerk records them beside the reader."""
            for r in regs:
                rep = r["representatives"][0]
                try:
                    checkin.manual_check_in(operator="clerk", session_id=sid, registration_id=r["registration_id"],
                                            person_name=rep["name"], id_number=rep["id_number"], reason="演示：读卡器旁人工核验")
                except CheckinError as exc:
                    log.info("demo check-in refused: %s", exc)

        def absences(sid: str) -> None:
            """Every bidder neither checked in nor signed in online is recorded 迟到 at the console."""
            for row, b in enumerate(svc.view(sid).bidders):
                if b.attendance == "absent" and not b.absent_reason:
                    con.table.selectRow(row)
                    con.absence.setCurrentIndex(0)  # 迟到
                    click("absent")

        def record_pngs(sid: str, tag: str) -> None:
            v = svc.view(sid)
            pdf = next((hall.config.data_dir / "opening").glob(f"{sid}-{(v.record_sha256 or '')[:12]}.pdf"))
            for png in render_pages(pdf, out / f"opening-record-{tag}", dpi=80):
                shots.append({"role": "host", "screen": f"开标记录表 {tag}", "file": png.name, "lang": "zh_CN"})

        # --- the full opening (第三开标室) ---
        con.select_session(full)
        # the staff take their roles by ID card before any act (the console asks for the host's first)
        roles(full, ("host", "recorder", "supervisor", "witness"), shoot_first="0-signin-host")
        shot("1-scheduled", portrait=True)
        click("announce")
        regs = [r for r in day["registrations"] if r["session_id"] == full]
        check_in(full, regs[:4])  # the fourth is the banned entity's representative: admitted and flagged (REG 51, D6)
        shot("2-announced")
        while hall.clock.now() < start:
            pump(0.2)
        click("publish")
        shot("3-bidders")
        click("attendance")
        withdraw(full, regs[4]["registration_id"], 1, "撤销函〔2026〕第3号")  # after the deadline: 撤销 (REG 35)
        absences(full)
        shot("4-attendance", portrait=True)
        click("quorum")
        click("control_price")
        shot("5-control-price")
        click("decrypt")
        deadline = time.monotonic() + 30
        half = False
        while time.monotonic() < deadline:
            pump(0.1)
            v = svc.view(full)
            done, total = v.decrypt_progress
            if v.stage == "decrypting" and 0 < done < total and not half:
                shot("6-decrypting")
                half = True
            if v.stage == "decrypting" and done == total:
                break
        if not half:
            shot("6-decrypting")
        click("finish_decrypt")
        for i in range(len(regs)):
            click("read")
            if i < 2:
                shot(f"7-reading-{i + 1}", portrait=i == 0)
        click("finish_reading")
        # a bidder's representative objects at a kiosk with their ID card; the console and the big screen see it
        kiosk_objection(regs[0], regs[4])
        shot("8-kiosk-objection", portrait=True)
        con.answer.setText("唱标内容以开标一览表为准，大写与小写已当场核对一致；已记录在案")
        click("answer")
        con.objector.setCurrentIndex(1)
        con.objection.setText("第2家投标文件解密失败，请说明原因")
        click("objection")
        con.answer.setText("解密失败系平台外原因，依法视为撤回，投标人可向责任方索赔；已记录在案")
        shot("8-objections", portrait=True)
        click("answer")
        click("close_objections")
        for r in regs[:4]:
            con._on_card(CardEvent("card", rep_card(r)))
        shot("9-confirmation")
        click("finish_confirmation")
        roles(full, ("host", "recorder", "supervisor", "witness"), confirm=True)  # each signer's card again
        shot("10-signing")
        click("sign")
        signed(full)
        shot("11-closed", portrait=True)
        record_pngs(full, "full")
        # --- a quorum failure (第一开标室) ---
        con.select_session(failing)
        roles(failing, ("host", "recorder", "supervisor", "witness"))
        click("announce")
        click("publish")
        check_in(failing, [next(r for r in day["registrations"] if r["session_id"] == failing)])
        click("attendance")
        # bidders leave the count only by a written 撤销 (REG 35), recorded at the console: two notices received,
        # so fewer than 3 remain
        bidders = svc.view(failing).bidders
        gone = [b for b in bidders if b.attendance == "absent"][: max(0, len(bidders) - 2)]
        for i, b in enumerate(gone):
            withdraw(failing, b.registration_id, 1, f"撤销函第{i + 1}号")
        absences(failing)
        click("quorum")
        con.reason.setText("有效投标人不足3家，依法不得开标，招标人应重新招标")
        shot("12-quorum-short", portrait=True)
        click("failed")
        shot("12b-quorum-decided", portrait=True)
        roles(failing, ("host", "recorder", "supervisor", "witness"), confirm=True)
        click("sign")
        signed(failing)
        shot("13-failed-closed")
        record_pngs(failing, "failed")
        # --- 不见面开标 (第二开标室): two representatives in the room, two online through the platform, one absent ---
        remote_tour(remote, day, con=con, svc=svc, check_in=check_in, absences=absences, pump=pump, shot=shot,
                    click=click, roles=roles, signed=signed, record_pngs=record_pngs)
        if term.sync is not None:
            term.sync.sync_blobs()  # the signed records go up now, not at the worker's next round
    finally:
        term.stop()
        reader.stop()
    return shots


def remote_tour(sid: str, day: dict[str, Any], *, con: Any, svc: Any, check_in: Any, absences: Any, pump: Any, shot: Any,
                click: Any, roles: Any, signed: Any, record_pngs: Any) -> None:
    """The remote opening (issue 19): 2 representatives check in at the kiosk, 2 sign in online, 1 stays away;
    one online objection answered at the console; online confirmations with their signature hashes; the record
    lists how each attended. The online bidders are the sandbox platform's (``sync/sandbox/online.py``): they
    act on what the hall's records show them, and the host's remote loop brings their events in."""
    from kiosk.ports import CardEvent
    from sync.sandbox.seed import REMOTE_PLAN

    regs = [r for r in day["registrations"] if r["session_id"] == sid]
    how = dict(zip((r["registration_id"] for r in regs), REMOTE_PLAN, strict=True))

    def until(what: str, done: Any, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            pump(0.1)
        if not done():
            raise RuntimeError(f"opening tour (remote): {what} did not happen: {con.message.text()}")

    con.select_session(sid)
    roles(sid, ("host", "recorder", "supervisor", "witness"))
    click("announce")  # the online representatives see it on the platform and sign in with their CA certificates
    in_room = [r for r in regs if how[r["registration_id"]] == "hall"]
    check_in(sid, in_room)
    click("publish")
    click("attendance")
    until("two online sign-ins", lambda: svc.view(sid).attendance_counts["online"] == 2)
    absences(sid)
    shot("R1-remote-attendance", portrait=True)
    click("quorum")
    click("control_price")
    click("decrypt")
    until("decryption", lambda: svc.view(sid).decrypt_progress[0] == len(regs), 40)
    click("finish_decrypt")
    for _ in regs:
        click("read")
    click("finish_reading")  # one of them objects online
    until("the online objection", lambda: bool(svc.view(sid).open_objections))
    shot("R2-remote-online-objection", portrait=True)
    con.answer.setText("报价是否低于成本属评标内容，由评标委员会依法评审；已记录在案并同步至交易平台")
    click("answer")
    deadline = time.monotonic() + 30  # the online objection window (seconds in the tour): the console says how long
    while svc.view(sid).stage == "objections" and time.monotonic() < deadline:
        click("close_objections")
        pump(0.5)
    for r in in_room:
        con._on_card(CardEvent("card", rep_card(r)))
    until("the online confirmations", lambda: sum(b.confirmation == "confirmed" for b in svc.view(sid).bidders) == 4)
    shot("R3-remote-confirmation", portrait=True)
    click("finish_confirmation")
    roles(sid, ("host", "recorder", "supervisor", "witness"), confirm=True)
    click("sign")
    signed(sid)
    shot("R4-remote-closed")
    record_pngs(sid, "remote")
