"""Command-line tools: `flask --app wsgi users create-admin EMAIL`, `flask --app wsgi seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from portal.demo.synthetic import seed_synthetic_command
from portal.errors import ValidationError

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", "display_name", default=None, help="Display name for a new account.")
@click.option("--password", default=None, help="Password for a new account (prompted when omitted).")
def create_admin(email: str, display_name: str | None, password: str | None) -> None:
    """Make EMAIL an admin, creating the account when it does not exist."""
    from portal.accounts.services import get_user_by_email, make_admin

    if get_user_by_email(email) is None and password is None:
        password = click.prompt("Password for the new admin", hide_input=True, confirmation_prompt=True)
    try:
        user, created = make_admin(email, password, display_name)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.errors.values())) from exc
    click.echo(f"{'Created' if created else 'Promoted'} {user.email} as admin.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no accounts at all.")
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with the demo product, prototypes, people, ideas, votes and comments."""
    from portal.demo.seed import database_is_empty, seed_demo

    if if_empty and not database_is_empty():
        click.echo("The database already has content; demo seeding skipped.")
        return
    click.echo(seed_demo())


@click.command("rerender-markup")
@with_appcontext
def rerender_markup_command() -> None:
    """Render every stored Markdown text again, after the Markdown extensions or the allow-list changed."""
    from portal.markup_refresh import rerender_all

    counts = rerender_all()
    click.echo("Re-rendered " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")


def register_cli(app: Flask) -> None:
    from portal.core.backup import backup_command, restore_command
    from portal.notifications.cli import notifications_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(rerender_markup_command)
    app.cli.add_command(seed_synthetic_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
