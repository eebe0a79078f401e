"""The head-turn liveness rules (kiosk.checkin.liveness, issue 16 must 3): pure, on pose sequences."""

from __future__ import annotations

import random

from kiosk.checkin.liveness import (
    ATTEMPTS,
    PROMPTS,
    LivenessPolicy,
    Sample,
    choose_direction,
    decide,
    seconds_left,
)
from kiosk.faces import HeadPose

POLICY = LivenessPolicy(turn_deg=15.0, seconds=8.0, baseline_frames=3, max_missing=2)


def frames(*yaws: float | None, start: float = 100.0, step: float = 1 / 6) -> list[Sample]:
    """Samples at 6 frames a second from ``start``; None is a frame without exactly one face."""
    return [Sample(start + i * step, None if y is None else HeadPose(y, 0.12)) for i, y in enumerate(yaws)]


def test_a_turn_to_the_asked_side_passes() -> None:
    # a head that rests at −4° (noise ±2°) and turns to the person's own left (yaw grows)
    got = decide(frames(-4, -2, -5, -3, 3, 9, 14, 22), "left", POLICY, started=100.0)
    assert got.verdict == "passed" and got.baseline_deg == -4 and got.turned_deg >= 15
    got = decide(frames(2, 1, 3, -4, -10, -19), "right", POLICY, started=100.0)
    assert got.verdict == "passed" and got.turned_deg == 21


def test_a_still_photo_or_screen_fails_when_the_time_is_up() -> None:
    still = frames(*([-3.0, -2.0, -4.0, -3.5] * 13))  # 52 frames, 8.5 s of a print held up
    assert decide(still[:30], "left", POLICY, started=100.0).verdict == "undecided"
    got = decide(still, "left", POLICY, started=100.0)
    assert (got.verdict, got.reason) == ("failed", "timeout") and got.turned_deg < 2
    # no frame comes at all (camera stalled): the time limit still ends the try
    assert decide([], "right", POLICY, started=100.0, now=108.5).reason == "timeout"
    assert decide([], "right", POLICY, started=100.0, now=105.0).verdict == "undecided"


def test_turning_the_other_way_fails() -> None:
    got = decide(frames(0, 1, 0, -8, -16), "left", POLICY, started=100.0)
    assert (got.verdict, got.reason) == ("failed", "wrong_direction")


def test_the_face_must_stay_in_view() -> None:
    # one or two frames without a face are forgiven (the detector blinks) …
    assert decide(frames(0, 0, 0, None, None, 5, 18), "left", POLICY, started=100.0).verdict == "passed"
    # … three in a row are not: the photo was taken away, or the person left
    got = decide(frames(0, 0, 0, 4, None, None, None, 20), "left", POLICY, started=100.0)
    assert (got.verdict, got.reason) == ("failed", "face_lost")


def test_a_turn_before_the_baseline_is_set_does_not_count() -> None:
    # the first frames are the baseline: turned already when the prompt appears, then back to the front
    got = decide(frames(25, 24, 26, 10, 2), "left", POLICY, started=100.0)
    assert got.verdict == "failed" and got.reason == "wrong_direction"


def test_a_turn_after_the_limit_does_not_count() -> None:
    late = frames(0, 0, 0, start=100.0) + frames(30, start=108.2)
    assert decide(late, "left", POLICY, started=100.0).reason == "timeout"


def test_the_side_is_random_and_the_prompt_says_it() -> None:
    rng = random.Random(1)
    sides = {choose_direction(rng) for _ in range(50)}
    assert sides == {"left", "right"}
    assert PROMPTS["left"] == ("请向左转头", "Turn your head to the left") and PROMPTS["right"][0] == "请向右转头"
    assert ATTEMPTS == 2


def test_the_countdown() -> None:
    assert seconds_left(100.0, 100.0, POLICY) == 8
    assert seconds_left(103.2, 100.0, POLICY) == 5
    assert seconds_left(109.0, 100.0, POLICY) == 0
