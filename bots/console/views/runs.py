"""Runs: the history, one run's live progress and artifacts, and launching a bot.

A launch starts `o2c run BOT --trigger console [--limit N]` as a detached process
(its own session, output to a log file), so the console never waits for a run and
a run survives a console restart.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from bots.config import Settings
from bots.console import store, users
from bots.console.security import require_role
from bots.console.views.files import send_download
from bots.flows import BOTS

log = logging.getLogger(__name__)

bp = Blueprint("runs", __name__)

MAX_ARTIFACTS = 500
MAX_LIMIT = 100_000


def _settings() -> Settings:
    return current_app.config["O2C_SETTINGS"]


@bp.route("/runs")
def index() -> str:
    bot = request.args.get("bot", "")
    return render_template(
        "runs.html",
        runs=store.list_runs(_settings(), bot=bot),
        bot=bot,
        bots=list(BOTS),
    )


def _run_or_404(run_id: str) -> dict[str, Any]:
    run = store.get_run(_settings(), run_id)
    if run is None:
        abort(404, description=f"There is no run {run_id}.")
    return run


@bp.route("/runs/<run_id>")
def detail(run_id: str) -> str:
    run = _run_or_404(run_id)
    return render_template(
        "run.html",
        run=run,
        artifacts=artifacts(_settings(), run),
        items=store.run_items(_settings(), run_id),
    )


@bp.route("/runs/<run_id>/progress.json")
def progress(run_id: str) -> Response:
    run = _run_or_404(run_id)
    return jsonify(
        {
            "id": run["id"],
            "status": run["status"],
            "counts": run["counts"],
            "processed": run["processed"],
            "total": run["total"],
            "ended_at": run["ended_at"].isoformat() if run["ended_at"] else None,
            "message": run["message"],
        }
    )


def run_folder(settings: Settings, run: dict[str, Any]) -> Path | None:
    """The run's artifact folder if it is inside the artifacts folder."""
    if not run.get("artifact_dir"):
        return None
    root = settings.artifacts_dir.resolve()
    folder = Path(run["artifact_dir"])
    folder = (folder if folder.is_absolute() else root / folder).resolve()
    if not folder.is_relative_to(root) or not folder.is_dir():
        return None
    return folder


def artifacts(settings: Settings, run: dict[str, Any]) -> list[dict[str, Any]]:
    folder = run_folder(settings, run)
    if folder is None:
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and len(found) < MAX_ARTIFACTS:
            found.append(
                {
                    "path": path.relative_to(folder).as_posix(),
                    "size": path.stat().st_size,
                }
            )
    return found


@bp.route("/runs/<run_id>/artifacts/<path:relative>")
def artifact(run_id: str, relative: str) -> Response:
    run = _run_or_404(run_id)
    folder = run_folder(_settings(), run)
    if folder is None:
        abort(404, description="This run left no artifacts.")
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        abort(404, description="There is no such artifact.")
    return send_download(path, path.name)


@bp.route("/launch", methods=["POST"])
@require_role("operator")
def launch() -> Response:
    bot = request.form.get("bot", "")
    if bot not in BOTS:
        abort(400, description="Choose one of the bots.")
    limit = _limit(request.form.get("limit", ""))
    settings = _settings()
    running = store.running_run_of(settings, bot)
    if running:
        flash(
            f"{bot} is running already (run {running}); it was not started again.",
            "error",
        )
        return redirect(url_for("runs.index", bot=bot), 303)
    pid = spawn_run(settings, bot, limit)
    users.audit(settings, g.user.name, "bot.launch", bot, {"limit": limit, "pid": pid})
    flash(
        f"Started {bot}"
        + (f" for at most {limit} items" if limit else "")
        + ". The run appears below in a moment.",
        "ok",
    )
    return redirect(url_for("runs.index", bot=bot), 303)


def _limit(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_LIMIT:
        abort(
            400, description=f"The limit must be a whole number from 1 to {MAX_LIMIT}."
        )
    return int(text)


def spawn_run(settings: Settings, bot: str, limit: int | None) -> int:
    """Start `o2c run` detached; return its process id."""
    command = [sys.executable, "-m", "bots", "run", bot, "--trigger", "console"]
    if limit:
        command += ["--limit", str(limit)]
    env = dict(os.environ, O2C_HOME=str(settings.home))
    if settings.database_url:
        env["O2C_DATABASE_URL"] = settings.database_url
    logs = settings.artifacts_dir / "console-launches"
    logs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    with (logs / f"{stamp}-{bot}.log").open("ab") as output:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            env=env,
            cwd=str(settings.home),
            start_new_session=True,
        )
    # Reap the child when it ends so it never lingers as a zombie.
    threading.Thread(
        target=process.wait, name=f"reap-{process.pid}", daemon=True
    ).start()
    log.info("launched %s (pid %d, limit %s)", bot, process.pid, limit)
    return process.pid
