"""Screens of the session roles (kiosk.staffing): the role sign-in panel the consoles share."""
