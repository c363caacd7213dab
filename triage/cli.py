"""The `triage` command: operations on the service (a Flask CLI group)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from triage.config import PROJECT_ROOT
from triage.db_roles import grant_app_role

if TYPE_CHECKING:
    from rules.policy_data import Policy


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
    app_role = current_app.config.get("DATABASE_APP_ROLE")
    if app_role:
        grant_app_role(url, app_role)
        click.echo(
            f"The app's role {app_role} may use the tables; the audit log stays append-only."
        )
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
    from triage.auth.service import EmailTaken, create_user
    from triage.models.users import Role
    from triage.passwords import password_problem

    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise click.ClickException(problem)
    try:
        create_user(
            email=email, full_name=full_name, password=password, role=Role(role), organisation=None
        )
    except EmailTaken:
        raise click.ClickException(f"An account already uses {email}") from None
    click.echo(f"Created {role} account for {email}.")


@click.command(
    "demo-data",
    help="Create one demo account per role (and an example waiting list) and print the sign-ins.",
)
@with_appcontext
def demo_data_command() -> None:
    from triage import db
    from triage.demo import DEMO_PASSWORD, load_demo_accounts, load_demo_placements

    # All of the demo data or none of it: the example waiting list needs the accounts.
    with db.unit_of_work():
        accounts = load_demo_accounts()
        people, homes = load_demo_placements()
    click.echo(f"Demo accounts (all use the password {DEMO_PASSWORD}):")
    for role, email in accounts:
        click.echo(f"  {role:<18} {email}")
    if people:
        click.echo(f"Example waiting list loaded: {people} people and {homes} vacant homes.")


@click.command(
    "refer-approved-offers",
    help="Refer to the placement team the homes of approved offers not yet referred "
    "(offers approved before placement existed). Safe to run again.",
)
@with_appcontext
def refer_approved_offers_command() -> None:
    from triage.services.placement import units as unit_service

    referred = unit_service.refer_unreferred_approved_offers()
    click.echo(f"Referred {referred} approved offer{'s' if referred != 1 else ''}.")


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
            # One process unless WORKER_CONCURRENCY says otherwise: a laptop's
            # cores are the web app's too.
            f"--concurrency={current_app.config['WORKER_CONCURRENCY'] or 1}",
        ],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
    )
    click.echo(f"Worker started (pid {worker.pid}). Service at http://localhost:{port}/")
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_simple("127.0.0.1", port, app, threaded=True)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def _policy_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--policy",
        "policy_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="A policy YAML file; the policy in force today if not given.",
    )(command)


def _print_each_result(
    policy_file: Path | None,
    read: Callable[[], list[Any]],
    run: Callable[[list[Any], Policy], Iterable[dict[str, Any]]],
    read_error: type[Exception],
) -> None:
    """One JSON line per item of a file, run against the policy (the one in force
    today unless a file names one); a bad file or policy is a clear message."""
    from rules.policy_data import PolicyError, current_policy, load_policy

    try:
        policy = load_policy(policy_file) if policy_file else current_policy()
        items = read()
    except (PolicyError, read_error) as error:
        raise click.ClickException(str(error)) from None
    for result in run(items, policy):
        click.echo(json.dumps(result, ensure_ascii=False))


@click.command("score", help="Score the offers in a JSON file (a list in the documented format).")
@click.argument("offers_file", type=click.Path(dir_okay=False, path_type=Path))
@_policy_option
def score_command(offers_file: Path, policy_file: Path | None) -> None:
    from rules.batch import OfferFileError, read_offers, score_all

    _print_each_result(policy_file, lambda: read_offers(offers_file), score_all, OfferFileError)


@click.command(
    "afford",
    help="Rent affordability for one tenant in one home per case, from a JSON list "
    "(docs/afford.schema.json); one JSON line per case.",
)
@click.argument("cases_file", type=click.Path(dir_okay=False, path_type=Path))
@_policy_option
def afford_command(cases_file: Path, policy_file: Path | None) -> None:
    from rules.cases import CaseFileError, afford_all, read_cases

    _print_each_result(policy_file, lambda: read_cases(cases_file), afford_all, CaseFileError)


@click.command(
    "match", help="Propose homes for people waiting, from files (prints the proposal as JSON)."
)
@click.option(
    "--people",
    "people_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The waiting list as CSV (see docs/waiting-list.md).",
)
@click.option(
    "--units",
    "units_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The vacant homes and who may share, as JSON (see docs/example-units.json).",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A policy YAML file; the policy in force on --today if not given.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date to match on (YYYY-MM-DD); today if not given.",
)
def match_command(
    people_file: Path, units_file: Path, policy_file: Path | None, today: datetime | None
) -> None:
    from rules.matching.people_csv import parse_people_csv, read_capped
    from rules.matching.proposal import propose
    from rules.matching.units_json import (
        MAX_UNITS_FILE_BYTES,
        UnitFileError,
        parse_units_json,
    )
    from rules.policy_data import PolicyError, current_policy, load_policy
    from triage import clock

    on = today.date() if today else clock.today_uk()
    try:
        policy = load_policy(policy_file) if policy_file else current_policy(on)
        with people_file.open("rb") as stream:
            people_data = read_capped(stream)
        with units_file.open("rb") as stream:
            units_data = stream.read(MAX_UNITS_FILE_BYTES + 1)
    except PolicyError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot be read: {error}") from None
    cohorts = [cohort.code for cohort in policy.cohorts]
    parsed = parse_people_csv(people_data, cohorts, on)
    if parsed.problems:
        listed = "\n".join(f"  {problem}" for problem in parsed.problems)
        raise click.ClickException(
            f"{people_file.name}: {len(parsed.problems)} problem(s), nobody was read:\n{listed}"
        )
    try:
        supply = parse_units_json(units_data, cohorts, units_file.name)
        proposal = propose(supply.units, parsed.people, policy, on, supply.sharing)
    except (UnitFileError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    result = {"policy_version": policy.version, "today": on.isoformat(), **proposal.as_dict()}
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@click.group("policy", help="The scoring policy.")
def policy_group() -> None:
    pass


@policy_group.command("check", help="Validate a policy YAML file.")
@click.argument("policy_file", type=click.Path(dir_okay=False, path_type=Path))
def policy_check_command(policy_file: Path) -> None:
    from rules.policy_data import PolicyError, load_policy

    try:
        policy = load_policy(policy_file)
    except PolicyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{policy_file.name}: policy {policy.version}, in force from "
        f"{policy.effective_from.isoformat()}, is valid."
    )


@click.command("offer-schema", help="Print the JSON Schema of the offer format.")
def offer_schema_command() -> None:
    from rules.batch import offer_json_schema

    click.echo(json.dumps(offer_json_schema(), indent=2, ensure_ascii=False))


# Commands that need no app or database: usable anywhere, for what-if work.
STANDALONE_COMMANDS = (
    score_command,
    afford_command,
    match_command,
    policy_group,
    offer_schema_command,
)


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(refer_approved_offers_command)
    app.cli.add_command(dev_command)


def _create_app() -> Flask:
    from triage import create_app

    return create_app()


def main() -> None:
    group = FlaskGroup(create_app=_create_app, add_default_commands=True, load_dotenv=False)
    for command in STANDALONE_COMMANDS:
        group.add_command(command)
    group(prog_name="triage")
