"""The composition root and command line of Hall Kiosk.

This is the only package that imports every layer: it reads the config, opens the database,
builds devices from their URLs, starts the sync worker and the journal followers, creates the
windows, and owns every thread's start and stop (docs/architecture.md §2). The core (``kiosk``) cannot import
``ui``, ``devices`` or ``sync``, so the wiring lives here, above all of them.
"""
