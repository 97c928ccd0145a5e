"""YAML loading that fails fast, in bounded memory, with the kit's clear errors.

Every YAML file the kit reads (data files, quiz banks and keys) goes through :func:`load_yaml`:

- **size**: a file over :data:`MAX_BYTES` is refused before it is read;
- **encoding**: text that is not UTF-8 is refused with the line and byte that are wrong;
- **aliases**: a file with more than :data:`MAX_ALIASES` aliases (``*name``), or whose aliases
  expand to more than :data:`MAX_NODES` values, is refused (a "billion laughs" file is a few
  lines that expand to gigabytes in whatever reads it next: an error message, a hash);
- **duplicate keys**: a key written twice in one mapping is an error (YAML would silently keep
  the second, e.g. a question keyed twice in a key file);
- **numbers**: an integer of more than :data:`MAX_DIGITS` digits is an error (Python refuses
  4,300 digits with a traceback; no data file needs 20).

Only safe tags are constructed (PyYAML's safe loader, with libyaml when available).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coursekit.errors import DataError

MAX_BYTES = 2_000_000  # the largest data file (sources.yml) is about 140 kB
MAX_ALIASES = 100
MAX_NODES = 1_000_000  # values after expanding aliases
MAX_DIGITS = 20
# An anchor (&name) where YAML allows one: at the start of a line or after space, [ { or ,.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.M)


def _loader_class():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        path = "YAML"

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, _value in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        hash(key)
                    except TypeError:
                        continue  # the base class reports unhashable keys
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        raise DataError(self.path, f"key {key!r} appears twice in one mapping (lines "
                                                   f"{seen[key]} and {line}); YAML would silently keep the "
                                                   "second.", row=f"line {line}",
                                        fix="keep one of them (merge what each says).")
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):
            digits = sum(ch.isdigit() for ch in str(node.value))
            if digits > MAX_DIGITS:
                raise DataError(self.path, f"a number of {digits} digits is too large.",
                                row=f"line {node.start_mark.line + 1}",
                                fix=f"write a number of at most {MAX_DIGITS} digits (or quote it if it is text).")
            return super().construct_yaml_int(node)

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    return Loader


_LOADER = None


def _count_aliases(text: str, path: str) -> int:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    aliases = 0
    events = yaml.parse(text, Loader=base)
    while True:
        try:
            event = next(events)
        except StopIteration:
            return aliases
        except yaml.YAMLError:
            return max(aliases, 1)  # the loader reports the syntax error, with its line
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise DataError(path, f"uses more than {MAX_ALIASES} aliases (*name); a file like this can "
                                      "expand to gigabytes.", row=f"line {line}" if line else None,
                                fix="write the values out instead of repeating them with aliases.")


def _expanded_size(value: Any, path: str) -> None:
    """Refuse a structure whose aliases expand to more than MAX_NODES values (iterative)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise DataError(path, f"its aliases (*name) expand to more than {MAX_NODES:,} values.",
                            fix="write the values out instead of nesting aliases.")
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(path, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}).",
                        row=f"line {line}", fix="save the file as UTF-8 (in your editor: Save with encoding "
                                                "UTF-8), or restore it with git.") from None


def loads(data: bytes | str, path: str | Path = "YAML") -> Any:
    """Parse YAML text or bytes with the limits above; errors name ``path``."""
    import yaml

    global _LOADER
    name = str(path)
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise DataError(name, f"is {size:,} bytes, over the limit of {MAX_BYTES:,} for a YAML file.",
                        fix="split the file, or check that it is the right file.")
    text = data if isinstance(data, str) else _decode(data, name)
    aliased = bool(_ANCHOR.search(text)) and _count_aliases(text, name) > 0
    if _LOADER is None:
        _LOADER = _loader_class()
    loader = _LOADER(text)
    loader.path = name
    try:
        value = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(name, f"is not valid YAML ({getattr(exc, 'problem', None) or exc}).",
                        row=f"line {mark.line + 1}" if mark else None,
                        fix="correct the YAML at that line (quote text that contains ': ').") from None
    except DataError:
        raise
    except RecursionError:
        raise DataError(name, "nests too deeply to read.", fix="flatten the structure.") from None
    except ValueError as exc:
        raise DataError(name, f"holds a value that cannot be read ({str(exc)[:120]}).",
                        fix="correct or quote that value.") from None
    finally:
        loader.dispose()
    if aliased:
        _expanded_size(value, name)
    return value


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file with the limits above; a :class:`DataError` names what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise DataError(p, "the file is missing.", fix="restore it with `git checkout -- " + p.as_posix() + "`.")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise DataError(p, f"is {size:,} bytes, over the limit of {MAX_BYTES:,} for a YAML file.",
                        fix="split the file, or check that it is the right file.")
    with open(p, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    return loads(data, p)
