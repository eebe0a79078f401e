"""The evaluation area's door relay and phone lockers over Modbus RTU (docs/devices.md §11)."""
