"""The supervision room (行政监督室) and the witness (见证): alert rules, orders, witness notes.

See :mod:`kiosk.supervision.rules` (pure), :mod:`kiosk.supervision.service` (units of work) and
docs/rules/supervision.md.
"""

from kiosk.supervision.replay import Clip, Moment, Replay
from kiosk.supervision.rules import AUCTION_STEPS, DRAW_STEPS, ORDERS, RULES, checklist, evaluate
from kiosk.supervision.service import (
    SupervisionService,
    Watch,
    orders_of,
    paused_by_supervisor,
    witness_notes,
)
from kiosk.supervision.views import Alert, Order, RaisedAlert, RoomState, Scheduled, Step, WitnessNote

__all__ = [
    "AUCTION_STEPS", "DRAW_STEPS", "ORDERS", "RULES", "Alert", "Clip", "Moment", "Replay", "Order", "RaisedAlert", "RoomState", "Scheduled", "Step",
    "SupervisionService", "Watch", "WitnessNote", "checklist", "evaluate", "orders_of", "paused_by_supervisor",
    "witness_notes",
]
