"""The auction hall (拍卖大厅): the engine (``engine``) and its documents (``docs``)."""

from kiosk.auction.engine import (
    REASONS,
    AuctionError,
    AuctionService,
    Bidder,
    BidOutcome,
    BidView,
    LotResult,
    LotView,
    ReplayState,
    lottery_draw,
    replay,
)

__all__ = [
    "REASONS", "AuctionError", "AuctionService", "BidOutcome", "Bidder", "BidView", "LotResult", "LotView",
    "ReplayState", "lottery_draw", "replay",
]
