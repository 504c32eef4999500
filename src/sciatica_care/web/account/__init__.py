"""Accounts: sign-up, sign-in, the disclaimer, Settings and ``/api/accounts``, ``/api/me``."""
