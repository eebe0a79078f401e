"""The queue's screens (排队叫号): kiosk ticket and lookup flows, counter console, board view, admin tabs.

Every screen talks to ``kiosk.queue.QueueService`` (one unit of work per call, frozen DTOs) and gets
live updates from the journal follower through ``QtBridge.journalEntries``. Devices reach these
screens only as callables the composition root hands in (print a slip, announce a call).
"""

from __future__ import annotations

QUEUE_KINDS = frozenset({
    "ticket.issued", "ticket.called", "ticket.finished", "ticket.held", "ticket.requeued", "ticket.transferred",
    "ticket.reprinted", "queue.service_saved", "queue.counter_saved",
})
