"""The `triage` command: operations on the service (a Flask CLI group)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from triage.config import PROJECT_ROOT


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # Files named by their revision id, which is "0001_<slug>", so they sort in order.
    config.set_main_option("file_template", "%%(rev)s")
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    alembic_command.upgrade(alembic_config(database_url), revision)


@click.group("db", help="Database migrations.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database to the newest revision.")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    url = current_app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade_database(url, revision)
    click.echo("Database is up to date.")


@db_group.command("revision", help="Write a new migration from the models (autogenerate).")
@click.option("-m", "--message", required=True)
@click.option("--rev-id", required=True, help="Like 0002_add_scores")
@with_appcontext
def db_revision(message: str, rev_id: str) -> None:
    import triage.models  # noqa: F401

    alembic_command.revision(
        alembic_config(current_app.config["DATABASE_URL"]),
        message=message,
        autogenerate=True,
        rev_id=rev_id,
    )


@click.command("create-user", help="Create a staff or submitter account.")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option(
    "--role",
    type=click.Choice(["commissioner", "placement_officer", "admin"]),
    required=True,
)
@click.password_option(help="Prompted for if not given.")
@with_appcontext
def create_user_command(email: str, full_name: str, role: str, password: str) -> None:
    from triage import db
    from triage.auth.passwords import password_problem
    from triage.auth.service import EmailTaken, create_user
    from triage.models.users import Role

    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise click.ClickException(problem)
    try:
        create_user(
            email=email, full_name=full_name, password=password, role=Role(role), organisation=None
        )
        db.session.commit()
    except EmailTaken:
        raise click.ClickException(f"An account already uses {email}") from None
    click.echo(f"Created {role} account for {email}.")


@click.command("demo-data", help="Create one demo account per role and print the sign-ins.")
@with_appcontext
def demo_data_command() -> None:
    from triage.demo import DEMO_PASSWORD, load_demo_accounts

    accounts = load_demo_accounts()
    click.echo(f"Demo accounts (all use the password {DEMO_PASSWORD}):")
    for role, email in accounts:
        click.echo(f"  {role:<18} {email}")


@click.command("dev", help="Run the web app and a Celery worker (with beat) together.")
@click.option("--port", default=5000)
@with_appcontext
def dev_command(port: int) -> None:
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers.app",
            "worker",
            "--beat",
            "--loglevel=INFO",
            "--concurrency=1",
        ],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
    )
    click.echo(f"Worker started (pid {worker.pid}). Service at http://localhost:{port}/")
    try:
        run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(dev_command)


def _create_app() -> Flask:
    from triage import create_app

    return create_app()


def main() -> None:
    FlaskGroup(create_app=_create_app, add_default_commands=True, load_dotenv=False)(
        prog_name="triage"
    )
