"""The gateway websocket (v9/v10, JSON, optionally zlib- or zstd-compressed)."""

from localdiscord.gateway.hub import HEARTBEAT_INTERVAL_MS, Gateway
from localdiscord.gateway.session import Session

__all__ = ["HEARTBEAT_INTERVAL_MS", "Gateway", "Session"]
