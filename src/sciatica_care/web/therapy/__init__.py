"""Heat and cold: questions, timer pages and ``/api/therapy``."""
