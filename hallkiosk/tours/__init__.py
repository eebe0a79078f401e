"""The demo tours, one module per capability (``hallkiosk/tours/<cap>.py``), run by ``hall-kiosk demo``.

They drive the real terminals headless and take screenshots; production wiring
(``hallkiosk/wiring_<cap>.py``) has none of this code.
"""
