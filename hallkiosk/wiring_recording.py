"""Wiring of the recording capability (全过程录音录像): the room recorder and the admin review tab.

``attach(term)``:

* When ``[recording] cameras`` is set, the terminal has a room (``[site] room_code``) and its role is
  host, auctioneer or admin (or ``[recording] recorder = true``, a dedicated recorder PC), a
  :class:`RoomRecorder` runs on ``term.threads``: per camera a capture loop and an encode loop
  (``devices.recording.CameraRecorder``), one journal-follow loop (session entries → start,
  markers, stop after ``stop_grace_seconds``; ``recording.requested`` → manual start/stop), and a
  housekeeping loop (retention every 10 minutes, the disk alarm every 30 s).
  On start it recovers from an unclean stop: unfinished ``.partial`` files are quarantined and
  journalled as ``recording.lost``; closed files that never reached the catalogue are registered.
  Segments are sealed with the hall's data key as they close (``kiosk.sealed``, issue 20 item 9).
* On the admin terminal it adds the review tab 录像回放 (``ui.recording.ReviewTab``) with a
  ``devices.recording.SegmentPlayer`` decoding on its own thread.

``tour(cfg, out)`` records a few seconds of the synthetic camera in a demo room, saves a frame grab
with the overlay and screenshots the review tab in both orientations.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from devices.camera import open_camera
from devices.camera.capture import CameraBase
from devices.recording import (
    CameraRecorder,
    ClosedSegment,
    SegmentPlayer,
    closed_files,
    make_encoder,
    open_audio,
    parse_name,
    recover,
    segment_digest,
    use_vault,
)
from devices.recording.audio import AudioSource, LiveAudio
from kiosk.config import Config
from kiosk.hall import Hall
from kiosk.journal import Entry
from kiosk.recording import CameraStatus, RecorderStatus, Recordings, classify
from kiosk.recording import catalogue as cat
from kiosk.recording.follow import REOPEN_KINDS
from kiosk.timeutil import parse_rfc3339

log = logging.getLogger(__name__)
RECORDING_ROLES = ("host", "auctioneer", "admin")


def camera_urls(cfg: Config) -> list[str]:
    return [u.strip() for u in cfg.recording.cameras.split(",") if u.strip()]


class RoomRecorder:
    """All cameras and the microphone of one room, tied to the catalogue and the journal.

    Args:
        hall: the hall (catalogue, journal, clock).
        room_code: the room recorded.
        cameras: (name, camera) pairs; the first gets the microphone.
        audio: the room microphone, or None.
        room_label: the caption's room name (default: the room's name from today's sessions, or the code).
    """

    def __init__(
        self, hall: Hall, room_code: str, cameras: list[tuple[str, CameraBase]], audio: AudioSource | None = None,
        *, room_label: str | None = None, encoder: str | None = None, gap_seconds: float = 1.5,
    ) -> None:
        self.hall = hall
        self.cfg = hall.config.recording
        self.room_code = room_code
        self.recordings = Recordings(hall)
        self.root = self.recordings.root
        self.audio = audio
        rc = self.cfg
        name = room_label or self._room_name() or room_code
        encoder_name = encoder or rc.encoder
        self.cameras = [
            CameraRecorder(
                cam, camera_name=cam_name, room=room_code, room_label=name, root=self.root,
                encoder_factory=lambda: make_encoder(encoder_name, preset=rc.preset, crf=rc.crf, vault=hall.vault),
                width=rc.width, height=rc.height, fps=rc.fps, segment_seconds=rc.segment_seconds,
                audio=audio if i == 0 else None, on_segment=self._on_segment, on_gap=self._on_gap,
                wall_offset=self._wall_offset, gap_seconds=gap_seconds,
            )
            for i, (cam_name, cam) in enumerate(cameras)
        ]
        self._lock = threading.Lock()
        self.session_id: str | None = None
        self.manual = False
        self._stop_at: float | None = None
        self._closed: set[str | None] = set()  #: sessions closed since this recorder started (follow.CLOSE_KINDS)
        self._session_rooms: dict[str, str | None] = {}
        self.disk_alarm: tuple[str, str] | None = None
        self.mic_alarm: tuple[str, str] | None = None  #: sound required here but no microphone configured
        self.segments_registered = 0
        self._unsealable: set[str] = set()  #: plain segments that could not be sealed (not tried again)

    @classmethod
    def from_config(cls, hall: Hall) -> RoomRecorder:
        cfg = hall.config
        cams = [(f"cam{i + 1}", open_camera(u, name=f"rec-cam{i + 1}")) for i, u in enumerate(camera_urls(cfg))]
        audio = open_audio(cfg.recording.microphone, cfg.recording.sample_rate)
        return cls(hall, cfg.site.room_code, cams, audio)

    def _room_name(self) -> str | None:
        try:
            for s in self.hall.sessions_on(room_code=self.room_code):
                return s.room_name
        except Exception:  # noqa: BLE001 - no sessions table yet: the code will do
            return None
        return None

    def _wall_offset(self) -> float:
        return self.hall.clock.now().timestamp() - time.time()

    # --- state ----------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return any(c.recording for c in self.cameras)

    def status(self) -> RecorderStatus:
        cams = tuple(
            CameraStatus(c.camera_name, c.camera.status().state.value, round(c.camera.fps, 1), c.stats.captured,
                         c.stats.written, c.stats.queue_drops + c.camera.dropped, c.stats.segments, c.stats.last_error)
            for c in self.cameras
        )
        return RecorderStatus(self.room_code, self.recording, self.session_id, self.manual, cams, self.disk_alarm,
                              self.mic_alarm)

    # --- start / stop -----------------------------------------------------------------------------

    def start(self, session_id: str | None, reason: str, operator: str | None = None, *, manual: bool = False) -> None:
        """Start (journal ``recording.started``); if already recording, switch the session."""
        with self._lock:
            self._stop_at = None
            if self.recording:
                if session_id and session_id != self.session_id:
                    self.session_id = session_id
                    for c in self.cameras:
                        c.set_session(session_id)
                if manual:
                    self.manual = True
                return
            self.session_id, self.manual = session_id, manual
            with self.hall.unit() as s:
                cat.journal_started(s, self.hall.journal, room_code=self.room_code, session_id=session_id, reason=reason,
                                    operator=operator, cameras=[c.camera_name for c in self.cameras])
                self._apply_microphone(s, session_id)
            for c in self.cameras:
                c.start(session_id or "")
            log.info("recording started in %s (%s)", self.room_code, reason)

    def _apply_microphone(self, s: Any, session_id: str | None) -> None:
        """Sound on by default in opening and auction rooms (G87 §39); off only by an admin's order.

        The first camera carries the microphone; the order takes effect from its next segment. A room
        that must record sound but has no microphone configured is journalled
        (``recording.microphone_missing``) and raised on the recorder's status.
        """
        on, _reason = cat.microphone_on(s, self.room_code)
        if self.cameras:
            self.cameras[0].audio = self.audio if on else None
        if on and self.audio is None and cat.microphone_required(s, self.room_code):
            self.mic_alarm = ("本室须录音但未配置麦克风（[recording] microphone）",
                              "this room must record sound but no microphone is configured ([recording] microphone)")
            self.hall.journal.append(s, "recording.microphone_missing", {"room_code": self.room_code, "session_id": session_id})
        else:
            self.mic_alarm = None

    def set_microphone(self, on: bool) -> None:
        """Apply an admin's microphone order now (from the next segment)."""
        with self._lock:
            if self.cameras:
                self.cameras[0].audio = self.audio if on else None
            log.info("microphone %s in %s", "on" if on else "off", self.room_code)

    def stop(self, reason: str, operator: str | None = None) -> None:
        with self._lock:
            self._stop_at = None
            if not self.recording:
                return
            for c in self.cameras:
                c.stop()
            with self.hall.unit() as s:
                cat.journal_stopped(s, self.hall.journal, room_code=self.room_code, session_id=self.session_id,
                                    reason=reason, operator=operator)
            log.info("recording stopped in %s (%s)", self.room_code, reason)
            self.manual = False

    # --- callbacks from the encode threads ------------------------------------------------------

    def _on_segment(self, seg: ClosedSegment) -> None:
        cam = next((c for c in self.cameras if c.camera_name == seg.camera), None)
        session = (cam.session_id if cam else "") or None
        with self.hall.unit() as s:
            cat.register_segment(
                s, self.hall.journal, room_code=self.room_code, camera=seg.camera, session_id=session, path=seg.path,
                started_at=cat.epoch_to_utc(seg.started_at), ended_at=cat.epoch_to_utc(seg.ended_at), frames=seg.frames,
                has_audio=seg.has_audio, size=seg.bytes, sha256=seg.sha256, data_dir=self.hall.config.data_dir,
                encrypted=seg.encrypted,
            )
        self.segments_registered += 1

    def _on_gap(self, camera: str, start: float, end: float) -> None:
        with self.hall.unit() as s:
            cat.note_gap(s, self.hall.journal, room_code=self.room_code, camera=camera, session_id=self.session_id,
                         from_at=cat.epoch_to_utc(start), to_at=cat.epoch_to_utc(end))

    # --- recovery ---------------------------------------------------------------------------------

    def recover(self) -> dict[str, int]:
        """After an unclean stop: salvage and quarantine partial files (``recording.lost`` for what is
        gone), register orphans."""
        found = recover(self.root, self.hall.vault)
        for seg in found.salvaged:  # what a segment killed while recorded still held: a segment of its own
            with self.hall.unit() as s:
                cat.register_segment(
                    s, self.hall.journal, room_code=self.room_code, camera=seg.camera, session_id=None, path=seg.path,
                    started_at=cat.epoch_to_utc(seg.started_at), ended_at=cat.epoch_to_utc(seg.ended_at),
                    frames=seg.frames, has_audio=seg.has_audio, size=seg.bytes, sha256=seg.sha256,
                    data_dir=self.hall.config.data_dir, encrypted=True,
                )
        for (_room_dir, start, end) in found.gaps:
            camera = "?"
            for c in self.cameras:
                if any(c.camera_name in p.name for p in found.quarantined):
                    camera = c.camera_name
            with self.hall.unit() as s:
                cat.note_gap(s, self.hall.journal, room_code=self.room_code, camera=camera, session_id=None,
                             from_at=cat.epoch_to_utc(start), to_at=cat.epoch_to_utc(end), lost=True)
        with self.hall.reading() as s:
            known = cat.known_paths(s, self.hall.config.data_dir)
        orphans = 0
        room_dir = self.root / self.room_code
        for path in closed_files(room_dir):
            if str(path) in known:
                continue
            parsed = parse_name(path.name)
            if parsed is None:
                continue
            camera, start, end = parsed
            try:
                digest, size, encrypted = segment_digest(path, self.hall.vault)
            except ValueError as exc:  # sealed under a key not held here, or damaged: left for an operator
                log.error("recording: %s not catalogued: %s", path.name, exc)
                continue
            with self.hall.unit() as s:
                cat.register_segment(
                    s, self.hall.journal, room_code=self.room_code, camera=camera, session_id=None, path=path,
                    started_at=cat.epoch_to_utc(start), ended_at=cat.epoch_to_utc(end), frames=0, has_audio=False,
                    size=size, sha256=digest, data_dir=self.hall.config.data_dir, encrypted=encrypted,
                )
            orphans += 1
        return {"quarantined": len(found.quarantined), "salvaged": len(found.salvaged), "orphans": orphans}

    # --- following the journal --------------------------------------------------------------------

    def _room_of(self, session_id: str) -> str | None:
        if session_id not in self._session_rooms:
            with self.hall.reading() as s:
                self._session_rooms[session_id] = cat.session_room(s, session_id)
        return self._session_rooms[session_id]

    def handle(self, entries: list[Entry]) -> None:
        """Apply journal entries: markers, automatic start/stop, manual requests; moves the cursor."""
        for e in entries:
            sid = e.payload.get("session_id") if isinstance(e.payload.get("session_id"), str) else None
            action = classify(e.kind, e.payload, self.room_code, self._room_of(sid) if sid else None)
            if action.kind == "ignore":
                continue
            if action.kind == "start":
                self.start(action.session_id, f"手动：{action.reason}", action.operator, manual=True)
            elif action.kind == "stop":
                self.stop(f"手动：{action.reason}", action.operator)
            elif action.kind in ("mic_on", "mic_off"):
                self.set_microphone(action.kind == "mic_on")
            else:
                with self.hall.unit() as s:
                    cat.add_marker(s, room_code=self.room_code, session_id=action.session_id,
                                   at=parse_rfc3339(e.occurred_at), kind=e.kind, label=action.label, source_seq=e.seq)
                if action.kind == "marker" and action.session_id in self._closed and e.kind not in REOPEN_KINDS:
                    continue  # paperwork of a closed session: its marker only; the grace stop stands
                self._closed.discard(action.session_id)
                self.start(action.session_id, f"{e.kind} #{e.seq}")
                if action.kind == "close":
                    self._closed.add(action.session_id)
                    if not self.manual:
                        with self._lock:
                            self._stop_at = time.monotonic() + self.cfg.stop_grace_seconds
        if entries:
            with self.hall.unit() as s:
                cat.set_cursor(s, self.room_code, entries[-1].seq)

    def follow_loop(self, stop: threading.Event) -> None:
        with self.hall.reading() as s:
            after = cat.cursor(s, self.room_code)
        follower = self.hall.follower(after_seq=after)
        follower.interval = 0.1
        follower.run(stop, self.handle)

    def housekeeping_loop(self, stop: threading.Event, *, retention_every: float = 600.0, disk_every: float = 30.0,
                          seal_every: float = 60.0) -> None:
        """Grace-period stops, the disk alarm, retention and sealing old plain segments; a clean stop
        closes the recording."""
        next_ret, next_disk, next_seal = time.monotonic() + 5.0, 0.0, time.monotonic() + 10.0
        while not stop.wait(0.2):
            now = time.monotonic()
            with self._lock:
                due = self._stop_at is not None and now >= self._stop_at
            if due:
                self.stop("场次结束（宽限期满）")
            if now >= next_disk:
                next_disk = now + disk_every
                self.check_disk()
            if now >= next_ret:
                next_ret = now + retention_every
                self.run_retention()
            if now >= next_seal:
                next_seal = now + seal_every
                self.seal_old()
        if self.recording:
            self.stop("终端关闭")

    def check_disk(self) -> tuple[str, str] | None:
        alarm = self.recordings.disk().alarm()
        if alarm and alarm != self.disk_alarm:
            log.error("recording: %s", alarm[1])
        self.disk_alarm = alarm
        return alarm

    def run_retention(self) -> int:
        try:
            plan, done = self.recordings.apply_retention()
        except Exception:
            log.exception("recording: retention failed")
            return 0
        if plan.over_quota:
            log.error("recording: over quota and nothing more may be deleted (segments not uploaded or on hold)")
        return len(done)

    def seal_old(self, limit: int = 10) -> int:
        """Seal up to ``limit`` segments recorded before sealing (plain MP4) in this data dir, in place."""
        try:
            done, left = self.recordings.seal_plain(limit, self._unsealable)
        except Exception:
            log.exception("recording: sealing old segments failed")
            return 0
        if done:
            log.info("recording: %d segment(s) from before sealing sealed at rest", done)
        if left:
            log.warning("recording: %d plain segment(s) not sealed: missing, or not the catalogued file", left)
        return done

    # --- threads ----------------------------------------------------------------------------------

    def loops(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for c in self.cameras:
            out.append((f"rec-capture-{c.camera_name}", c.capture_loop))
            out.append((f"rec-encode-{c.camera_name}", c.encode_loop))
        if isinstance(self.audio, LiveAudio):
            out.append(("rec-microphone", self.audio.run))
        out.append(("rec-follow", self.follow_loop))
        out.append(("rec-housekeeping", self.housekeeping_loop))
        return out


def should_record(cfg: Config, role: str) -> bool:
    return bool(camera_urls(cfg)) and bool(cfg.site.room_code) and (role in RECORDING_ROLES or cfg.recording.recorder)


def attach(term) -> None:
    """Start the room recorder (when configured) and add the review tab (admin)."""
    hall: Hall = term.hall
    use_vault(hall.vault)  # players and probes decrypt sealed segments in memory with the hall's key
    recorder: RoomRecorder | None = None
    if should_record(hall.config, term.ctx.role):
        recorder = RoomRecorder.from_config(hall)
        recorder.recover()
        for name, loop in recorder.loops():
            term.threads.start(name, loop)
        if recorder.audio is not None:
            term.threads.on_stop(recorder.audio.close)
    term.recorder = recorder
    if term.ctx.role == "admin":
        from ui.recording import ReviewTab

        tab = ReviewTab(term.ctx, Recordings(hall), status=recorder.status if recorder else None)
        player = SegmentPlayer(on_frame=tab.post_frame, on_error=tab.post_error)
        tab.set_player(player)
        term.threads.start("rec-player", player.run)
        term.window.page.work.add_tab(tab, ReviewTab.tab_title)
        term.recording_tab = tab
