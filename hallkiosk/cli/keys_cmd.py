"""``hall-kiosk keys …``: the hall's data key (docs/architecture.md "Documents and personal data", :mod:`kiosk.keys`).

* ``keys status [--json]`` — the hall's key ids, their state, the terminals holding each (by the
  name given and the fingerprint of their key-encryption key), the rows under each and the
  encrypted files under each in this data dir. Works on a terminal that does not hold the key.
* ``keys add-terminal --kek-file FILE [--terminal ID]`` — run on a terminal that holds the key:
  wraps it for another terminal's KEK. ``FILE`` is that terminal's ``keys/kek.key`` (made on its
  first start, which told you to run this), or a path that does not exist yet: a new KEK is
  written there (mode 0600) to be installed as the new terminal's ``keys/kek.key``. Hand it over
  as you would a key: whoever has it can read the hall's personal data.
* ``keys rotate [--batch N] [--json]`` — a new data key; every row (and this terminal's face
  files) is re-encrypted and re-indexed in batches while the hall works on.
* ``keys files`` — re-encrypt this terminal's own face files under the current key (run on every
  other terminal after a rotation: a rotation moves only the files of the terminal it ran on).

``add-terminal`` hands out the key to the hall's personal data, ``rotate`` replaces it and ``files``
rewrites this terminal's encrypted photos: each is an admin's act, named with ``--by ADMIN`` and proven
with that admin's PIN on stdin's first line (the login is journalled just before the act); a refusal
exits 1 and touches nothing (issue 15 must 1: no unauthenticated acts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hallkiosk.cli.auth import admin
from hallkiosk.cli.common import config_from_args, print_json
from kiosk import keys
from kiosk.db.engine import make_engine
from kiosk.db.migrate import upgrade
from kiosk.hall import Hall
from kiosk.timeutil import beijing


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("keys", parents=[common], help="the hall's data key: status, add a terminal, rotate")
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    q = sub.add_parser("status", parents=[common], help="key ids, the terminals holding them, rows under each")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_status)
    q = sub.add_parser("add-terminal", parents=[common], help="wrap the hall's key for another terminal's KEK")
    q.add_argument("--kek-file", required=True, metavar="FILE",
                   help="the other terminal's keys/kek.key, or a new path: a KEK is made there to hand over")
    q.add_argument("--terminal", default="", metavar="ID", help="that terminal's id, as keys status shows it")
    q.add_argument("--by", required=True, metavar="ADMIN", help="the admin who hands out the key; their PIN is read from stdin")
    q.set_defaults(func=cmd_add_terminal)
    q = sub.add_parser("rotate", parents=[common], help="a new data key; re-encrypt and re-index in batches")
    q.add_argument("--batch", type=int, default=200, help="rows per transaction (default 200)")
    q.add_argument("--by", required=True, metavar="ADMIN", help="the admin who rotates the key; their PIN is read from stdin")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_rotate)
    q = sub.add_parser("files", parents=[common], help="re-encrypt this terminal's files under the current key")
    q.add_argument("--by", metavar="ADMIN", help="the admin who has the files rewritten; their PIN is read from stdin")
    q.set_defaults(func=cmd_files)


def cmd_status(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    engine = make_engine(cfg.database_url)
    try:
        upgrade(engine, data_dir=cfg.data_dir)
        infos = keys.status(engine, cfg.data_dir)
    finally:
        engine.dispose()
    mine = keys.kek_fingerprint(keys.load_or_create_kek(cfg.kek_path)) if cfg.kek_path.exists() else None
    if args.json:
        print_json({"keys": [i.as_dict() for i in infos], "this_terminal_kek": mine})
        return 0
    if not infos:
        print("本厅尚无数据密钥（第一台终端启动时生成） the hall has no data key yet (the first terminal to start makes it)")
    for i in infos:
        when = beijing(i.created_at).strftime("%Y-%m-%d %H:%M") if i.created_at.year > 1 else "?"
        print(f"{i.kid}  {i.state}  created {when} by {i.created_by}  rows {i.total}  files here {i.files}")
        for col, n in sorted(i.rows.items()):
            print(f"    {col}: {n}")
        for h in i.holders:
            print(f"    holder: {h}")
    print(f"本终端 this terminal: KEK {cfg.kek_path} fingerprint {mine or '(none yet)'}")
    return 0


def cmd_add_terminal(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    path = Path(args.kek_file)
    made = not path.exists()
    hall = Hall.open(cfg)
    try:
        admin(hall, args.by)  # the admin's PIN from stdin; exits 1 when refused, before a KEK is made or read
        kek = keys.write_new_kek(path) if made else keys.read_kek_file(path)
        kids = keys.add_terminal(hall, hall.engine, kek, args.terminal or f"kek:{keys.kek_fingerprint(kek)}")
    finally:
        hall.close()
    if made:
        print(f"新的密钥加密密钥已写入 a new KEK was written to {path} (mode 0600): install it as the new "
              "terminal's keys/kek.key (or [security] kek_file), then start that terminal")
    if kids:
        print(f"已为终端 {args.terminal or '?'} 包装密钥 wrapped {', '.join(kids)} for KEK {keys.kek_fingerprint(kek)}")
    else:
        print(f"该终端已持有本厅密钥 that KEK ({keys.kek_fingerprint(kek)}) already holds the hall's keys")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    hall = Hall.open(cfg)
    try:
        admin(hall, args.by)  # the admin's PIN from stdin; exits 1 when refused
        report = keys.rotate(hall, hall.engine, batch=args.batch)
    finally:
        hall.close()
    if args.json:
        print_json(report.as_dict())
        return 0
    print(f"已轮换 rotated {', '.join(report.old_kids)} → {report.new_kid}: rows {report.rows} in {report.batches} "
          f"batches ({report.passes} passes), files here {report.files}")
    if report.left:
        print(f"仍在旧密钥下 still under the old key: {report.left} (HMACs whose ID number was purged cannot be re-indexed)")
    return 0


def cmd_files(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    hall = Hall.open(cfg)
    try:
        by = admin(hall, args.by)  # the admin's PIN from stdin; exits 1 when refused, before any file is read
        report = keys.reencrypt_files(hall, hall.engine, by=by.username)
    finally:
        hall.close()
    print(f"本终端文件已改用 {report.new_kid} 加密 files in this data dir re-encrypted under {report.new_kid}: {report.files}")
    return 0
