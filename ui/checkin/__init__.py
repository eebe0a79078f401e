"""Check-in screens (人证核验签到): the kiosk flow, the clerk's manual check-in, attendance lists.

The composition root (``hallkiosk.wiring_checkin``) builds them with a
:class:`kiosk.checkin.CheckinService` and a :class:`ui.checkin.station.CheckinStation` — the
printer job queue, the slip renderer and the face camera, which run on threads the root owns and
report back through Qt signals. Nothing here imports a driver.
"""
