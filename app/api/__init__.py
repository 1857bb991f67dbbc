"""The JSON API (/api/v1): its views and its schema."""
