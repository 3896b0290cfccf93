"""CLC Ledger: the ledger and expiry manager for Cisco Learning Credits."""
from .app import create_app

__all__ = ["create_app"]
