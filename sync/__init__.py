"""The central platform's client (docs/platform-api.md) and the sandbox platform. No Qt."""
