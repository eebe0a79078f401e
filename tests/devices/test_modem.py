"""The GSM modem driver against the modem simulator: sends, scripted replies, refusals and silence."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import serial

from devices.registry import DeviceRegistry
from devices.sms.errors import ModemError, cms_error
from devices.sms.modem import GsmModem
from devices.sms.pdu import PduError, encode_submit
from devices.sms.simulator import ModemSimulator
from kiosk.config import DevicesConfig
from kiosk.ports import DeviceState, SmsPort, SmsReply

SCRIPT = {
    "13904710000": {"reply": "1", "after_s": 0.2},
    "13904710001": {"reply": "2"},
    "13904710002": None,
}
INVITE = "【呼和浩特公共资源交易中心】请于12月8日9:00到评标区报到（项目 NM-2026-0815）。回复1接受，回复2拒绝。"


@pytest.fixture
def sim() -> Iterator[ModemSimulator]:
    with ModemSimulator("socket://127.0.0.1:0", script=SCRIPT, baud=None) as s:
        yield s


@pytest.fixture
def modem(sim: ModemSimulator) -> Iterator[GsmModem]:
    m = GsmModem(sim.url, command_timeout=0.5, send_timeout=2.0, reconnect_interval=0.1)
    stop = threading.Event()
    t = threading.Thread(target=m.run, args=(stop,), daemon=True)
    t.start()
    assert m.wait_online(3.0)
    yield m
    stop.set()
    t.join(5)
    assert not t.is_alive()


def wait_replies(modem: GsmModem, n: int, timeout: float = 3.0) -> list[SmsReply]:
    got: list[SmsReply] = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        got += modem.replies()
        time.sleep(0.01)
    return got


def test_the_driver_is_an_sms_port(modem: GsmModem, sim: ModemSimulator) -> None:
    assert isinstance(modem, SmsPort)
    assert sim.commands[:4] == ["ATE0", "AT+CMEE=1", "AT+CMGF=0", "AT+CNMI=2,1,0,0,0"]


def test_chinese_text_goes_out_as_ucs2(modem: GsmModem, sim: ModemSimulator) -> None:
    ref = modem.send("13904710002", INVITE)
    (sent,) = sim.wait_sent(1)
    assert (sent.number, sent.text, sent.alphabet, sent.parts) == ("13904710002", INVITE, "ucs2", 1)
    assert ref == str(sent.refs[0])


def test_latin_text_goes_out_as_gsm7(modem: GsmModem, sim: ModemSimulator) -> None:
    modem.send("+8613904710002", "Reply 1 to accept, 2 to decline {KB-03}")
    (sent,) = sim.wait_sent(1)
    assert (sent.number, sent.alphabet, sent.text) == ("+8613904710002", "gsm7", "Reply 1 to accept, 2 to decline {KB-03}")


def test_a_long_text_goes_in_concatenated_parts(modem: GsmModem, sim: ModemSimulator) -> None:
    text = INVITE * 3
    ref = modem.send("13904710002", text)
    (sent,) = sim.wait_sent(1)
    assert sent.parts == 3 and sent.text == text
    assert ref == ",".join(str(r) for r in sent.refs)
    assert [c for c in sim.commands if c.startswith("AT+CMGS=")] == [
        f"AT+CMGS={p.tpdu_length}" for p in encode_submit("13904710002", text)
    ]


def test_scripted_replies_arrive_decoded_and_are_deleted(modem: GsmModem, sim: ModemSimulator) -> None:
    for n in SCRIPT:
        modem.send(n, INVITE)
    replies = wait_replies(modem, 2)
    assert sorted((r.number, r.text) for r in replies) == [("13904710000", "1"), ("13904710001", "2")]
    assert all(r.at.utcoffset() == dt_zero() for r in replies)
    time.sleep(0.3)
    assert modem.replies() == []  # the third number never answers
    assert sim.storage == {}  # AT+CMGD after each AT+CMGR
    assert any(c.startswith("AT+CMGR=") for c in sim.commands) and any(c.startswith("AT+CMGD=") for c in sim.commands)


def dt_zero() -> object:
    import datetime as dt

    return dt.timedelta(0)


def test_a_long_reply_is_put_together(modem: GsmModem, sim: ModemSimulator) -> None:
    text = "我接受邀请，但需要晚到十分钟，请安排。" * 6  # 108 characters: two parts
    sim.inject("+8613904710003", text)
    (reply,) = wait_replies(modem, 1)
    assert (reply.number, reply.text) == ("8613904710003", text)


def test_messages_stored_while_away_are_read_at_start(sim: ModemSimulator) -> None:
    sim.inject("13904710009", "2")
    modem = GsmModem(sim.url, command_timeout=0.5)
    stop = threading.Event()
    t = threading.Thread(target=modem.run, args=(stop,), daemon=True)
    t.start()
    try:
        (reply,) = wait_replies(modem, 1)
        assert reply.text == "2" and sim.storage == {}
    finally:
        stop.set()
        t.join(5)


def _raw(sim: ModemSimulator) -> serial.Serial:
    port = serial.serial_for_url(sim.url, timeout=0.5)
    port.write(b"ATE0\rAT+CMGF=0\r")
    time.sleep(0.1)
    port.reset_input_buffer()
    return port


def _complete(out: bytes) -> bool:
    """The modem's answer is whole: the prompt, or a final result line."""
    return out.endswith(b"> ") or (out.endswith(b"\r\n") and (b"OK\r\n" in out or b"ERROR" in out))


def _ask(port: serial.Serial, data: bytes) -> bytes:
    port.write(data)
    out = b""
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and not _complete(out):
        out += port.read(port.in_waiting or 1)
    return out


def test_the_simulator_refuses_malformed_pdus_like_a_modem(sim: ModemSimulator) -> None:
    (good,) = encode_submit("13904710002", "1")
    port = _raw(sim)
    try:
        assert _ask(port, f"AT+CMGS={good.tpdu_length}\r".encode()).endswith(b"> ")
        assert b"+CMS ERROR: 304" in _ask(port, b"00XYZ\x1a")  # not hex
        _ask(port, f"AT+CMGS={good.tpdu_length + 1}\r".encode())
        assert b"+CMS ERROR: 304" in _ask(port, good.hex.encode() + b"\x1a")  # wrong length
        _ask(port, f"AT+CMGS={good.tpdu_length}\r".encode())
        assert b"+CMS ERROR: 304" in _ask(port, good.hex[:-2].encode() + b"\x1a")  # cut short
        assert b"+CMS ERROR: 304" in _ask(port, b"AT+CMGS=500\r")
        _ask(port, f"AT+CMGS={good.tpdu_length}\r".encode())
        assert b"+CMGS: " in _ask(port, good.hex.encode() + b"\x1a")
        assert b"ERROR" in _ask(port, b"AT+FOO\r")
        assert b"+CMS ERROR: 321" in _ask(port, b"AT+CMGR=7\r")
    finally:
        port.close()
    assert sim.refused == 3 and len(sim.sent) == 1


def test_a_refused_send_says_why_in_both_languages(modem: GsmModem, sim: ModemSimulator) -> None:
    sim.fail_next = 331
    with pytest.raises(ModemError) as info:
        modem.send("13904710002", INVITE)
    assert info.value.code == "network" and info.value.cms == 331
    assert "无网络服务" in info.value.zh and "no network service" in info.value.en
    assert modem.send("13904710002", "1")  # the next one goes


@pytest.mark.parametrize(("value", "kind"), [(310, "sim"), (322, "memory"), (304, "bad-pdu"), (1, "recipient"),
                                             (42, "network"), (500, "modem"), (200, "bad-pdu"), (777, "modem")])
def test_cms_error_table(value: int, kind: str) -> None:
    err = cms_error(value)
    assert err.code == kind and f"+CMS ERROR {value}" in err.zh and f"+CMS ERROR {value}" in err.en


@pytest.mark.allow_log_warnings(r"modem .*did not answer")
def test_a_modem_that_stops_answering_is_a_clear_error(modem: GsmModem, sim: ModemSimulator) -> None:
    sim.mute = True
    t0 = time.monotonic()
    with pytest.raises(ModemError) as info:
        modem.send("13904710002", INVITE)
    assert time.monotonic() - t0 < 2.5  # within the send deadline (2 s) and not much more
    assert info.value.code == "no-answer"
    assert "无应答" in info.value.zh and "did not answer" in info.value.en


def test_sending_without_a_modem_fails_at_once() -> None:
    modem = GsmModem("socket://127.0.0.1:9")
    t0 = time.monotonic()
    with pytest.raises(ModemError) as info:
        modem.send("13904710002", "1")
    assert info.value.code == "offline" and time.monotonic() - t0 < 0.5
    with pytest.raises(PduError):
        modem.send("not a number", "1")  # refused before anything else


@pytest.mark.allow_log_warnings(r"message \d+ could not be decoded")
def test_an_undecodable_stored_message_is_deleted_not_fatal(modem: GsmModem, sim: ModemSimulator) -> None:
    sim.storage[5] = ("REC UNREAD", "0004FFFF")
    sim.send_raw(b'\r\n+CMTI: "SM",5\r\n')
    deadline = time.monotonic() + 2
    while modem.rejected == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert modem.rejected == 1 and 5 not in sim.storage
    sim.inject("13904710000", "1")
    assert [r.text for r in wait_replies(modem, 1)] == ["1"]


def test_unplugged_and_back(modem: GsmModem, sim: ModemSimulator) -> None:
    states: list[DeviceState] = []
    modem.on_state = lambda s, _e: states.append(s)
    sim.unplug()
    deadline = time.monotonic() + 3
    while modem.state == DeviceState.ONLINE and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(ModemError):
        modem.send("13904710002", "1")
    sim.replug()
    assert modem.wait_online(3.0)
    assert modem.send("13904710002", "1")
    assert DeviceState.OFFLINE in states or DeviceState.RECONNECTING in states


@dataclass(frozen=True)
class EvaluationDevices(DevicesConfig):
    """``[devices]`` with the evaluation area's keys (until kiosk/config.py declares them)."""

    modem: str = ""
    door: str = ""
    lockers: str = ""


def test_the_registry_builds_and_probes_the_modem(sim: ModemSimulator) -> None:
    reg = DeviceRegistry.from_config(EvaluationDevices(modem=sim.url))
    assert isinstance(reg.modem, GsmModem) and reg.names()[-1] == "modem"
    st = reg.status("modem", probe=True)
    assert st.state == DeviceState.ONLINE and st.detail_en == "SMS modem"
    sim.mute = True
    st = reg.status("modem", probe=True, timeout=0.2)
    assert st.state == DeviceState.OFFLINE and "did not answer" in st.detail_en
    assert "modem" not in DeviceRegistry.from_config(DevicesConfig()).names()


@pytest.mark.allow_log_warnings(r"modem .*did not answer")
def test_a_late_answer_is_not_taken_for_the_next_send(modem: GsmModem, sim: ModemSimulator) -> None:
    sim.send_delay = 1.0  # the "network" takes longer than the deadline
    with pytest.raises(ModemError) as info:
        modem.send("13904710002", "first", timeout=0.5)
    assert info.value.code == "no-answer"
    sim.send_delay = 0.0
    modem.command_timeout = 2.0  # the modem is still busy with the first: its late answer comes while we wait
    ref = modem.send("13904710002", "second")
    sent = sim.wait_sent(2)
    assert [s.text for s in sent] == ["first", "second"]
    assert ref == str(sent[1].refs[0])


def test_a_default_rule_answers_for_numbers_not_listed() -> None:
    script = {"*": {"reply": "1", "after_s": 0}, "13904710005": None, "13904710003": {"reply": "2", "after_s": 0}}
    with ModemSimulator(script=script, baud=None) as sim:
        modem = GsmModem(sim.url, command_timeout=0.5)
        stop = threading.Event()
        t = threading.Thread(target=modem.run, args=(stop,), daemon=True)
        t.start()
        try:
            assert modem.wait_online(3)
            for n in ("13904710001", "13904710003", "13904710005"):
                modem.send(n, "请回复")
            got = wait_replies(modem, 2)
            time.sleep(0.2)
            got += modem.replies()
        finally:
            stop.set()
            t.join(5)
    assert sorted((r.number, r.text) for r in got) == [("13904710001", "1"), ("13904710003", "2")]


@pytest.mark.allow_log_warnings(r"unreadable indication")
def test_noise_from_the_modem_does_not_stop_the_driver(modem: GsmModem, sim: ModemSimulator) -> None:
    import random

    rng = random.Random(17)
    sim.send_raw(bytes(rng.randrange(256) for _ in range(300)) + b'\r\n+CMTI: "SM",x\r\n+CMTI:\r\n> \r\nOK\r\n')
    time.sleep(0.2)
    assert modem.state == DeviceState.ONLINE
    assert modem.send("13904710002", "still here")
    assert sim.wait_sent(1)[-1].text == "still here"


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_the_same_dialogue_over_a_pty(tmp_path: Path) -> None:
    link = tmp_path / "ttyMODEM"
    with ModemSimulator(f"pty:{link}", script=SCRIPT, baud=None) as sim:
        modem = GsmModem(str(link), command_timeout=0.5)
        stop = threading.Event()
        t = threading.Thread(target=modem.run, args=(stop,), daemon=True)
        t.start()
        try:
            assert modem.wait_online(3)
            modem.send("13904710000", INVITE * 2)
            (sent,) = sim.wait_sent(1)
            assert sent.text == INVITE * 2 and sent.parts == 2
            assert [(r.number, r.text) for r in wait_replies(modem, 1)] == [("13904710000", "1")]
        finally:
            stop.set()
            t.join(5)
