"""Wellbeing Guide: the App, the command line and the services joining content and records."""

__version__ = "0.1.0"
