"""diaryboost entry point: `python run.py [COMMAND]` (see `python run.py --help`)."""

if __name__ == "__main__":
    # Imported here, not at the top: parser processes (scrapers.parse_pool) start with
    # "spawn", which re-imports this file as __mp_main__ and needs none of the app.
    from app.cli import cli

    cli()
