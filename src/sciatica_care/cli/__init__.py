"""The ``sciatica`` command line: one module per command group, Typer + Rich, ``--json`` on each."""
