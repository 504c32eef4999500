"""The safety check: the screening form, the emergency screen, the re-check and ``/api/screenings``."""
