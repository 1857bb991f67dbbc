"""Accounts: users, passwords and tokens, login throttling, profile, onboarding,
and their views (login, admin users)."""
