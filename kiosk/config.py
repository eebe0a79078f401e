"""The one declared configuration schema: a TOML file plus environment overrides.

Every setting is declared here once, with its type, default and meaning. A TOML file may set any
of them; an environment variable ``HALL_KIOSK__<SECTION>__<KEY>`` (e.g.
``HALL_KIOSK__DATABASE__URL``) overrides the file. Unknown sections and keys are rejected with
the file and the key named, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

ENV_PREFIX = "HALL_KIOSK__"
ROLES = ("kiosk", "counter", "board", "host", "auctioneer", "admin", "extraction", "supervisor")


class ConfigError(ValueError):
    """A configuration file or override is wrong; the message names where."""


@dataclass(frozen=True)
class SiteConfig:
    """The trading centre and this terminal."""

    code: str = "NM-HHHT"  #: site code, also the default journal id prefix
    name: str = "呼和浩特市公共资源交易中心"
    terminal_id: str = "KIOSK-01"  #: this terminal, written into every journal entry
    room_code: str = ""  #: the room this terminal stands in ("" = the whole hall)
    timezone: str = "Asia/Shanghai"  #: times are stored in UTC and shown in this zone


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the hall's data lives."""

    url: str = ""  #: SQLAlchemy URL; "" = SQLite file ``hall.db`` in the data dir
    echo: bool = False


@dataclass(frozen=True)
class SecurityConfig:
    """Operator access and personal data."""

    key_file: str = ""  #: an old terminal's own data key; "" = ``keys/pii.key``: imported once as the hall's key k0
    kek_file: str = ""  #: this terminal's key-encryption key; "" = ``keys/kek.key`` in the data dir (mode 0600)
    pin_max_failures: int = 2  #: wrong PINs in a row that cost nothing; each further one waits 1, 2, 4 … s
    lockout_seconds: int = 300  #: the longest of those waits (an operator is never locked out for good)
    pii_retention_days: int = 180  #: personal data (ID numbers, faces) is purged after this


@dataclass(frozen=True)
class KioskConfig:
    """The self-service kiosk role."""

    idle_timeout_seconds: int = 60  #: back to the home screen, personal data wiped
    fullscreen: bool = False
    #: "hall" (the tiles: check-in, tickets, …) or "evaluation_area": the evaluation area's door (专家签到, issue 17)
    mode: str = "hall"


@dataclass(frozen=True)
class PlatformConfig:
    """The central platform (docs/platform-api.md)."""

    url: str = ""  #: base URL, e.g. https://ggzy.example.gov.cn/hall-api/v1
    journal_id: str = ""
    secret_file: str = ""  #: file holding the base64 journal secret
    timeout_seconds: float = 10.0  #: connect, and each read of an answer
    blacklist_max_age_hours: float = 24.0  #: older → check-in asks a clerk to confirm
    #: the platform's Ed25519 public key (base64 of the 32 raw bytes, docs/platform-api.md §7.5);
    #: "" = answers are not verified (v1), which ``sync status`` and the admin console say
    public_key_file: str = ""
    max_clock_step_s: float = 300.0  #: the largest clock correction taken at once; beyond it: an alarm, no move
    max_response_bytes: int = 32 * 1024 * 1024  #: a larger answer is refused
    deadline_seconds: float = 60.0  #: one request, its answer read to the end, must fit in this


@dataclass(frozen=True)
class DevicesConfig:
    """Device URLs (pyserial style: /dev/ttyUSB0, COM3, socket://host:port, loop://)."""

    id_reader: str = ""
    scanner: str = ""
    printer: str = ""
    printer_width_mm: int = 80
    keypads: str = ""
    camera: str = ""  #: index ("0"), file path or stream URL; "synthetic" for the demo camera
    document_printer: str = ""  #: A4 office printer for records: cups://QUEUE, cups:// or dir:///folder
    modem: str = ""  #: GSM/4G modem for calling experts by SMS (AT, PDU mode): /dev/ttyUSB2, socket://host:port
    door: str = ""  #: the evaluation area's door relay: modbus-rtu:///dev/ttyUSB1?unit=1&coil=0, modbus-rtu+socket://…
    lockers: str = ""  #: the phone lockers' bank: modbus-rtu:///dev/ttyUSB1?unit=2 (coil i opens locker i)


@dataclass(frozen=True)
class UiConfig:
    """Presentation."""

    language: str = "zh_CN"  #: zh_CN or en
    screen: int = 0
    board_mode: str = "sessions"  #: what a board shows: sessions, queue, opening, auction
    second_screen: int = -1  #: host/auctioneer: screen for the big screen window (-1 = none)


@dataclass(frozen=True)
class QueueConfig:
    """The service hall's queue (排队叫号)."""

    counter_no: str = ""  #: this counter terminal's window number ("3")
    audio_zone: str = "hall"  #: the speakers this terminal's calls go to
    speech_engine: str = "espeak"  #: espeak, chime or fake
    call_repeat: int = 2  #: how often a call is spoken
    recall_limit: int = 3
    board_recent_calls: int = 5
    notice: str = ""  #: the board's notice line
    priority_age: int = 70  #: card holders this old or older get priority tickets (0 = off)
    missed_min_minutes: int = 5  #: a missed (过号) ticket can be reactivated after this many minutes
    missed_reinsert_after: int = 3  #: a reactivated ticket goes behind this many waiting tickets


@dataclass(frozen=True)
class CheckinConfig:
    """Check-in for openings and auctions (人证核验签到)."""

    opening_window_before_min: int = 120
    opening_window_after_min: int = 30
    face_required: bool = True  #: without a camera a clerk confirms instead
    face_engine: str = "dlib"  #: dlib (the wheels' ResNet), sface (ONNX files in face_model_dir) or none
    face_model_dir: str = ""  #: YuNet/SFace ONNX files supplied by the operator (face_engine = "sface")
    #: in the engine's measure; 0 = its default: dlib 0.6 (distance, at most), sface 0.363 (cosine, at least)
    face_match_threshold: float = 0.0
    liveness_turn_deg: float = 15.0  #: head turn (yaw change, degrees) the liveness check asks for
    liveness_seconds: float = 8.0  #: time for the turn, per try (two tries, then the clerk)


@dataclass(frozen=True)
class RecordingConfig:
    """Audio-video recording (全过程录音录像)."""

    cameras: str = ""  #: comma-separated camera URLs of this room ("0", "rtsp://…", "synthetic")
    microphone: str = ""  #: audio input, "" = none, "synthetic" = test tone
    segment_seconds: int = 60
    width: int = 1280
    height: int = 720
    fps: int = 25
    encoder: str = "pyav"  #: pyav (H.264/AAC) or opencv (mp4v fallback)
    quota_gb: float = 50.0
    retention_days: int = 90
    min_free_gb: float = 5.0  #: alarm below this much free disk
    stop_grace_seconds: int = 120  #: keep recording this long after a session closes
    preset: str = "ultrafast"  #: libx264 preset: ultrafast keeps 2×720p25 within 2 busy cores; veryfast ≈ half the size, ~2× CPU
    crf: int = 26  #: libx264 constant quality (lower = better, bigger)
    sample_rate: int = 16000  #: microphone sample rate (Hz), mono AAC
    recorder: bool = False  #: a dedicated recorder terminal (records whatever its role)


@dataclass(frozen=True)
class OpeningConfig:
    """Bid opening (开标)."""

    decrypt_poll_seconds: float = 2.0  #: how often bid_results are polled while decrypting
    #: no longer read (legal review D5: the session's own deemed_accept_absent decides); kept so that an older
    #: hall.toml that sets it still loads
    absent_deemed_accept: bool = True
    objection_answer_required: bool = True
    #: 不见面开标 (issue 19, docs/rules/opening.md §5): how often remote_events are polled while a remote
    #: opening is live (2–5 s), how fresh they must be for a step that needs online input, and how long
    #: the objections stage and an online bidder's confirmation wait at least
    remote_poll_seconds: float = 3.0
    remote_stale_seconds: float = 15.0
    remote_objection_window_seconds: float = 60.0
    remote_confirm_window_seconds: float = 300.0


@dataclass(frozen=True)
class AuctionConfig:
    """Auction hall (拍卖大厅)."""

    call_seconds: int = 10  #: seconds between 第一次 / 第二次 / 第三次 calls; any valid bid resets
    jump_bids: bool = True  #: default for lots that do not say
    keypad_min_interval_ms: int = 300  #: a paddle's repeated presses within this are one press
    #: minimum eligible bidders (checked in, deposit confirmed) to open or bid a lot, per platform trade_type,
    #: "TYPE=N,…"; types not named need 1 (矿业权 KYQ: ≥3, docs/rules/auction.md §2.4)
    min_bidders_by_trade_type: str = "KYQ=3"
    #: default stage after the price cap, chosen per lot at opening: lottery (限价+摇号), area (竞配建),
    #: self_hold (竞自持) or average (一次报价·平均价)
    cap_stage: str = "lottery"


@dataclass(frozen=True)
class ExpertsConfig:
    """The expert draw (专家抽取, issue 17)."""

    answer_minutes: int = 30  #: an invited expert who has not answered by SMS in this time counts as no answer
    beacon_wait_seconds: float = 20.0  #: how long the draw waits for the platform's receipt of its commitment
    signin_before_minutes: int = 120  #: the door admits a member this long before the sitting starts …
    signin_late_minutes: int = 60  #: … until this long after it started (later: a clerk decides)
    door_hold_seconds: float = 5.0  #: how long the door stays released after an admission or a sign-out
    door_rooms: str = ""  #: the rooms this door leads to ("PB-01,PB-02"); "" = every evaluation room


@dataclass(frozen=True)
class SupervisionConfig:
    """The supervision room (行政监督室, issue 18): the wall's cameras and the alert rules' thresholds."""

    cameras: str = ""  #: the wall's cameras per room: "KB-03=rtsp://…,PM-01=synthetic" (opened at ≤ 320×180)
    tile_fps: int = 10  #: frames per second per tile (at most 10)
    opening_late_minutes: int = 5  #: an opening not started this long after its starts_at
    decrypt_stuck_minutes: int = 10  #: decryption pending longer than this
    paused_minutes: int = 15  #: a stage held paused longer than this
    refusals_per_day: int = 3  #: one person refused this often in a day
    bid_flood_count: int = 8  #: this many bids from one paddle on one lot …
    bid_flood_seconds: int = 30  #: … within this many seconds
    hammer_after_call_seconds: float = 2.0  #: a hammer sooner than this after the third call began
    pin_failures: int = 3  #: wrong PINs in a row on one account (or one terminal's exit/admin PIN)


@dataclass(frozen=True)
class Config:
    """The whole configuration, as resolved from defaults, file and environment."""

    data_dir: Path
    site: SiteConfig = field(default_factory=SiteConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    platform: PlatformConfig = field(default_factory=PlatformConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    checkin: CheckinConfig = field(default_factory=CheckinConfig)
    recording: RecordingConfig = field(default_factory=RecordingConfig)
    opening: OpeningConfig = field(default_factory=OpeningConfig)
    auction: AuctionConfig = field(default_factory=AuctionConfig)
    experts: ExpertsConfig = field(default_factory=ExpertsConfig)
    supervision: SupervisionConfig = field(default_factory=SupervisionConfig)
    source: str = "<defaults>"  #: where the configuration came from, for messages

    @property
    def database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data dir."""
        return self.database.url or f"sqlite:///{self.data_dir / 'hall.db'}"

    @property
    def key_path(self) -> Path:
        """Where an old terminal kept its own personal-data key (``kiosk.keys`` imports it once)."""
        return Path(self.security.key_file) if self.security.key_file else self.data_dir / "keys" / "pii.key"

    @property
    def kek_path(self) -> Path:
        """This terminal's key-encryption key: it unwraps the hall's data key from the database."""
        return Path(self.security.kek_file) if self.security.kek_file else self.data_dir / "keys" / "kek.key"


SECTIONS: dict[str, type] = {
    "site": SiteConfig,
    "database": DatabaseConfig,
    "security": SecurityConfig,
    "kiosk": KioskConfig,
    "platform": PlatformConfig,
    "devices": DevicesConfig,
    "ui": UiConfig,
    "queue": QueueConfig,
    "checkin": CheckinConfig,
    "recording": RecordingConfig,
    "opening": OpeningConfig,
    "auction": AuctionConfig,
    "experts": ExpertsConfig,
    "supervision": SupervisionConfig,
}


def default_data_dir() -> Path:
    """The per-machine data dir (platformdirs), used when none is given."""
    return Path(platformdirs.user_data_dir("hall-kiosk", appauthor=False))


def _coerce(value: object, typ: object, where: str) -> object:
    """Convert a TOML or environment value to the declared type, or raise ConfigError."""
    if typ is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return value.lower() in {"1", "true", "yes", "on"}
    elif typ is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
    elif typ is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif typ is str:
        if isinstance(value, str):
            return value
    raise ConfigError(f"{where}: expected {getattr(typ, '__name__', typ)}, got {value!r}")


def _section(cls: type, values: dict[str, object], where: str) -> object:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        kwargs[key] = _coerce(value, hints[key], f"{where}.{key}")
    return cls(**kwargs)


def load_config(
    path: Path | str | None = None,
    *,
    data_dir: Path | str | None = None,
    db_url: str | None = None,
    environ: typing.Mapping[str, str] | None = None,
) -> Config:
    """Resolve the configuration: defaults < TOML file < environment < command-line options.

    Args:
        path: a TOML file, or None for defaults only.
        data_dir: ``--data-dir``; wins over ``data_dir`` in the file.
        db_url: ``--db``; wins over ``[database] url``.
        environ: the environment (``os.environ`` when None).

    Returns:
        The resolved, immutable Config.

    Raises:
        ConfigError: a file that does not parse, an unknown section or key, or a value of the
            wrong type — the message names the file (or variable) and the key.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, dict[str, object]] = {}
    file_data_dir: object = None
    source = "<defaults>"
    if path is not None:
        p = Path(path)
        source = str(p)
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{p}: no such config file") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
        for key, value in doc.items():
            if key == "data_dir":
                file_data_dir = _coerce(value, str, f"{p}: data_dir")
            elif key in SECTIONS:
                if not isinstance(value, dict):
                    raise ConfigError(f"{p}: [{key}] must be a table")
                raw[key] = dict(value)
            else:
                raise ConfigError(f"{p}: unknown key {key!r} (sections: {', '.join(SECTIONS)}, data_dir)")
    env_data_dir = None
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = name[len(ENV_PREFIX):].lower().split("__")
        if parts == ["data_dir"]:
            env_data_dir = value
            continue
        if len(parts) != 2 or parts[0] not in SECTIONS:
            raise ConfigError(f"environment {name}: unknown setting (use {ENV_PREFIX}<SECTION>__<KEY>)")
        raw.setdefault(parts[0], {})[parts[1]] = value
    sections = {
        name: _section(cls, raw.get(name, {}), f"{source}: [{name}]" if name in raw else f"[{name}]")
        for name, cls in SECTIONS.items()
    }
    chosen = data_dir or env_data_dir or file_data_dir or default_data_dir()
    cfg = Config(data_dir=Path(str(chosen)).expanduser().resolve(), source=source, **sections)  # type: ignore[arg-type]  # one built section per field
    if db_url:
        cfg = dataclasses.replace(cfg, database=dataclasses.replace(cfg.database, url=db_url))
    return cfg


def describe(cfg: Config) -> dict[str, dict[str, object]]:
    """The resolved settings as plain data (for ``config check``); secrets are file paths only."""
    out: dict[str, dict[str, object]] = {"": {"data_dir": str(cfg.data_dir), "source": cfg.source}}
    for name in SECTIONS:
        out[name] = dataclasses.asdict(getattr(cfg, name))
    return out


