"""The machinery under core.config's sections: the field helper that carries each setting's
help text, the type and choice checks every section runs after init, and ConfigError, whose
message names the setting (``train.learning_rate must be > 0, got -1``)."""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import field
from typing import Any, Literal


class ConfigError(ValueError):
    """A config value is invalid; the message names the field, and ``key`` holds it
    (``train.learning_rate``) so a UI can say it in its own words ("Learning rate")."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def _f(default: Any, help: str, **kw: Any) -> Any:
    """A dataclass field with its one-line help text in metadata."""
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata={"help": help, **kw})
    return field(default=default, metadata={"help": help, **kw})


def _check(cond: bool, name: str, msg: str, value: Any) -> None:
    if not cond:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        raise ConfigError(f"{name} must be {msg}, got {value!r}", key=name)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


class _Section:
    """Shared behaviour: validate Literal choices and numeric types after init."""

    _section = ""

    def _validate_types(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            name = f"{self._section}.{f.name}"
            value = getattr(self, f.name)
            hint = hints[f.name]
            choices = field_choices(hint)
            if choices is not None:
                _check(value in choices, name, "one of " + ", ".join(map(str, choices)), value)
            elif hint is bool:
                _check(isinstance(value, bool), name, "true or false", value)
            elif hint is int:
                _check(isinstance(value, int) and not isinstance(value, bool), name, "an integer", value)
            elif hint is float:
                if isinstance(value, int) and not isinstance(value, bool):
                    setattr(self, f.name, float(value))
                    value = float(value)
                _check(_is_number(value), name, "a finite number", value)
            elif hint is str:
                _check(isinstance(value, str), name, "a string", value)
            elif typing.get_origin(hint) is list:
                _check(isinstance(value, list) and all(isinstance(x, str) for x in value), name,
                       "a list of strings", value)


def field_choices(hint: Any) -> tuple | None:
    """The allowed values of a ``Literal[...]`` type hint, else None."""
    if typing.get_origin(hint) is Literal:
        return typing.get_args(hint)
    return None
