"""Devices in the running app: the registry, its loops on owned threads, and a status monitor.

The status bar asks for device statuses every second; probing a device (DLE EOT to a printer, a
port open) takes up to a timeout, so ``DeviceMonitor`` probes on its own loop every
``interval`` seconds and the UI reads its cache. Card and code events go to the bridge.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.registry import DeviceRegistry
from hallkiosk.threads import Threads
from kiosk.config import DevicesConfig
from kiosk.ports import CardEvent, DeviceStatus
from ui.bridge import QtBridge

log = logging.getLogger(__name__)


class DeviceMonitor:
    """Caches the devices' statuses, refreshed by ``run`` (a loop the composition root owns)."""

    def __init__(
        self,
        registry: DeviceRegistry,
        on_change: Callable[[list[DeviceStatus]], None],
        interval: float = 5.0,
        running: frozenset[str] = frozenset(),
    ) -> None:
        self.registry = registry
        #: devices whose own loop holds the port and reports their state: never probed, since a
        #: probe would open the same port a second time and knock the loop off it
        self.running = running
        self.on_change = on_change
        self.interval = interval
        self._lock = threading.Lock()
        self._statuses = registry.statuses(probe=False)

    def mark_running(self, name: str) -> None:
        """A capability started ``name``'s loop itself (e.g. the auction's keypads): stop probing it."""
        with self._lock:
            self.running = self.running | {name}

    def statuses(self) -> list[DeviceStatus]:
        with self._lock:
            return list(self._statuses)

    def refresh(self) -> list[DeviceStatus]:
        names = self.registry.names()  # the fixed five, then the evaluation area's configured devices
        probed = {name: self.registry.status(name, probe=True) for name in names if name not in self.running}
        with self._lock:
            # Running devices are read now, under the lock, so a slow probe above can never
            # overwrite a state their loop reported meanwhile (update() takes the same lock).
            # A device may have been marked running while we probed: its loop's state wins.
            fresh = [
                probed[n] if n in probed and n not in self.running else self.registry.status(n, probe=False)
                for n in names
            ]
            changed = fresh != self._statuses
            self._statuses = fresh
        if changed:
            self.on_change(fresh)
        return fresh

    def update(self, name: str) -> None:
        """Re-read one running device's state (no probe) and post the statuses if it changed."""
        with self._lock:
            fresh = self.registry.status(name, probe=False)
            current = [fresh if s.name == name else s for s in self._statuses]
            changed = current != self._statuses
            self._statuses = current
        if changed:
            self.on_change(current)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.refresh()
            except Exception:  # a status query must never take the app down
                log.exception("device status refresh failed")
            stop.wait(self.interval)


def start_devices(config: DevicesConfig, bridge: QtBridge, threads: Threads) -> tuple[DeviceRegistry, DeviceMonitor]:
    """Build the configured devices and start their loops on ``threads``."""
    registry = DeviceRegistry.from_config(config)
    running = frozenset(n for n in ("id_reader", "scanner") if getattr(registry, n) is not None)
    monitor = DeviceMonitor(registry, bridge.post_device_statuses, running=running)
    if registry.id_reader is not None:
        reader = registry.id_reader

        def on_card_event(event: CardEvent) -> None:
            if event.kind in ("state", "error"):
                monitor.update("id_reader")
            bridge.post_card_event(event)

        threads.start("id-reader", lambda stop: reader.run(stop, on_card_event))
    if registry.scanner is not None:
        scanner = registry.scanner
        threads.start("scanner", lambda stop: scanner.run(stop, bridge.post_scanned_code))
    threads.start("device-monitor", monitor.run)
    return registry, monitor
