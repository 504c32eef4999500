"""Questionnaires (SBI, PSFS, GRC): pages and ``/api/questionnaires``."""
