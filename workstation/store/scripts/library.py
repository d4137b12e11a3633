"""Managing the stored call scripts: list them, read one as its file, save one edited in the
app, and import / export a directory of script files (`workstation scripts import/export`).

An import checks every file before it writes anything: each file's own format, then the
files together and against the database (each campaign named exists; no two files share a
script name or claim one campaign). Any problem, and the run writes nothing and lists every
problem with its file and line. Otherwise all files are written in ONE transaction.

A script is matched by name: an existing one is updated, a new one created, and scripts not
in the directory are left as they are (nothing is deleted). The campaigns a file lists are
exactly the campaigns that use the script afterwards; export lists them by name. Only a
manager changes scripts (checked here, so the CLI and the screen are held to it alike).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from workstation.store.db import database_files, write_session
from workstation.store.errors import StoreError
from workstation.store.models import CallScript, Campaign, utcnow
from workstation.store.outputs import OutputFile, first_line_in
from workstation.store.permissions import require_manager
from workstation.store.scripts.files import (
    FENCE,
    ScriptFile,
    ScriptFileError,
    decode,
    format_script,
    parse_script,
    slug,
)
from workstation.store.scripts.for_record import DEFAULT_NAME, default_script
from workstation.store.scripts.rules import ScriptError


class ScriptImportError(StoreError):
    """Files that cannot be imported; nothing was written."""

    def __init__(self, problems: Sequence[ScriptFileError]) -> None:
        listed = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"nothing imported: {len(problems)} problem(s)\n{listed}")
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class ScriptSummary:
    id: int | None  # None: the built-in default script, not stored yet
    name: str
    campaigns: tuple[str, ...]
    questions: int
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def _links(session: Session) -> dict[int, list[str]]:
    rows = session.execute(
        select(col(Campaign.call_script_id), col(Campaign.name)).where(
            col(Campaign.call_script_id).is_not(None)
        )
    ).all()
    links: dict[int, list[str]] = {}
    for script_id, name in rows:
        links.setdefault(script_id, []).append(name)
    return {script_id: sorted(names) for script_id, names in links.items()}


def list_scripts(session: Session) -> list[ScriptSummary]:
    """Every stored script by name, and the built-in default while none replaces it."""
    links = _links(session)
    scripts = [
        ScriptSummary(
            s.id, s.name, tuple(links.get(s.id, ())), len(s.questions or []), s.updated_at
        )
        for s in session.execute(select(CallScript)).scalars()
    ]
    if not any(s.name == DEFAULT_NAME for s in scripts):
        builtin = default_script()
        scripts.append(ScriptSummary(None, builtin.name, (), len(builtin.questions), None))
    return sorted(scripts, key=lambda s: s.name)


def script_as_file(session: Session, script_id: int | None) -> ScriptFile:
    """A stored script as its file (None: the built-in default)."""
    if script_id is None:
        return default_script()
    script = session.get(CallScript, script_id)
    if script is None:
        raise ScriptError(f"there is no script {script_id}")
    return ScriptFile(
        name=script.name,
        body=script.body,
        questions=tuple(script.questions or ()),
        campaigns=tuple(_links(session).get(script_id, ())),
        qualify=script.qualify,
    )


def _check_campaigns(session: Session, files: Sequence[ScriptFile]) -> list[ScriptFileError]:
    wanted = {name for f in files for name in f.campaigns}
    known = set(
        session.execute(select(col(Campaign.name)).where(col(Campaign.name).in_(wanted))).scalars()
    )
    return [
        ScriptFileError(f.source, line, f"there is no campaign named {name!r}")
        for f in files
        for name, line in zip(f.campaigns, f.campaign_lines, strict=True)
        if name not in known
    ]


def _write(
    session: Session, script: ScriptFile, row: CallScript | None, now: datetime
) -> tuple[str, CallScript]:
    """Store one script and its campaign links: ("created", "updated" or "unchanged", row)."""
    questions = list(script.questions)
    if row is None:
        row = CallScript(name=script.name, body=script.body, questions=questions,
                         qualify=script.qualify, updated_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        outcome = "created"
    else:
        stored = (row.name, row.body, json.dumps(row.questions), json.dumps(row.qualify))
        given = (script.name, script.body, json.dumps(questions), json.dumps(script.qualify))
        outcome = "unchanged" if stored == given else "updated"
        row.name, row.body, row.questions, row.qualify = (
            script.name, script.body, questions, script.qualify
        )  # fmt: skip
    linked = session.execute(
        select(Campaign).where(
            (col(Campaign.call_script_id) == row.id) | col(Campaign.name).in_(script.campaigns)
        )
    ).scalars()
    for campaign in linked:
        target = row.id if campaign.name in script.campaigns else None
        if campaign.call_script_id != target:
            campaign.call_script_id = target
            outcome = "updated" if outcome == "unchanged" else outcome
    if outcome == "updated":
        row.updated_at = now
    return outcome, row


def save_script(
    engine: Engine,
    script: ScriptFile,
    *,
    script_id: int | None,
    acting_rep_id: int | None,
    now: datetime | None = None,
) -> ScriptSummary:
    """Save one script edited in the app (a new one when `script_id` is None); one transaction."""
    now = now or utcnow()
    with write_session(engine) as session:
        require_manager(session, acting_rep_id, "change call scripts")
        problems = _check_campaigns(session, [script])
        if problems:
            raise problems[0]
        row = session.get(CallScript, script_id) if script_id is not None else None
        if script_id is not None and row is None:
            raise ScriptError(f"there is no script {script_id}: it may have been renamed")
        same_name = session.execute(
            select(CallScript).where(col(CallScript.name) == script.name)
        ).scalar_one_or_none()
        if same_name is not None and same_name is not row:
            raise ScriptError(f"another script is called {script.name!r}: pick another name")
        _outcome, saved = _write(session, script, row, now)
        session.flush()
        return ScriptSummary(saved.id, saved.name, tuple(sorted(script.campaigns)),
                             len(script.questions), saved.updated_at)  # fmt: skip


def read_directory(directory: Path) -> list[ScriptFile]:
    """Every *.md file of a directory, parsed and checked together; nothing is written."""
    if not directory.is_dir():
        raise ScriptError(f"{directory} is not a directory")
    paths = sorted(directory.glob("*.md"))
    if not paths:
        raise ScriptError(f"there are no script files (*.md) in {directory}")
    problems: list[ScriptFileError] = []
    files: list[ScriptFile] = []
    for path in paths:
        try:
            files.append(parse_script(decode(path.read_bytes(), path.name), path.name))
        except ScriptFileError as problem:
            problems.append(problem)
    names: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for f in files:
        if f.name in names:
            problems.append(ScriptFileError(
                f.source, f.name_line, f"{names[f.name]} has the same script name"))  # fmt: skip
        names.setdefault(f.name, f.source)
        for name, line in zip(f.campaigns, f.campaign_lines, strict=True):
            if name in claimed:
                problems.append(ScriptFileError(
                    f.source, line, f"{claimed[name]} lists this campaign too"))  # fmt: skip
            claimed.setdefault(name, f.source)
    if problems:
        raise ScriptImportError(problems)
    return files


def import_scripts(
    engine: Engine, directory: Path, *, acting_rep_id: int | None, now: datetime | None = None
) -> ImportResult:
    """Import a directory of script files: all of them in one transaction, or none."""
    now = now or utcnow()
    files = read_directory(directory)
    done: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with write_session(engine) as session:
        require_manager(session, acting_rep_id, "import call scripts")
        problems = _check_campaigns(session, files)
        if problems:
            raise ScriptImportError(problems)
        stored = {
            s.name: s
            for s in session.execute(
                select(CallScript).where(col(CallScript.name).in_([f.name for f in files]))
            ).scalars()
        }
        for f in files:
            done[_write(session, f, stored.get(f.name), now)[0]].append(f.name)
    return ImportResult(*(tuple(done[k]) for k in ("created", "updated", "unchanged")))


def export_scripts(engine: Engine, directory: Path) -> list[Path]:
    """Write every script (and the built-in default while none replaces it) as a file: all
    of them or none (`store.outputs`: each complete before any takes its name)."""
    with Session(engine) as session:
        files = [script_as_file(session, s.id) for s in list_scripts(session)]
    made = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot write the scripts to {directory}: {error.strerror or error}"
        ) from None
    if not directory.is_dir():
        raise StoreError(f"cannot write the scripts to {directory}: it is not a folder")
    outputs: list[OutputFile] = []
    try:
        for script in files:
            path = directory / f"{slug(script.name)}.md"
            number = 2
            while any(output.path == path for output in outputs):
                path = directory / f"{slug(script.name)}-{number}.md"
                number += 1
            outputs.append(OutputFile(path, first_line_in(FENCE), protect=database_files(engine)))
            try:
                outputs[-1].file.write(format_script(script))
            except OSError as error:
                raise outputs[-1].failed(error) from None
        for output in outputs:
            output.commit()
    except BaseException:
        for output in outputs:
            output.discard()
        if made and not any(directory.iterdir()):
            directory.rmdir()
        raise
    return [output.path for output in outputs]
