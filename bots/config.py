"""Settings: one validated object, loaded once.

Sources, strongest first: `O2C_*` environment variables (nested keys with `__`, for
example `O2C_IMAP__PORT`), then `o2c.toml` in the folder named by `O2C_HOME` (default:
the current directory), then the defaults, which point at the embedded sandbox.
Passwords are never read from the file: they come from the environment
(`O2C_ERP__PASSWORD`, ...) or from the system keyring (service `o2c`, user the dotted
key, e.g. `erp.password`).
"""

from __future__ import annotations

import logging
import os
import tomllib
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bots.errors import ConfigError

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEYRING_SERVICE = "o2c"
SECRET_KEYS = ("password",)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Section(BaseModel):
    model_config = {"extra": "forbid"}


class BrowserSettings(Section):
    executable_path: str | None = Field(
        default="/usr/bin/chromium",
        description="Chromium to drive; empty for Playwright's own browser",
    )
    headless: bool = True
    timeout_ms: int = Field(default=15_000, ge=500)
    trace: bool = True


class ErpSettings(Section):
    kind: Literal["sandbox", "tryton"] = "sandbox"
    url: str = "http://127.0.0.1:8801"
    username: str = "robot"
    password: SecretStr | None = None
    database: str | None = None
    part_map: Path | None = Field(
        default=None,
        description="CSV customer_no,customer_part,item_no[,price] (Tryton only)",
    )


class ImapSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8143, ge=1, le=65535)
    security: Literal["tls", "starttls", "plain"] = "plain"
    username: str = "orders"
    password: SecretStr | None = None
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    exceptions_folder: str = "Exceptions"
    timeout_seconds: float = 30.0
    max_message_bytes: int = 25_000_000

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> ImapSettings:
        if self.security == "plain" and self.host not in LOOPBACK:
            raise PydanticCustomError(
                "plain_imap",
                "security: plain IMAP is only allowed on loopback; "
                "use 'tls' or 'starttls'",
            )
        return self


class SmtpSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8025, ge=1, le=65535)
    security: Literal["tls", "starttls", "plain"] = "plain"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "customer-service@supplier.example"
    max_per_minute: int = Field(default=60, ge=1)


class PortalSettings(Section):
    kind: Literal["a", "b"]
    url: str
    username: str = "supplier"
    password: SecretStr | None = None


class CustomerSettings(Section):
    portal: str | None = None


class RuntimeSettings(Section):
    max_attempts: int = Field(default=3, ge=1)
    backoff_base_seconds: float = Field(default=30.0, ge=0)
    backoff_max_seconds: float = Field(default=3600.0, ge=0)
    lease_seconds: float = Field(default=300.0, gt=0)
    heartbeat_seconds: float = Field(default=30.0, gt=0)
    circuit_breaker_failures: int = Field(default=3, ge=1)


class IntakeSettings(Section):
    price_tolerance_percent: Decimal = Field(default=Decimal("2"), ge=0)
    templates_dir: Path | None = None
    max_attachment_bytes: int = 20_000_000


class ReminderLevel(Section):
    name: str
    days_overdue: int
    template: str = "payment_reminder"


class RemindersSettings(Section):
    levels: list[ReminderLevel] = Field(
        default_factory=lambda: [
            ReminderLevel(name="upcoming", days_overdue=-3),
            ReminderLevel(name="first", days_overdue=7),
            ReminderLevel(name="final", days_overdue=30),
        ]
    )


class CashSettings(Section):
    inbox_dir: Path | None = Field(
        default=None,
        description="watched folder for bank files and advices; default HOME/inbox/bank",
    )


class CommsSettings(Section):
    sender_name: str = "Customer Service"
    crisis_threshold: int = Field(default=2, ge=2)
    crisis_message: str = (
        "We are sorry to tell you that deliveries of some of your orders are delayed. "
        "The new dates are listed below."
    )
    order_roles: list[str] = Field(default_factory=lambda: ["purchasing"])
    reminder_roles: list[str] = Field(default_factory=lambda: ["accounts-payable"])


def _default_portals() -> dict[str, PortalSettings]:
    return {
        "portal_a": PortalSettings(kind="a", url="http://127.0.0.1:8802"),
        "portal_b": PortalSettings(kind="b", url="http://127.0.0.1:8803"),
    }


def _default_customers() -> dict[str, CustomerSettings]:
    return {
        "C1001": CustomerSettings(portal="portal_a"),
        "C1002": CustomerSettings(portal="portal_b"),
    }


class ConsoleSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8800, ge=1, le=65535)
    session_idle_minutes: int = Field(default=480, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=30, ge=1)


class Settings(BaseSettings):
    """Every setting of the suite. Build it with `load_settings()`."""

    model_config = SettingsConfigDict(
        env_prefix="O2C_",
        env_nested_delimiter="__",
        extra="forbid",
        case_sensitive=False,
    )

    home: Path = Field(default_factory=Path.cwd)
    database_url: str | None = None
    timezone: str = "Europe/Berlin"
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    erp: ErpSettings = Field(default_factory=ErpSettings)
    imap: ImapSettings = Field(default_factory=ImapSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    portals: dict[str, PortalSettings] = Field(default_factory=_default_portals)
    customers: dict[str, CustomerSettings] = Field(default_factory=_default_customers)
    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    comms: CommsSettings = Field(default_factory=CommsSettings)
    cash: CashSettings = Field(default_factory=CashSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = _home_from_env() / "o2c.toml"
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_file)
        return (init_settings, env_settings, toml)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'o2c.sqlite'}"

    @property
    def artifacts_dir(self) -> Path:
        return self.home / "artifacts"

    @property
    def selectors_dir(self) -> Path:
        return _home_or_shipped(self.home, "selectors")

    @property
    def schedules_dir(self) -> Path:
        return _home_or_shipped(self.home, "schedules")

    @cached_property
    def _secrets(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, secret in self._secret_fields():
            value = secret.get_secret_value() if secret else _from_keyring(key)
            if value:
                found[key] = value
        return found

    def _secret_fields(self) -> list[tuple[str, SecretStr | None]]:
        fields: list[tuple[str, SecretStr | None]] = [
            ("erp.password", self.erp.password),
            ("imap.password", self.imap.password),
            ("smtp.password", self.smtp.password),
        ]
        for name, portal in self.portals.items():
            fields.append((f"portals.{name}.password", portal.password))
        return fields

    def secret(self, key: str) -> str:
        """The secret for a dotted key such as `erp.password`; ConfigError if unset."""
        value = self._secrets.get(key)
        if value is None:
            env = "O2C_" + key.upper().replace(".", "__")
            raise ConfigError(
                key,
                "no password is set",
                f"export {env}=... or store it with "
                f"`keyring set {KEYRING_SERVICE} {key}`",
            )
        return value

    def secret_values(self) -> list[str]:
        """Every secret known to the settings, for scrubbing logs and artifacts."""
        return [v for v in self._secrets.values() if v]

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain data with every secret replaced."""
        data = self.model_dump(mode="json")
        data["database_url"] = _mask_url(self.effective_database_url)
        _mask_secrets(data, self._secrets, prefix="")
        data["paths"] = {
            "artifacts": str(self.artifacts_dir),
            "selectors": str(self.selectors_dir),
            "schedules": str(self.schedules_dir),
        }
        return data


def _home_from_env() -> Path:
    return Path(os.environ.get("O2C_HOME") or Path.cwd())


def _home_or_shipped(home: Path, name: str) -> Path:
    own = home / name
    if own.is_dir() and any(own.glob("*.y*ml")):
        return own
    return PROJECT_ROOT / name


def _from_keyring(key: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, key)
    except Exception:  # no backend on a headless machine is normal
        return None


def _mask_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _mask_secrets(data: dict[str, Any], secrets: dict[str, str], prefix: str) -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            _mask_secrets(value, secrets, prefix=dotted + ".")
        elif key in SECRET_KEYS:
            data[key] = "********" if dotted in secrets else "(not set)"


def _check_file_has_no_secrets(path: Path) -> None:
    if not path.is_file():
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            str(path), f"the file is not valid TOML ({exc})", "correct the file"
        ) from exc

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                dotted = f"{prefix}{key}"
                if key in SECRET_KEYS:
                    env = "O2C_" + dotted.upper().replace(".", "__")
                    raise ConfigError(
                        dotted,
                        f"passwords may not be written in {path.name}",
                        f"remove it from the file and export {env}=... or use "
                        f"`keyring set {KEYRING_SERVICE} {dotted}`",
                    )
                walk(value, dotted + ".")

    walk(data, "")


def load_settings(**overrides: Any) -> Settings:
    """Load and validate the settings; raise ConfigError naming the bad key."""
    home = _home_from_env()
    _check_file_has_no_secrets(home / "o2c.toml")
    overrides.setdefault("home", home)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "(settings)"
        if error["msg"].startswith("security:"):
            key = f"{key}.security"
        raise ConfigError(
            key,
            error["msg"],
            f"correct '{key}' in {home / 'o2c.toml'} or its O2C_ environment variable",
        ) from exc
    settings.home.mkdir(parents=True, exist_ok=True)
    return settings
