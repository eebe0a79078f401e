"""Active liveness for check-in (活体检测), pure: is the face in front of the camera a person who turns their head?

The kiosk asks the person to turn their head to one side, chosen at random (:func:`choose_direction`),
and reads the face's yaw from each camera frame (``kiosk.faces.HeadPose``, computed by the face engine
off the UI thread). :func:`decide` looks at those samples:

* the **baseline** is the median yaw of the first ``baseline_frames`` frames with a face;
* **passed** when a later frame's yaw differs from the baseline by at least ``turn_deg`` in the asked
  direction, with a face in every frame up to then and before ``seconds`` have passed;
* **failed** when the face is lost (more than ``max_missing`` frames in a row without exactly one
  face — a phone or a photo taken away, a second face), when the head turns at least ``turn_deg`` the
  other way (a replayed video cannot know the side asked), or when ``seconds`` pass without the turn
  (a printed photo or a phone screen held still: its yaw does not change);
* **undecided** otherwise: keep going.

Yaw is positive when the person turns to their own left (``kiosk.faces.HeadPose``), so "left" asks for
an increase. No clock, no I/O: the caller passes the samples' monotonic times. Two failures send the
person to the clerk (:data:`ATTEMPTS`); a face is never compared without a passed liveness check.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kiosk.faces import HeadPose

Direction = Literal["left", "right"]
Verdict = Literal["passed", "failed", "undecided"]

#: tries before the person is sent to the clerk
ATTEMPTS = 2

#: the instruction on the face page, per direction: (zh, en)
PROMPTS: dict[str, tuple[str, str]] = {
    "left": ("请向左转头", "Turn your head to the left"),
    "right": ("请向右转头", "Turn your head to the right"),
}

#: why a try failed: (zh, en)
REASONS: dict[str, tuple[str, str]] = {
    "face_lost": ("未能持续检测到您的面部", "Your face was not seen throughout"),
    "wrong_direction": ("转头方向与提示不符", "The head turned the other way"),
    "timeout": ("规定时间内未检测到转头动作", "No head turn was seen in time"),
}


@dataclass(frozen=True)
class LivenessPolicy:
    """The thresholds of a try (``[checkin] liveness_turn_deg``, ``liveness_seconds``)."""

    turn_deg: float = 15.0
    seconds: float = 8.0
    baseline_frames: int = 3
    max_missing: int = 2  #: frames in a row without a face that are forgiven (a blink of the detector)


@dataclass(frozen=True)
class Sample:
    """One frame: its monotonic time (seconds) and the face's pose, None without exactly one face."""

    t: float
    pose: HeadPose | None


@dataclass(frozen=True)
class LivenessResult:
    """What :func:`decide` found. ``turned_deg`` is the largest change towards the asked side so far."""

    verdict: Verdict
    reason: str = ""  #: a key of :data:`REASONS` when failed
    turned_deg: float = 0.0
    baseline_deg: float | None = None

    @property
    def zh(self) -> str:
        return REASONS[self.reason][0] if self.reason else ""

    @property
    def en(self) -> str:
        return REASONS[self.reason][1] if self.reason else ""


def choose_direction(rng: random.Random | None = None) -> Direction:
    """Left or right, at random (``secrets``-grade randomness is not needed: the side is shown at once)."""
    return "left" if (rng or random.SystemRandom()).random() < 0.5 else "right"


def decide(samples: Sequence[Sample], direction: Direction, policy: LivenessPolicy, *, started: float,
           now: float | None = None) -> LivenessResult:
    """Decide one try from its frames so far (see the module docstring).

    Args:
        samples: the frames since the prompt was shown, in time order.
        direction: the side asked for.
        policy: thresholds.
        started: monotonic time the prompt was shown (the time limit runs from it).
        now: the time now, when frames may have stopped coming (else the last frame's time).
    """
    sign = 1.0 if direction == "left" else -1.0
    baseline: list[float] = []
    base: float | None = None
    missing = 0
    best = 0.0
    for sm in samples:
        if sm.t - started > policy.seconds:
            return LivenessResult("failed", "timeout", best, base)
        if sm.pose is None:
            missing += 1
            if missing > policy.max_missing:
                return LivenessResult("failed", "face_lost", best, base)
            continue
        missing = 0
        if base is None:
            baseline.append(sm.pose.yaw_deg)
            if len(baseline) >= policy.baseline_frames:
                base = statistics.median(baseline)
            continue
        change = (sm.pose.yaw_deg - base) * sign
        best = max(best, change)
        if change >= policy.turn_deg:
            return LivenessResult("passed", "", change, base)
        if change <= -policy.turn_deg:
            return LivenessResult("failed", "wrong_direction", best, base)
    last = now if now is not None else (samples[-1].t if samples else started)
    if last - started > policy.seconds:
        return LivenessResult("failed", "timeout", best, base)
    return LivenessResult("undecided", "", best, base)


def seconds_left(now: float, started: float, policy: LivenessPolicy) -> int:
    """Whole seconds left of a try, for the countdown (never negative)."""
    return max(0, int(policy.seconds - (now - started) + 0.999))
