"""Second-generation resident ID card reader (SAM serial protocol, docs/devices.md §1).

* :mod:`.frames` — the byte frames and a reassembler for noisy, split reads;
* :mod:`.status` — every SW3 status as a typed :class:`kiosk.ports.DeviceError`;
* :mod:`.text` — the 256-byte UCS-2 text block of all four card types, both ways;
* :mod:`.driver` — the find → select → read loop over a serial URL;
* :mod:`.simulator` — a reader on ``socket://`` or a pty that speaks the same bytes, with faults;
* :mod:`.sdk` — the same reader interface through a vendor's C SDK (``sdk:///…/libtermb.so?port=1001``,
  ``ctypes``; docs/devices.md §1.8), with the chip photo decoded.
"""
