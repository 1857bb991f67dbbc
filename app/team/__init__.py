"""The team: members, invites, site rhythms, and their views."""
