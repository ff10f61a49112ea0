"""Layan: self-hosted customer service."""

__version__ = "0.1.0"
