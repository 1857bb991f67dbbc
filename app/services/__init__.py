"""Business logic: one function per use case, called by views, jobs and the CLI alike.

Service functions take a session and ``now``, add and flush, and never commit.
"""
