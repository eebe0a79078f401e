"""Bid opening (开标) screens: the host's stage-by-stage console and the room's big screen."""
