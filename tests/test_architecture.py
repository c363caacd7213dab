"""The shape the code keeps (docs/architecture.md): one writer of an offer's status,
services that own their transactions, no hidden upkeep on flush, services that
never climb back into the web packages, and one registry of task names."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from triage.services.audit import ACTION_LABELS, AuditAction
from triage.tasks import TaskName
from triage.workflow import TRANSITIONS, Action

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINT_PACKAGES = [
    "offers",
    "queue",
    "dashboard",
    "placement",
    "admin",
    "account",
    "auth",
    "pages",
]


def modules(*folders: str) -> Iterator[tuple[Path, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def _is_update_of_offer(node: ast.AST) -> bool:
    """`update(Offer)` somewhere at the root of a chain of method calls."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            if (
                isinstance(node.func, ast.Name)
                and node.func.id == "update"
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "Offer"
            ):
                return True
            node = node.func
        else:
            node = node.value
    return False


def test_only_the_workflow_writes_an_offers_status_with_sql():
    """Core UPDATEs of offers.status bypass the ORM (and the check in conftest that
    catches `offer.status = ...` at run time), so they are looked for in the source."""
    writers = []
    for path, tree in modules("triage", "workers"):
        if path == ROOT / "triage" / "workflow.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "values"
                and _is_update_of_offer(node.func.value)
                and any(keyword.arg == "status" for keyword in node.keywords)
            ):
                writers.append(where(path, node))
    assert writers == []


def test_only_the_workflow_assigns_an_offers_status_in_the_source():
    """`offer.status = ...` (any name with "offer" in it) outside the workflow; the
    check in conftest catches any other name at run time."""
    writers = [
        where(path, node)
        for path, tree in modules("triage", "workers")
        if path != ROOT / "triage" / "workflow.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute)
        and target.attr == "status"
        and "offer" in ast.unparse(target.value).lower()
    ]
    assert writers == []


def test_no_listener_on_flush_in_the_models():
    listeners = [
        where(path, node)
        for path, tree in modules("triage/models")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and node.value in {"after_flush", "before_flush", "after_flush_postexec"}
    ]
    assert listeners == []
    session = Session()
    for hook in ("after_flush", "before_flush", "after_flush_postexec"):
        assert len(getattr(session.dispatch, hook)) == 0, f"a {hook} listener is registered"


SESSION_CALLS = {"commit", "rollback", "expire", "expire_all", "refresh", "begin", "flush"}


@pytest.mark.parametrize("package", BLUEPRINT_PACKAGES)
def test_blueprint_packages_leave_the_transaction_to_services(package):
    """No commit, rollback, expiry or flush in a blueprint package: the service it
    calls owns the transaction (and the app's teardown rolls back what is left)."""
    found = [
        f"{where(path, node)} {node.func.attr}()"
        for path, tree in modules(f"triage/{package}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SESSION_CALLS
        and "session" in ast.unparse(node.func.value)
    ]
    assert found == []


@pytest.mark.parametrize("package", BLUEPRINT_PACKAGES)
def test_views_do_not_touch_the_session(package):
    """Route modules call services: they never use db.session themselves."""
    found = []
    for path, tree in modules(f"triage/{package}"):
        source = path.read_text()
        if ".route(" not in source and ".get(" not in source and ".post(" not in source:
            continue
        if "bp" not in source and "blueprint" not in source:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "db.session":
                found.append(where(path, node))
    assert found == []


def test_services_never_import_a_blueprint_package():
    web = tuple(f"triage.{package}" for package in BLUEPRINT_PACKAGES)
    found = []
    for path, tree in modules("triage/services", "triage/models", "workers"):
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(
                name == package or name.startswith(package + ".")
                for name in names
                for package in web
            ):
                found.append(where(path, node))
    assert found == []


def test_every_enqueued_task_is_named_from_the_registry():
    """The first argument of every outbox.enqueue call is a TaskName member."""
    loose = []
    for path, tree in modules("triage", "workers"):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "enqueue"
                and node.args
            ):
                first = node.args[0]
                if not (
                    isinstance(first, ast.Attribute)
                    and isinstance(first.value, ast.Name)
                    and first.value.id == "TaskName"
                    and first.attr in TaskName.__members__
                ):
                    loose.append(where(path, node))
    assert loose == []


def test_every_task_name_is_a_registered_task_and_the_schedule_names_only_those(app):
    from workers import tasks  # noqa: F401  (registers the tasks)
    from workers.celery_app import make_celery

    celery = make_celery(app)
    registered = set(celery.tasks.keys())
    assert {name.value for name in TaskName} <= registered
    scheduled = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert scheduled <= {name.value for name in TaskName}


def test_every_workflow_action_is_an_audited_action_with_a_label():
    assert Action is AuditAction
    assert all(isinstance(action, AuditAction) and action.label for action in TRANSITIONS)
    assert set(AuditAction) == set(ACTION_LABELS)
