"""Shifts: the shift rules (service), coverage, status, reminder mail, the iCal
calendar, the reminder job, and their views."""
