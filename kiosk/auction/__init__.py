"""The auction hall (拍卖大厅): the engine (``engine``) and its documents (``docs``)."""

from kiosk.auction.engine import (
    REASONS,
    STAGES,
    AuctionError,
    AuctionService,
    Bidder,
    BidOutcome,
    BidView,
    LotResult,
    LotView,
    ReplayState,
    StageBidView,
    average_price_result,
    lottery_draw,
    parse_min_bidders,
    replay,
    stage_value_text,
)

__all__ = [
    "REASONS", "AuctionError", "AuctionService", "BidOutcome", "Bidder", "BidView", "LotResult", "LotView",
    "ReplayState", "STAGES", "StageBidView", "average_price_result", "lottery_draw", "parse_min_bidders", "replay",
    "stage_value_text",
]
