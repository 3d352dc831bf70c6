"""Chaos controls shared by every sandbox web system.

A `Chaos` object holds the current disturbances: added latency, a rate of HTTP 500
answers, a maintenance window (503), the session lifetime, a "system message" modal
that must be dismissed before the page can be used, and the *skin* version, which
renames element ids and classes so that selector drift can be tested. It is chosen at
start with a profile name and changed while running on `/admin/chaos`.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, redirect, request, session

ADMIN_PREFIXES = ("/admin", "/static", "/chaos")


@dataclass
class Chaos:
    latency_ms: int = 0
    error_rate: float = 0.0
    maintenance: bool = False
    session_ttl_seconds: int = 1800
    system_message: str = ""
    skin: int = 1

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(7)
        self.message_version = 0

    def update(self, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                if key not in FIELDS:
                    raise KeyError(key)
                setattr(self, key, type(getattr(self, key))(value))
            if "system_message" in changes:
                self.message_version += 1

    def roll_error(self) -> bool:
        with self._lock:
            return self.error_rate > 0 and self._random.random() < self.error_rate

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["message_version"] = self.message_version
        return data


FIELDS = ("latency_ms", "error_rate", "maintenance", "session_ttl_seconds",
          "system_message", "skin")

PROFILES: dict[str, Chaos] = {
    "none": Chaos(),
    "slow": Chaos(latency_ms=700),
    "flaky": Chaos(error_rate=0.15),
    "maintenance": Chaos(maintenance=True),
    "short-sessions": Chaos(session_ttl_seconds=20),
    "notice": Chaos(system_message="Month-end closing tonight from 22:00."),
    "skin2": Chaos(skin=2),
    "storm": Chaos(latency_ms=300, error_rate=0.1, session_ttl_seconds=30,
                   system_message="Scheduled maintenance on Sunday 02:00-04:00."),
}


def from_profile(name: str) -> Chaos:
    """A fresh Chaos for a profile name; KeyError lists the known names."""
    if name not in PROFILES:
        raise KeyError(f"unknown chaos profile '{name}'; known: {', '.join(PROFILES)}")
    return replace(PROFILES[name])


def skin_id(chaos: Chaos, name: str) -> str:
    """The element id (or class) `name` as the current skin spells it."""
    if chaos.skin <= 1:
        return name
    digest = hashlib.sha1(f"{chaos.skin}:{name}".encode()).hexdigest()[:6]
    return f"k{chaos.skin}_{digest}"


MAINTENANCE_PAGE = """<!doctype html><html><head><title>503 Service Unavailable</title>
</head><body style="font-family:Tahoma,sans-serif;background:#d4d0c8">
<h1>Service Unavailable</h1><p>The system is down for scheduled maintenance.
Please try again later.</p><hr><address>Apache/2.2.15 (Unix)</address></body></html>"""

ERROR_PAGE = """<!doctype html><html><head><title>500 Internal Server Error</title>
</head><body style="font-family:Tahoma,sans-serif;background:#d4d0c8">
<h1>Internal Server Error</h1><p>The server encountered an internal error or
misconfiguration and was unable to complete your request.</p><hr>
<address>Apache/2.2.15 (Unix)</address></body></html>"""

MODAL = """<div id="{overlay}" class="{overlay_cls}" style="position:fixed;inset:0;
background:rgba(0,0,0,.45);z-index:9999;display:flex;align-items:center;
justify-content:center"><div role="dialog" aria-label="System message"
style="background:#ece9d8;border:2px solid #0a246a;min-width:360px;
font-family:Tahoma,sans-serif;font-size:12px"><div style="background:#0a246a;
color:#fff;padding:3px 6px;font-weight:bold">System message</div>
<div style="padding:12px">{text}</div><form method="post" action="/chaos/dismiss"
style="padding:0 12px 12px;text-align:right"><input type="hidden" name="next"
value="{next}"><button type="submit" id="{button}" class="{button_cls}">OK</button>
</form></div></div>"""


def install_chaos(app: Flask, chaos: Chaos) -> None:
    """Make `app` obey `chaos`; adds `/admin/chaos` and `/chaos/dismiss`."""
    app.extensions["chaos"] = chaos

    @app.before_request
    def _disturb() -> Response | None:
        if request.path.startswith(ADMIN_PREFIXES):
            return None
        if chaos.latency_ms:
            time.sleep(chaos.latency_ms / 1000)
        if chaos.maintenance:
            return Response(MAINTENANCE_PAGE, status=503, headers={"Retry-After": "60"})
        if chaos.roll_error():
            return Response(ERROR_PAGE, status=500)
        return None

    @app.context_processor
    def _skin() -> dict[str, Any]:
        return {
            "sid": lambda name: skin_id(chaos, name),
            "system_message_html": system_message_html,
            "chaos": chaos,
        }

    app.register_blueprint(_chaos_blueprint(chaos))


def system_message_html() -> str:
    """The modal markup when a system message is up and not yet dismissed."""
    from markupsafe import Markup, escape

    from flask import current_app

    chaos: Chaos = current_app.extensions["chaos"]
    if not chaos.system_message:
        return Markup("")
    if session.get("chaos_dismissed") == chaos.message_version:
        return Markup("")
    return Markup(MODAL.format(
        overlay=skin_id(chaos, "sysmsg"), overlay_cls=skin_id(chaos, "sysmsg-overlay"),
        button=skin_id(chaos, "sysmsg-ok"), button_cls=skin_id(chaos, "btn"),
        text=escape(chaos.system_message), next=escape(request.full_path),
    ))


def _chaos_blueprint(chaos: Chaos) -> Blueprint:
    bp = Blueprint("chaos", __name__)

    @bp.post("/chaos/dismiss")
    def dismiss() -> Response:
        session["chaos_dismissed"] = chaos.message_version
        target = request.form.get("next") or "/"
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        return redirect(target, code=303)

    @bp.route("/admin/chaos", methods=["GET", "POST"])
    def admin() -> Response | str:
        if request.method == "POST":
            raw = request.get_json(silent=True) or request.form.to_dict()
            if "maintenance" in raw and isinstance(raw["maintenance"], str):
                raw["maintenance"] = raw["maintenance"].lower() in ("1", "true", "on")
            if "profile" in raw:
                fresh = from_profile(raw.pop("profile"))
                raw = {**{k: getattr(fresh, k) for k in FIELDS}, **raw}
            chaos.update(**{k: v for k, v in raw.items() if k in FIELDS})
            if request.is_json:
                return jsonify(chaos.as_dict())
            return redirect("/admin/chaos", code=303)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(chaos.as_dict())
        return _admin_form(chaos)

    return bp


def _admin_form(chaos: Chaos) -> str:
    from markupsafe import escape

    rows = "".join(
        f"<tr><td>{name}</td><td><input name='{name}' "
        f"value='{escape(getattr(chaos, name))}'></td></tr>" for name in FIELDS
    )
    options = "".join(f"<option>{p}</option>" for p in PROFILES)
    return (
        "<!doctype html><html><head><title>Chaos controls</title></head>"
        "<body style='font-family:Tahoma,sans-serif;font-size:12px;background:#d4d0c8'>"
        "<h2>Sandbox chaos controls</h2><form method='post'><table>"
        f"{rows}</table><button type='submit'>Apply</button></form>"
        f"<form method='post'><select name='profile'>{options}</select>"
        "<button type='submit'>Load profile</button></form></body></html>"
    )
