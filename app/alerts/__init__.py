"""Calls for help: when the team could lift a diary but those online cannot, alert
the others by email and the team chat; the admin page for the chat webhook."""
