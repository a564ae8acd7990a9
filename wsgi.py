"""WSGI entry point: `flask --app wsgi ...` and production servers load `app` from here."""

from pathlib import Path

from portal import create_app

app = create_app()
# The default SQLite file and uploads live in instance/, which a fresh clone does not have yet.
Path(app.instance_path).mkdir(parents=True, exist_ok=True)
