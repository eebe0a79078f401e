"""The evaluation area's GSM/4G modem: SMS in PDU mode, its driver and simulator (docs/devices.md §10)."""
