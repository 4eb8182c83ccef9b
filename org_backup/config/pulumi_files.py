"""The `org-backup:*` config a Pulumi stack sees, read from the project's own files the way the
Pulumi CLI merges them, so that `discover`, `synth` and `audit` see what `pulumi up` sees.

What the Pulumi CLI does (pulumi/pulumi, sdk/go/common/workspace/project.go and config.go;
https://www.pulumi.com/docs/iac/concepts/projects/project-file/ , "config"):
- `Pulumi.yaml`'s `config:` declares project-level config. An unqualified key belongs to the
  project's namespace (its `name`); `<project name>:key` does too; any other namespace
  (`aws:region`) is someone else's and is ignored here.
- A project key's short form `key: value` (a scalar or a list) is its `default`; the long form
  is a mapping of `type`, `description`, `items`, `default`, `value`, `secret`. A key of another
  namespace takes `value` only. `default` and `value` together are refused.
- The stack file `Pulumi.<stack>.yaml` (in `stackConfigDir` if the project sets one) wins key by
  key; a project key with neither `default` nor `value` that the stack does not set stops the
  update ("Stack ... is missing configuration value").
ORG_BACKUP_* environment variables then win over both (config/settings.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from org_backup.config.settings import CONFIG_NAMESPACE, ENV_PREFIX, StackConfig
from org_backup.errors import MISSING, InputError, Problem

PROJECT_FILE = "Pulumi.yaml"
STACK_CONFIG_SOURCE = "Pulumi stack config"
_DECLARATION = frozenset({"type", "description", "items", "default", "value", "secret"})


@dataclass(frozen=True)
class ProjectConfig:
    """What Pulumi.yaml contributes: its org-backup values, and the keys it requires of stacks."""

    path: Path
    stack_config_dir: Path
    values: dict[str, Any]
    required: dict[str, str]  # field -> its key as written, declared with no default or value


def stack_config(stack: str | None, directory: Path = Path(".")) -> tuple[StackConfig, str]:
    """Pulumi.yaml's config, then `Pulumi.<stack>.yaml` over it (with a stack name), and how
    messages should name the stack's config; each value names its own file."""
    project = read_project_file(directory / PROJECT_FILE)
    values = StackConfig()
    if project is not None:
        values.update(project.values)
        values.origins.update(dict.fromkeys(project.values, str(project.path)))
    source, stack_keys = STACK_CONFIG_SOURCE, set()
    if stack:
        path = (project.stack_config_dir if project else directory) / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            raise InputError([Problem(str(path), "--stack", stack, "no such stack file here")])
        raw = _stack_file_values(path)
        stack_values = _without_secrets(path, raw)
        values.update(stack_values)
        values.origins.update(dict.fromkeys(stack_values, str(path)))
        source, stack_keys = str(path), set(raw)
    if project is None:
        return values, source
    where = f"{source} does not set it" if stack else "no --stack file sets it"
    problems = [
        Problem(
            str(project.path),
            f"config.{key}",
            MISSING,
            f"is declared without a default or value and {where}; Pulumi stops such a stack"
            " with 'Stack ... is missing configuration value'",
        )
        for field, key in project.required.items()
        if field not in stack_keys
    ]
    if problems:
        raise InputError(problems)
    return values, source


def read_project_file(path: Path) -> ProjectConfig | None:
    """The org-backup values of Pulumi.yaml's `config:`; None when there is no Pulumi.yaml."""
    if not path.is_file():
        return None
    document = _read_yaml(path)
    if not isinstance(document, dict):
        raise InputError([Problem(str(path), "(document)", document, "must be a mapping")])
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise InputError([Problem(str(path), "name", name or MISSING, "must name the project")])
    config = document.get("config")
    config_dir = document.get("stackConfigDir")
    if isinstance(config, str):  # the old spelling of stackConfigDir
        config_dir, config = config, None
    stack_config_dir = path.parent / config_dir if config_dir else path.parent
    if config is not None and not isinstance(config, dict):
        raise InputError([Problem(str(path), "config", config, "must be a mapping of keys")])
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    required: dict[str, str] = {}
    for key, raw in (config or {}).items():
        key = str(key)
        namespace, _, field_name = key.rpartition(":")
        namespace = namespace or name
        spec, problem = _declaration(path, key, raw, own=namespace == name)
        if problem is not None:
            problems.append(problem)
        elif namespace != CONFIG_NAMESPACE:
            continue  # another package's config, or keys the program does not read
        elif spec.get("default") is not None:
            values[field_name] = spec["default"]
        elif spec.get("value") is not None:
            values[field_name] = spec["value"]
        else:  # Pulumi, too, counts a null default as none
            required[field_name] = key
    if problems:
        raise InputError(problems)
    return ProjectConfig(path, stack_config_dir, values, required)


def _declaration(
    path: Path, key: str, raw: Any, own: bool
) -> tuple[dict[str, Any], Problem | None]:
    """A config entry as Pulumi reads it, or the reason Pulumi refuses the project file."""
    if raw is None:
        spec: dict[str, Any] = {}
    elif isinstance(raw, dict):
        spec = raw
        unknown = sorted(set(map(str, raw)) - _DECLARATION)
        if unknown:
            return spec, Problem(
                str(path),
                f"config.{key}",
                raw,
                f"has {', '.join(unknown)}: Pulumi reads a mapping here as a declaration"
                " (type, description, items, default, value, secret); put an object under"
                " 'default:' or 'value:'",
            )
    else:  # short form: a scalar or a list
        spec = {"default": raw} if own else {"value": raw}
    if "default" in spec and "value" in spec:
        return spec, Problem(
            str(path), f"config.{key}", raw, "cannot have both a 'default' and a 'value'"
        )
    if not own and ("type" in spec or "default" in spec or "value" not in spec):
        return spec, Problem(
            str(path),
            f"config.{key}",
            raw,
            "is not in the project's namespace: Pulumi takes only a 'value' here (no type,"
            " no default)",
        )
    return spec, None


def _stack_file_values(path: Path) -> dict[str, Any]:
    document = _read_yaml(path) or {}
    config = document.get("config") if isinstance(document, dict) else None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise InputError(
            [Problem(str(path), "config", config, "must be a mapping of keys to values")]
        )
    prefix = CONFIG_NAMESPACE + ":"
    return {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}


def _without_secrets(path: Path, values: dict[str, Any]) -> dict[str, Any]:
    """Secrets only the Pulumi CLI can decrypt: fine when the environment variable replaces it."""
    secrets = [
        Problem(
            str(path),
            f"{CONFIG_NAMESPACE}:{key}",
            "secure: ...",
            f"is a Pulumi secret, which only the Pulumi CLI can decrypt; for synth set"
            f" {ENV_PREFIX}{key.upper()} instead",
        )
        for key, value in values.items()
        if _is_secret(value) and ENV_PREFIX + key.upper() not in os.environ
    ]
    if secrets:
        raise InputError(secrets)
    return {key: value for key, value in values.items() if not _is_secret(value)}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"cannot be read: {error}")]
        ) from error
    except yaml.YAMLError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"is not valid YAML: {error}")]
        ) from error


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and "secure" in value
