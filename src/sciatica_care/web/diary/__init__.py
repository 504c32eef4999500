"""The pain diary: the check-in form with the body map, its result page and ``/api/checkins``."""
