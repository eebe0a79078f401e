"""The auction hall (拍卖大厅): ``rules`` (tables, checks, the state fold, ``replay``), ``views`` (DTOs),
``service`` (``AuctionService``), ``documents`` (成交确认书, 拍卖笔录) and ``demo`` (demo/test data)."""

from kiosk.auction.rules import (
    REASONS,
    STAGES,
    AuctionError,
    ReplayState,
    average_price_result,
    is_stage_bid,
    lottery_draw,
    lottery_seed,
    parse_min_bidders,
    replay,
    stage_value_text,
    verify_lottery,
)
from kiosk.auction.service import AuctionService
from kiosk.auction.views import Bidder, BidOutcome, BidView, LotResult, LotView, StageBidView

__all__ = [
    "REASONS", "AuctionError", "AuctionService", "BidOutcome", "Bidder", "BidView", "LotResult", "LotView",
    "ReplayState", "STAGES", "StageBidView", "average_price_result", "is_stage_bid", "lottery_draw",
    "lottery_seed", "verify_lottery",
    "parse_min_bidders", "replay", "stage_value_text",
]
