"""The supervision room's screens: the wall (role ``supervisor``)."""
