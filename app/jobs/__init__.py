"""Periodic jobs: the registry of every job, the scheduler and its lease."""
