"""The guided session: the player page, its script and ``/api/sessions``."""
