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

Which stack, as the Pulumi CLI chooses it (https://www.pulumi.com/docs/iac/cli/environment-variables/;
pkg/backend/state/stacks.go): the `--stack` flag, then `PULUMI_STACK`. The stack selected with
`pulumi stack select` lives in Pulumi's own workspace files outside the project, whose format
changes between versions, so it is not read: with stack files present and no stack chosen the
commands stop and say how to choose one. A stack `org/project/prod` has the file
`Pulumi.prod.yaml` (sdk/go/common/workspace/paths.go). The project is the nearest directory
holding `Pulumi.yaml`, walking up from the current one (pkg/workspace/workspace.go).

A stack file's keys are always namespaced (`org-backup:regions`): Pulumi refuses a file whose
key has no colon, reads `ns:config:key` as `ns:key`, and silently passes keys of namespaces it
has no declaration for, so a misspelled namespace (`org_backup:`) is refused here by name.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from org_backup.config.settings import CONFIG_NAMESPACE, ENV_PREFIX, StackConfig, closest_setting
from org_backup.config.stack_siblings import is_secret
from org_backup.config.yaml_files import read_yaml
from org_backup.errors import MISSING, InputError, Problem

PROJECT_FILE = "Pulumi.yaml"
STACK_CONFIG_SOURCE = "Pulumi stack config"
STACK_VARIABLE = "PULUMI_STACK"
EXAMPLE_STACK = "example"  # Pulumi.example.yaml documents the settings; it deploys nothing
_STACK_FILE = re.compile(r"^Pulumi\.(.+)\.ya?ml$")
_DECLARATION = frozenset({"type", "description", "items", "default", "value", "secret"})


@dataclass(frozen=True)
class ProjectConfig:
    """What Pulumi.yaml contributes: its org-backup values, and the keys it requires of stacks."""

    path: Path
    name: str
    stack_config_dir: Path
    values: dict[str, Any]
    required: dict[str, str]  # field -> its key as written, declared with no default or value


@dataclass(frozen=True)
class StackChoice:
    """The stack a command runs as, and how it was chosen (for the files-read line)."""

    name: str | None  # the stack's own name (the last segment of org/project/name)
    how: str  # "-s", PULUMI_STACK, or "" when none was chosen
    ignored: str | None = None  # PULUMI_STACK=x when the flag overrode it

    def describe(self) -> str:
        if self.name is None:
            return "no stack: Pulumi.yaml defaults"
        said = f"stack {self.name}, from {self.how}"
        return said + (f"; {self.ignored} ignored" if self.ignored else "")


def find_project(start: Path) -> Path:
    """The nearest directory holding Pulumi.yaml, from `start` up, as Pulumi finds its project;
    `start` itself when there is none."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    return start


def stack_names(directory: Path) -> list[str]:
    """The stacks that have a file in the project's stack config directory, the example aside."""
    project = read_project_file(directory / PROJECT_FILE)
    folder = project.stack_config_dir if project else directory
    if not folder.is_dir():
        return []
    names = {m.group(1) for path in folder.iterdir() if (m := _STACK_FILE.match(path.name))}
    return sorted(names - {EXAMPLE_STACK})


def choose_stack(
    flag: str | None, environ: Mapping[str, str], directory: Path, *, required: bool = True
) -> StackChoice:
    """`-s`, then PULUMI_STACK; neither, with stack files present, is exit 2 naming them (Pulumi
    too refuses to guess: "no stack selected"), unless `required` is False."""
    variable = environ.get(STACK_VARIABLE) or None
    if flag:
        ignored = f"{STACK_VARIABLE}={variable}" if variable and variable != flag else None
        given, how = flag, "-s"
    elif variable:
        given, how, ignored = variable, STACK_VARIABLE, None
    else:
        present = stack_names(directory)
        if present and required:
            raise InputError(
                [
                    Problem(
                        "command line",
                        "--stack",
                        MISSING,
                        f"no stack selected: pass -s NAME or set {STACK_VARIABLE} (stack files"
                        f" here: {', '.join(present)}); `pulumi stack --show-name` prints the"
                        " one pulumi uses",
                    )
                ]
            )
        return StackChoice(None, "")
    return StackChoice(_own_name(given, how, directory), how, ignored)


def _own_name(given: str, how: str, directory: Path) -> str:
    """`org/project/prod` is stack prod of project `project`, which must be this one."""
    parts = given.split("/")
    if len(parts) == 3 and all(parts):
        project = read_project_file(directory / PROJECT_FILE)
        if project is not None and parts[1] != project.name:
            raise InputError(
                [
                    Problem(
                        "command line",
                        how,
                        given,
                        f"is a stack of project {parts[1]}, and this directory's Pulumi.yaml is"
                        f" project {project.name}",
                    )
                ]
            )
    if len(parts) > 3 or not all(parts):
        raise InputError(
            [Problem("command line", how, given, "is not a stack name (NAME or org/project/NAME)")]
        )
    return parts[-1]


def stack_file(stack: str, directory: Path) -> Path:
    """Where `Pulumi.<stack>.yaml` lives: the project's stackConfigDir, else beside Pulumi.yaml."""
    project = read_project_file(directory / PROJECT_FILE)
    return (project.stack_config_dir if project else directory) / f"Pulumi.{stack}.yaml"


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
        path = stack_file(stack, directory)
        if not path.is_file():
            present = stack_names(directory)
            close = difflib.get_close_matches(stack, present, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            listed = f" (stack files here: {', '.join(present)})" if present else ""
            raise InputError(
                [Problem(str(path), "--stack", stack, f"no such stack file{listed}{hint}")]
            )
        raw = stack_file_values(path)
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
    document = read_yaml(path)
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
    return ProjectConfig(path, name, stack_config_dir, values, required)


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


def stack_file_document(path: Path) -> dict[str, Any]:
    """A stack file as a mapping (an empty file is an empty stack)."""
    document = read_yaml(path) or {}
    if not isinstance(document, dict):
        raise InputError([Problem(str(path), "(document)", document, "must be a mapping")])
    config = document.get("config")
    if config is not None and not isinstance(config, dict):
        raise InputError(
            [Problem(str(path), "config", config, "must be a mapping of keys to values")]
        )
    return document


def stack_file_values(path: Path) -> dict[str, Any]:
    """The org-backup values of a stack file, by field name; exit 2 for a key Pulumi would
    refuse (no namespace) or that looks meant for org-backup under another namespace."""
    config = stack_file_document(path).get("config") or {}
    values: dict[str, Any] = {}
    problems = []
    for raw_key, value in config.items():
        key = str(raw_key)
        namespace, colon, name = key.partition(":")
        name = name.removeprefix("config:")  # the old `ns:config:key` form of `ns:key`
        if namespace == CONFIG_NAMESPACE:
            values[name] = value
        elif not colon:
            problems.append(
                Problem(
                    str(path),
                    f"config.{key}",
                    value,
                    "a stack file needs namespaced keys (pulumi itself refuses this file);"
                    f" did you mean {CONFIG_NAMESPACE}:{closest_setting(key) or key}?",
                )
            )
        elif _looks_like_ours(namespace):
            problems.append(
                Problem(
                    str(path),
                    f"config.{key}",
                    value,
                    f"namespace {namespace!r} is not this project's ({CONFIG_NAMESPACE}), and"
                    " Pulumi passes it silently; did you mean"
                    f" {CONFIG_NAMESPACE}:{closest_setting(name) or name}?",
                )
            )
    if problems:
        raise InputError(problems)
    return values


def _looks_like_ours(namespace: str) -> bool:
    """`org_backup`, `orgbackup`, `Org-Backup`, `org-backups`: a slip, not another package."""

    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    return (
        squash(namespace) == squash(CONFIG_NAMESPACE)
        or difflib.SequenceMatcher(None, namespace.lower(), CONFIG_NAMESPACE).ratio() >= 0.8
    )


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
        if is_secret(value) and ENV_PREFIX + key.upper() not in os.environ
    ]
    if secrets:
        raise InputError(secrets)
    return {key: value for key, value in values.items() if not is_secret(value)}
