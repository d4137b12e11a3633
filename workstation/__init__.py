"""Telesales Workstation: a keyboard-first terminal workstation for telesales teams."""

__version__ = "0.1.0"
