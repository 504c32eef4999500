"""Sciatica Care: home care for sciatica, safely, with the clinician in the loop."""

__version__ = "0.1.0"
