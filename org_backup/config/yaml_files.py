"""Reading the YAML files people edit (stack files, `accounts/`): a file that cannot be read or
parsed is one line naming the file, the line and column, and what the parser expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from org_backup.errors import MISSING, InputError, Problem


def read_yaml(path: Path) -> Any:
    """The document of `path`; InputError (exit 2) in one line when it is not readable YAML."""
    document, _ = read_yaml_node(path)
    return document


def read_yaml_node(path: Path) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree, which keeps what the values lose: whether a scalar was
    quoted, and its text as written."""
    try:
        text = path.read_text()
    except OSError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"cannot be read: {error.strerror or error}")]
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise InputError([Problem(str(path), "(file)", MISSING, yaml_message(error))]) from None
    finally:
        loader.dispose()
    return document, node


def yaml_message(error: yaml.YAMLError) -> str:
    """`not valid YAML at line 4, column 1: expected ',' or ']', but got '<stream end>' (while
    parsing a flow sequence from line 3, column 10)`: PyYAML's five lines made one."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return f"is not valid YAML: {' '.join(str(error).split())}"
    mark = error.problem_mark or error.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    message = f"is not valid YAML{where}: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        context = error.context_mark
        message += f" ({error.context} from line {context.line + 1}, column {context.column + 1})"
    return " ".join(message.split())
