"""Sources: sites, feeds and OPML, polling and counts, scrape health, extraction,
topic rules, and their views."""
