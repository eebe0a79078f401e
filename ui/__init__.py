"""Presentation: one package per role, shared widgets, the theme and the Qt bridge.

Never imports SQLAlchemy or a driver: it calls services and receives plain immutable data.
"""
