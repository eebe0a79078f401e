"""The admin's recording review (录像回放): recordings per room and session, markers, player, export."""

from ui.recording.review import ReviewTab

__all__ = ["ReviewTab"]
