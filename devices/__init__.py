"""Device drivers and simulators: byte-level protocols over pyserial and OpenCV (docs/architecture.md §5, docs/devices.md).

No Qt, no SQLAlchemy. Each device is configured by a URL; each has a simulator that speaks the
same bytes on ``socket://`` or a pty, so the demo and the tests run the real driver code.
"""
