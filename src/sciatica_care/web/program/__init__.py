"""Today's program: the Today page, suggestions to accept and ``/api/program``."""
