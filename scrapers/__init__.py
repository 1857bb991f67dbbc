"""Intake: fetch (the only network I/O) → parse (bytes in, plain data out) → decide (pure)
→ store (the only database writes). Never imports Flask: the scheduler process uses it."""
