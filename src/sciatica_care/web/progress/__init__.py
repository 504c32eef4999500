"""My progress: the chart page and ``/api/progress``."""
