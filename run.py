"""diaryboost entry point: `python run.py [COMMAND]` (see `python run.py --help`)."""

from app.cli import cli

if __name__ == "__main__":
    cli()
