"""The central platform's client (platform-api/README.md) and the sandbox platform. No Qt."""
