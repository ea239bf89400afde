#!/usr/bin/env python3
"""corpus.py: measure keygate's detection quality (recall and false positives) on a generated corpus.

What it measures
----------------
* Recall, per provider and in total: for every rule and every one of its example templates,
  K fresh expansions (random values drawn here, seeded by --seed, so they differ from the
  fixed expansions `keygate rules test` checks) are written into realistic files (.env, YAML,
  JSON, Python, JS, shell, Markdown). A case is detected when keygate reports a finding of
  that rule in that file; a finding of any other rule is reported separately ("detected-any").
* False positives, per provider and in total, on three kinds of negative cases:
    a) the rules' own negative examples, expanded here with fresh random values;
    b) placeholders and documentation: `<NAME>_API_KEY=your-api-key`, `${X}`,
       `{{ secrets.X }}`, `os.environ[...]`, `sk-...`, `xxxx…`, prose, truncated keys,
       `<prefix>0123456789abcdef…` fakes, for every provider and rule;
    c) real text with no secrets: Python standard library modules and C headers from
       /usr/include, copied as they are.
  A negative case is a false positive when keygate reports any finding in its file.

Why everything is generated at run time
---------------------------------------
The repository must never contain real-looking keys: a committed test key trips every
secret scanner (keygate included) and trains people to ignore findings. So the corpus is
built from the rules' templates in a temporary directory outside any git repository, scanned
with one `keygate scan` run, and deleted (unless --keep). The --json-out file holds numbers
and file names only, never key text.

Exit status: 0 when total recall >= 99 % and the false-positive rate of all negatives
(a + b + c together) <= 1 %; 1 otherwise; 2 when keygate fails or the corpus cannot be made.

Usage:
    python3 bench/corpus.py [--keygate PATH] [--seed N] [--variants K] [--json-out FILE]
                            [--keep DIR] [--real-files N] [--rules PATH ...]
"""

from __future__ import annotations

import argparse
import ast
import base64
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEYGATE = ROOT / ".build" / "release" / "keygate"

RECALL_TARGET = 99.0  # percent, over all positives
FP_RATE_LIMIT = 1.0  # percent, over all negatives (a + b + c)
LIST_LIMIT = 40  # missed positives / false positives printed in full
TEXT_LIMIT = 160  # characters of a case's text or a line shown in a listing

GENERIC_PROVIDER = "(generic)"  # provider-agnostic placeholder cases
GENERIC_RULES_PROVIDER = "generic"  # keygate's rules that know no provider (`key = "…"`)
REAL_TEXT_PROVIDER = "real-text"

# Case kinds.
POSITIVE = "positive"
NEG_RULE = "negative: rule examples"  # (a)
NEG_PLACEHOLDER = "negative: placeholders"  # (b)
NEG_REAL = "negative: real text"  # (c)
NEGATIVE_KINDS = (NEG_RULE, NEG_PLACEHOLDER, NEG_REAL)


# ---------------------------------------------------------------------------------------------
# Example templates (policies/rules/FORMAT.md), expanded with our own generator
# ---------------------------------------------------------------------------------------------

ALPHABETS = {
    "alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "urlsafe": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    "b64": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lowernum": "abcdefghijklmnopqrstuvwxyz0123456789",
    "uppernum": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "digits": "0123456789",
}

# A character of each alphabet that keygate's placeholder check rejects when repeated.
FILLER = {"alnum": "x", "urlsafe": "x", "b64": "x", "hex": "0", "HEX": "0", "lower": "x",
          "upper": "X", "lowernum": "x", "uppernum": "X", "digits": "0"}


class TemplateError(Exception):
    """A template this script cannot expand (the case is skipped with a warning)."""


@dataclass(frozen=True)
class Fill:
    """A `${kind:N}` placeholder: N random characters of one alphabet."""

    kind: str
    length: int


Template = list  # of str (literal text) and Fill


def parse_template(template: str) -> Template:
    """Splits a template into literal text and Fill parts, as keygate's ExampleTemplate does."""
    parts: list = []
    rest = template
    while True:
        start = rest.find("${")
        if start < 0:
            parts.append(rest)
            break
        if start > 0 and rest[start - 1] == "$":  # `$${` is a literal `${`
            parts.append(rest[: start - 1] + "${")
            rest = rest[start + 2:]
            continue
        parts.append(rest[:start])
        close = rest.find("}", start + 2)
        if close < 0:
            raise TemplateError("unclosed `${`")
        body, rest = rest[start + 2: close], rest[close + 1:]
        kind, colon, argument = body.partition(":")
        if not colon:
            raise TemplateError(f"placeholder `${{{body}}}` has no kind")
        if kind == "base64":
            parts.append(base64.b64encode(argument.encode()).decode())
        elif kind not in ALPHABETS:
            raise TemplateError(f"unknown placeholder kind `{kind}`")
        elif not re.fullmatch(r"[0-9]{1,4}", argument) or not 1 <= int(argument) <= 4096:
            raise TemplateError(f"placeholder `${{{body}}}` needs a length from 1 to 4096")
        else:
            parts.append(Fill(kind, int(argument)))
    return [part for part in parts if part != ""]


def has_fills(template: Template) -> bool:
    return any(isinstance(part, Fill) for part in template)


def literal_prefix(template: Template) -> str:
    """The literal text before the first random part (the whole text if there is none)."""
    prefix = []
    for part in template:
        if isinstance(part, Fill):
            break
        prefix.append(part)
    return "".join(prefix)


def key_prefix(template: Template) -> str:
    """The provider's fixed key prefix as the template writes it (`sk-proj-`, `ghp_`,
    `AKIA`): the token just before the first random part; empty when there is none."""
    if not has_fills(template):
        return ""
    match = re.search(r"[A-Za-z0-9_-]*$", literal_prefix(template))
    return match.group(0) if match else ""


Span = tuple  # (start, end) character offsets of a random part in an expansion


def expand(template: Template, fill: Callable[[Fill], str]) -> tuple[str, list[Span]]:
    """The template's text with every Fill replaced by fill(part), and where those parts are."""
    pieces, spans, position = [], [], 0
    for part in template:
        text = fill(part) if isinstance(part, Fill) else part
        if isinstance(part, Fill):
            spans.append((position, position + len(text)))
        pieces.append(text)
        position += len(text)
    return "".join(pieces), spans


def random_fill(rng: random.Random) -> Callable[[Fill], str]:
    return lambda part: "".join(rng.choice(ALPHABETS[part.kind]) for _ in range(part.length))


# keygate's placeholder check (FORMAT.md "What a match must pass", step 4). The word list is
# the union of FORMAT.md's and the matcher's; a random fill that produces one of these by
# chance would be dropped on purpose, so such an expansion is drawn again.
PLACEHOLDER_MARKS = ["xxxx", "XXXX", "****", "...", "…", "<", ">", "${", "{{", "%(", "$("]
PLACEHOLDER_WORDS = ["example", "placeholder", "your_", "your-", "yourkey", "your_key", "changeme",
                     "change_me", "replace", "redacted", "dummy", "sample", "insert", "fake",
                     "notreal", "not_real", "not-a-real", "todo"]
LONGEST_NATURAL_RUN = 5
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def char_class(char: str) -> Optional[int]:
    """0 digits, 1 upper case, 2 lower case letters (ASCII); None for anything else."""
    if "0" <= char <= "9":
        return 0
    if "A" <= char <= "Z":
        return 1
    if "a" <= char <= "z":
        return 2
    return None


def fake_run_spans(text: str) -> Iterator[Span]:
    """Every 6-character window inside a run of identical or consecutive characters."""
    same = ascending = descending = 1
    for index in range(1, len(text)):
        previous, current = text[index - 1], text[index]
        same = same + 1 if current == previous else 1
        sequential = char_class(previous) is not None and char_class(previous) == char_class(current)
        ascending = ascending + 1 if sequential and ord(current) == ord(previous) + 1 else 1
        descending = descending + 1 if sequential and ord(current) == ord(previous) - 1 else 1
        if max(same, ascending, descending) > LONGEST_NATURAL_RUN:
            yield (index - LONGEST_NATURAL_RUN, index + 1)


def placeholder_spans(text: str) -> Iterator[Span]:
    """Where keygate's placeholder check would fire anywhere in the text."""
    for mark in PLACEHOLDER_MARKS:
        for match in re.finditer(re.escape(mark), text):
            yield match.span()
    lowered = text.translate(ASCII_LOWER)
    for word in PLACEHOLDER_WORDS:
        for match in re.finditer(re.escape(word), lowered):
            yield match.span()
    yield from fake_run_spans(text)


def overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def looks_like_placeholder(text: str, spans: list[Span]) -> bool:
    """True when a random part of the expansion (alone or with its neighbours) trips the
    placeholder check. Marks in the template's literal text are the rule author's choice."""
    return any(overlaps(bad, spans) for bad in placeholder_spans(text))


def fresh_expansion(template: Template, rng: random.Random, attempts: int = 500) -> Optional[tuple[str, list[Span]]]:
    """A random expansion whose random parts look random (see looks_like_placeholder)."""
    for _ in range(attempts):
        text, spans = expand(template, random_fill(rng))
        if not looks_like_placeholder(text, spans):
            return text, spans
    return None


# ---------------------------------------------------------------------------------------------
# Realistic wrappers: each returns (file name, content) or None when it cannot hold the text
# without changing it. The example text is always kept byte for byte (lines may be indented).
# ---------------------------------------------------------------------------------------------

def ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def wrap_env(text: str):
    return "config.env", ensure_newline(text)


def wrap_yaml(text: str):
    body = "".join("  " + line if line.strip() else line for line in ensure_newline(text).splitlines(True))
    indicator = "|2" if text[:1].isspace() else "|"
    return "config.yaml", f"# service settings\nname: demo-service\nreplicas: 2\nconfig: {indicator}\n{body}"


def wrap_json(text: str):
    try:
        json.loads(text)  # already JSON: embed the document itself
        return "config.json", '{\n  "name": "demo-service",\n  "settings": ' + text.rstrip("\n") + "\n}\n"
    except ValueError:
        pass
    if json.dumps(text, ensure_ascii=False)[1:-1] != text:
        return None  # would need escaping, which changes the text
    return "config.json", '{\n  "name": "demo-service",\n  "config": "' + text + '"\n}\n'


def is_python_code(text: str) -> bool:
    """Whether the text reads as Python statements that hold a string: assignments, calls and
    imports (`client = OpenAI(api_key="…")`), not a bare `KEY=value` line or a YAML `key: "…"`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    statements = (ast.Assign, ast.AugAssign, ast.Import, ast.ImportFrom)
    has_string = any(isinstance(node, ast.Constant) and isinstance(node.value, str) for node in ast.walk(tree))
    return bool(tree.body) and has_string and all(
        isinstance(node, statements) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
        for node in tree.body)


def wrap_python(text: str):
    if is_python_code(text):
        return "settings.py", "import os\n\n" + ensure_newline(text)
    prefix = "r" if "\\" in text else ""
    for quote in ('"""', "'''"):
        if quote not in text and not text.rstrip("\n").endswith(quote[0]):
            return "settings.py", f"CONFIG = {prefix}{quote}\n{ensure_newline(text)}{quote}\n"
    return None


def wrap_js(text: str):
    if "`" not in text and "${" not in text and "\\" not in text:
        return "config.js", f"const config = `\n{ensure_newline(text)}`;\n\nmodule.exports = config;\n"
    if "*/" not in text:
        return "config.js", f"/*\n{ensure_newline(text)}*/\nmodule.exports = {{}};\n"
    return None


def wrap_shell(text: str):
    if any(line == "EOF" for line in text.splitlines()):
        return None
    return "deploy.sh", f"#!/bin/sh\nset -eu\ncat > .env <<'EOF'\n{ensure_newline(text)}EOF\n"


def wrap_markdown(text: str):
    fence = "~~~~" if "```" in text else "```"
    if fence == "~~~~" and "~~~~" in text:
        return None
    return "notes.md", f"# Notes\n\nThe service reads this configuration:\n\n{fence}\n{ensure_newline(text)}{fence}\n"


WRAPPERS = [wrap_env, wrap_yaml, wrap_json, wrap_python, wrap_js, wrap_shell, wrap_markdown]


def glob_segment(pattern: str, text: str) -> bool:
    """`*` and `?` within one path segment (keygate's PathGlob)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.S) is not None


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a skip_paths glob matches a relative path (gitignore-like, as PathGlob)."""
    parts = [p for p in path.split("/") if p]
    if "/" not in pattern:
        return bool(parts) and glob_segment(pattern, parts[-1])
    segments = [s for s in pattern.lstrip("/").split("/") if s]

    def match(pi: int, ti: int) -> bool:
        if pi == len(segments):
            return ti == len(parts)
        if segments[pi] == "**":
            return any(match(pi + 1, k) for k in range(ti, len(parts) + 1))
        return ti < len(parts) and glob_segment(segments[pi], parts[ti]) and match(pi + 1, ti + 1)

    return match(0, 0)


# ---------------------------------------------------------------------------------------------
# The corpus: cases written one per file
# ---------------------------------------------------------------------------------------------

@dataclass
class Case:
    kind: str  # POSITIVE or one of NEGATIVE_KINDS
    provider: str
    rule_id: Optional[str]  # the rule the case was made from (None for generic and real text)
    path: str  # relative to the corpus root, as keygate reports it
    text: str  # the generated text (empty for real text)
    label: str  # what the case is, e.g. "example 2, variant 3"
    group: str  # the set it belongs to, e.g. "elided key" (false positives are counted by set)


@dataclass
class Corpus:
    root: Path
    cases: list[Case] = field(default_factory=list)
    next_wrapper: int = 0
    bytes: int = 0

    def write(self, relative: str, content: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8")
        target.write_bytes(data)
        self.bytes += len(data)

    def add(self, kind: str, provider: str, rule: Optional[dict], directory: str, text: str, label: str,
            group: str) -> None:
        """Writes text into the next wrapper (round robin) that keeps it intact and that the
        rule's skip_paths do not exclude, as DIRECTORY/<wrapper file>."""
        skip = (rule or {}).get("skip_paths") or []
        for attempt in range(len(WRAPPERS)):
            wrapped = WRAPPERS[(self.next_wrapper + attempt) % len(WRAPPERS)](text)
            if wrapped is None:
                continue
            relative = f"{directory}/{wrapped[0]}"
            if any(glob_matches(glob, relative) for glob in skip):
                continue
            self.next_wrapper = (self.next_wrapper + attempt + 1) % len(WRAPPERS)
            self.write(relative, wrapped[1])
            self.cases.append(Case(kind, provider, rule["id"] if rule else None, relative, text, label, group))
            return
        warn(f"{directory}: no wrapper can hold this text intact; skipped")


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "_"


def parse_or_warn(rule: dict, which: str, index: int, template) -> Optional[Template]:
    if not isinstance(template, str):
        warn(f"rule {rule['id']}: {which} {index} is not text; skipped")
        return None
    try:
        return parse_template(template)
    except TemplateError as error:
        warn(f"rule {rule['id']}: {which} {index}: {error}; skipped")
        return None


def add_positives(corpus: Corpus, rules: list[dict], rng: random.Random, variants: int) -> None:
    """K fresh expansions of every example of every rule."""
    for rule in rules:
        for index, raw in enumerate(rule.get("examples") or [], 1):
            template = parse_or_warn(rule, "example", index, raw)
            if template is None:
                continue
            for variant in range(1, (variants if has_fills(template) else 1) + 1):
                expansion = fresh_expansion(template, rng)
                if expansion is None:
                    warn(f"rule {rule['id']}: example {index}: no placeholder-free expansion; skipped")
                    break
                corpus.add(POSITIVE, rule["provider"], rule,
                           f"pos/{slug(rule['provider'])}/{slug(rule['id'])}/e{index}v{variant}",
                           expansion[0], f"example {index}, variant {variant}", "example")


def add_rule_negatives(corpus: Corpus, rules: list[dict], rng: random.Random, variants: int) -> None:
    """(a) every negative example, K times when it has random parts. Those are drawn as for
    positives, so a negative never passes only because its random part looked fake."""
    for rule in rules:
        for index, raw in enumerate(rule.get("negative_examples") or [], 1):
            template = parse_or_warn(rule, "negative example", index, raw)
            if template is None:
                continue
            for variant in range(1, (variants if has_fills(template) else 1) + 1):
                expansion = fresh_expansion(template, rng)
                if expansion is None:
                    warn(f"rule {rule['id']}: negative example {index}: no placeholder-free expansion; skipped")
                    break
                corpus.add(NEG_RULE, rule["provider"], rule,
                           f"neg/rules/{slug(rule['provider'])}/{slug(rule['id'])}/n{index}v{variant}",
                           expansion[0], f"negative example {index}, variant {variant}", "negative example")


# (b) Placeholder and documentation lines for every provider. {N}: PROVIDER name as an
# environment variable prefix, {n}: lower case, {p}: the provider slug.
PROVIDER_PLACEHOLDERS = [
    "{N}_API_KEY=your-api-key",
    '{N}_TOKEN="<YOUR_TOKEN>"',
    "export {N}_API_KEY=${{{N}_API_KEY}}",
    "      {n}_token: ${{{{ secrets.{N}_TOKEN }}}}",
    'api_key = os.environ["{N}_API_KEY"]',
    "const apiKey = process.env.{N}_API_KEY;",
    'const char *secret = getenv("{N}_SECRET");',
    'secret := os.Getenv("{N}_SECRET")',
    '{n}:\n  api_key: "xxxxxxxxxxxxxxxxxxxx"',
    '{n}_token = "sk-..."',
    "{N}_API_KEY=changeme",
    "{N}_API_KEY=********",
    "{N}_API_KEY=<redacted>",
    "{N}_API_KEY=REPLACE_ME",
    "{N}_API_KEY=",
    'api_key = "{{{{ {n}_api_key }}}}"',
    "{N}_API_KEY=$(vault kv get -field=api_key secret/{p})",
    'password: "%({n}_password)s"',
    "# {N}_API_KEY=  (ask the team lead for the {p} key)",
    "To call the {p} API, create an API key in the {p} dashboard and set it as `{N}_API_KEY` "
    "in your environment or secret manager. Never commit the key itself.",
]

GENERIC_NAMES = ["API_KEY", "SECRET_KEY", "ACCESS_TOKEN", "AUTH_TOKEN", "CLIENT_SECRET",
                 "PRIVATE_KEY", "DB_PASSWORD", "WEBHOOK_SECRET", "SIGNING_KEY", "BEARER_TOKEN"]
GENERIC_VALUES = ["your-api-key-here", "<YOUR_API_KEY>", "${API_KEY}", "{{ secrets.API_TOKEN }}",
                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "changeme", "****************", "REPLACE_ME",
                  "sk-...", "<redacted>", "TODO", "0123456789abcdef0123456789abcdef"]
GENERIC_SYNTAX = ["{name}={value}", '{lname}: "{value}"', '{lname} = "{value}"',
                  'const {lname} = "{value}";', '"{lname}": "{value}"']


def env_name(provider: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", provider).upper()


def sequential_fill(part: Fill) -> str:
    alphabet = ALPHABETS[part.kind]
    return (alphabet * (part.length // len(alphabet) + 1))[: part.length]


def add_placeholder_negatives(corpus: Corpus, rules: list[dict], rng: random.Random) -> None:
    """(b) Placeholders, documentation and obviously fake keys; never a real-looking key."""
    for index, (name, value) in enumerate((n, v) for n in GENERIC_NAMES for v in GENERIC_VALUES):
        syntax = GENERIC_SYNTAX[index % len(GENERIC_SYNTAX)]
        corpus.add(NEG_PLACEHOLDER, GENERIC_PROVIDER, None, f"neg/placeholders/generic/g{index + 1}",
                   syntax.format(name=name, lname=name.lower(), value=value), "generic placeholder",
                   "generic placeholder")

    for provider in sorted({rule["provider"] for rule in rules}):
        values = {"N": env_name(provider), "n": env_name(provider).lower(), "p": provider}
        for index, line in enumerate(PROVIDER_PLACEHOLDERS, 1):
            corpus.add(NEG_PLACEHOLDER, provider, None, f"neg/placeholders/{slug(provider)}/p{index}",
                       line.format(**values), "provider placeholder", "provider placeholder")

    for rule in rules:
        add_fake_keys(corpus, rule, rng)


def add_fake_keys(corpus: Corpus, rule: dict, rng: random.Random) -> None:
    """For each example of a rule: the key elided (`prefix...`), filled with a sequence
    (`prefix0123456789abcdef…`), filled with x or 0, and cut to half its length; plus one
    sentence of prose naming the key type and its prefix."""
    directory = f"neg/placeholders/{slug(rule['provider'])}/{slug(rule['id'])}"
    prefixes = []
    for index, raw in enumerate(rule.get("examples") or [], 1):
        try:
            template = parse_template(raw) if isinstance(raw, str) else None
        except TemplateError:
            template = None  # already warned about by add_positives
        if template is None or not has_fills(template):
            continue
        prefixes.append(key_prefix(template))
        # Short random parts (< 6 characters, e.g. a region digit) stay random: only the long
        # ones become the fake under test.
        short_random = random_fill(rng)

        def long_only(fake: Callable[[Fill], str]) -> Callable[[Fill], str]:
            return lambda part: fake(part) if part.length > LONGEST_NATURAL_RUN else short_random(part)

        fakes = {
            "elided": ("key elided (prefix...)", lambda part: "..."),
            "sequential": ("sequential fake (0123456789abcdef…)", long_only(sequential_fill)),
            "filler": ("filler fake (xxxx…, 0000…)", long_only(lambda part: FILLER[part.kind] * part.length)),
        }
        for name, (group, fill) in fakes.items():
            corpus.add(NEG_PLACEHOLDER, rule["provider"], rule, f"{directory}/{name}{index}",
                       expand(template, fill)[0], f"example {index} {name}", group)
        truncated = truncate_key(template, rng)
        if truncated:
            corpus.add(NEG_PLACEHOLDER, rule["provider"], rule, f"{directory}/truncated{index}",
                       truncated, f"example {index} cut to half", "key cut to half")

    prefix = next((p for p in prefixes if len(p) >= 3), "")
    starts = f" It starts with `{prefix}` followed by random characters." if prefix else ""
    prose = (f"## {rule.get('name', rule['id'])}\n\nCreate the key in the {rule['provider']} console and keep it "
             f"in your secret manager as `{env_name(rule['provider'])}_API_KEY`.{starts} Rotate it if it leaks.\n")
    corpus.add(NEG_PLACEHOLDER, rule["provider"], rule, f"{directory}/prose", prose, "prose", "prose")


# Text that joins random parts into one key: `sk-proj-…T3BlbkFJ…`, a JWT's `.`, a UUID's `-`.
KEY_JOINER = re.compile(r"[A-Za-z0-9+/=_.-]*")


def key_spans(text: str, spans: list[Span]) -> list[Span]:
    """The keys of an expansion: random parts merged when only key characters lie between."""
    keys: list[list[int]] = []
    for start, end in spans:
        if keys and KEY_JOINER.fullmatch(text, keys[-1][1], start):
            keys[-1][1] = end
        else:
            keys.append([start, end])
    return [(start, end) for start, end in keys]


def truncate_key(template: Template, rng: random.Random) -> Optional[str]:
    """A fresh expansion with every key (of 12 characters or more) cut to half its length;
    the text around the keys stays as it is. None when the template has no such key."""
    expansion = fresh_expansion(template, rng)
    if expansion is None:
        return None
    text, spans = expansion
    keys = [(start, end) for start, end in key_spans(text, spans) if end - start >= 12]
    if not keys:
        return None
    for start, end in reversed(keys):
        text = text[: start + (end - start) // 2] + text[end:]
    return text


def python_stdlib_files() -> list[tuple[str, Path]]:
    """(corpus path, source) of the standard library's .py files: no tests, no third-party
    packages; sorted, so that sampling by seed is reproducible."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = []
    for directory, names, files in os.walk(stdlib):
        names[:] = sorted(n for n in names if n not in ("site-packages", "dist-packages", "__pycache__"))
        for name in files:
            relative = (Path(directory) / name).relative_to(stdlib).as_posix()
            if name.endswith(".py") and "test" not in relative.lower():
                found.append((f"real/python/{relative}", stdlib / relative))
    return sorted(found)


def c_header_files() -> list[tuple[str, Path]]:
    """(corpus path, source) of the .h files under /usr/include, sorted."""
    found = []
    for directory, names, files in os.walk("/usr/include"):
        names.sort()
        for name in files:
            if name.endswith(".h"):
                source = Path(directory) / name
                found.append((f"real/include/{source.relative_to('/usr/include').as_posix()}", source))
    return sorted(found)


def sample_real_text(count: int, seed: int) -> list[tuple[str, Path]]:
    """Up to COUNT files, half from each source (the other takes up what one lacks)."""
    rng = random.Random(seed)
    python, headers = python_stdlib_files(), c_header_files()
    python_count = min(len(python), max(count // 2, count - len(headers)))
    header_count = min(len(headers), count - python_count)
    return sorted(rng.sample(python, python_count) + rng.sample(headers, header_count))


def add_real_text(corpus: Corpus, count: int, seed: int) -> None:
    """(c) Up to COUNT real source files, copied as they are."""
    for relative, source in sample_real_text(count, seed):
        try:
            data = source.read_bytes()
        except OSError as error:
            warn(f"{source}: {error}; skipped")
            continue
        target = corpus.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        corpus.bytes += len(data)
        group = "python stdlib" if relative.startswith("real/python/") else "C headers"
        corpus.cases.append(Case(NEG_REAL, REAL_TEXT_PROVIDER, None, relative, "", group, group))


# ---------------------------------------------------------------------------------------------
# Running keygate
# ---------------------------------------------------------------------------------------------

class KeygateFailure(Exception):
    pass


def run_keygate(keygate: str, arguments: list[str]) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run([keygate, *arguments], capture_output=True, text=True)
    except OSError as error:
        raise KeygateFailure(f"cannot run {keygate}: {error}")
    if result.returncode not in (0, 1):
        raise KeygateFailure(f"`keygate {' '.join(arguments)}` exited {result.returncode}:\n{result.stderr.strip()}")
    return result


def load_rules(keygate: str, extra_rules: list[str]) -> list[dict]:
    result = run_keygate(keygate, ["rules", "list", "--format", "json", *extra_rules])
    try:
        rules = json.loads(result.stdout)["rules"]
    except (ValueError, KeyError, TypeError) as error:
        raise KeygateFailure(f"`keygate rules list --format json` printed no rule list: {error}")
    return [rule for rule in rules if isinstance(rule, dict) and rule.get("id") and rule.get("provider")]


def scan(keygate: str, corpus_root: Path, report_path: Path, extra_rules: list[str]) -> tuple[dict, float]:
    """One scan of the whole corpus; returns the JSON report and the wall-clock seconds."""
    started = time.perf_counter()
    run_keygate(keygate, ["scan", str(corpus_root), "--format", "json", "--output", str(report_path),
                          "--show-secrets", "--no-color", *extra_rules])
    seconds = time.perf_counter() - started
    try:
        return json.loads(report_path.read_text(encoding="utf-8")), seconds
    except (OSError, ValueError) as error:
        raise KeygateFailure(f"cannot read keygate's report {report_path}: {error}")


def inside_git_repository(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in [path, *path.parents])


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------

@dataclass
class Tally:
    positives: int = 0
    detected: int = 0  # by the case's own rule
    detected_any: int = 0  # by any rule
    negatives: int = 0
    false_positives: int = 0

    def as_dict(self) -> dict:
        return {"positives": self.positives, "detected_by_rule": self.detected, "detected_any": self.detected_any,
                "recall_pct": percent(self.detected, self.positives),
                "recall_any_pct": percent(self.detected_any, self.positives),
                "negatives": self.negatives, "false_positives": self.false_positives,
                "fp_rate_pct": percent(self.false_positives, self.negatives)}


def percent(part: int, whole: int) -> Optional[float]:
    return round(100.0 * part / whole, 3) if whole else None


@dataclass
class Results:
    providers: dict = field(default_factory=lambda: defaultdict(Tally))
    rules: dict = field(default_factory=lambda: defaultdict(Tally))
    kinds: dict = field(default_factory=lambda: defaultdict(Tally))
    groups: dict = field(default_factory=lambda: defaultdict(Tally))  # (kind, group) -> negatives
    fp_by_rule: Counter = field(default_factory=Counter)  # rule that fired -> negative cases
    total: Tally = field(default_factory=Tally)
    missed: list = field(default_factory=list)  # (case, other rule ids that fired)
    false_positives: list = field(default_factory=list)  # (case, finding)
    # Near-miss negatives only a generic rule reported (not false positives unless --strict).
    generic_on_near_misses: int = 0
    real_text_fp_by_rule: Counter = field(default_factory=Counter)
    # (case rule, other rule) -> positives of the case rule that the other rule reported too
    also_reported: Counter = field(default_factory=Counter)


# Near misses of a provider's format: a rule's own negative examples and keys cut to half. They
# are not that provider's keys, but many are still high-entropy literals assigned to key names,
# which a generic rule rightly reports; unless --strict, such generic findings are counted apart.
NEAR_MISS_GROUPS = ("negative example", "key cut to half")


def is_near_miss(case: "Case") -> bool:
    return case.kind == NEG_RULE or case.group in NEAR_MISS_GROUPS


def score(cases: list[Case], findings: list[dict], strict: bool = False) -> Results:
    by_path = defaultdict(list)
    for finding in findings:
        by_path[finding.get("path")].append(finding)
    results = Results()
    for case in cases:
        found = by_path.get(case.path, [])
        if not strict and case.kind != POSITIVE and is_near_miss(case):
            generic = [f for f in found if f.get("provider") == GENERIC_RULES_PROVIDER]
            results.generic_on_near_misses += bool(generic) and len(generic) == len(found)
            found = [f for f in found if f.get("provider") != GENERIC_RULES_PROVIDER]
        tallies = [results.providers[case.provider], results.kinds[case.kind], results.total]
        if case.rule_id:
            tallies.append(results.rules[case.rule_id])
        if case.kind == POSITIVE:
            own = any(f.get("rule_id") == case.rule_id for f in found)
            for tally in tallies:
                tally.positives += 1
                tally.detected += own
                tally.detected_any += bool(found)
            others = sorted({f.get("rule_id") for f in found} - {case.rule_id})
            if not own:
                results.missed.append((case, others))
            for other in others:
                results.also_reported[(case.rule_id, other)] += 1
        else:
            tallies.append(results.groups[(case.kind, case.group)])
            for tally in tallies:
                tally.negatives += 1
                tally.false_positives += bool(found)
            for rule_id in {f.get("rule_id") for f in found}:
                results.fp_by_rule[rule_id] += 1
            for finding in found:
                results.false_positives.append((case, finding))
                if case.kind == NEG_REAL:
                    results.real_text_fp_by_rule[finding.get("rule_id")] += 1
    return results


# ---------------------------------------------------------------------------------------------
# Why a positive was missed (a best-effort hint, using Python's re in place of PCRE2)
# ---------------------------------------------------------------------------------------------

def entropy(text: str) -> float:
    data = text.encode("utf-8")
    counts = Counter(data)
    return -sum(c / len(data) * math.log2(c / len(data)) for c in counts.values()) if data else 0.0


def line_range(content: str, start: int, end: int) -> str:
    first = content.rfind("\n", 0, start) + 1
    last = content.find("\n", end)
    return content[first: len(content) if last < 0 else last]


def diagnose(rule: dict, content: str) -> str:
    """The first check a missed positive fails, replayed in Python: the pattern, keywords on
    the match's lines, min_entropy, the placeholder check, the context pattern."""
    try:
        pattern = re.compile(rule["pattern"])
    except (re.error, KeyError, TypeError):
        return "pattern not checkable with Python re"
    matches = list(pattern.finditer(content))
    if not matches:
        return "pattern does not match (Python re)"
    reasons = []
    for match in matches:
        secret = match.group(1) if pattern.groups else match.group(0)
        secret = secret or ""
        keywords = rule.get("keywords") or []
        line = line_range(content, match.start(), match.end()).lower()
        if keywords and not any(k.lower() in line for k in keywords):
            reasons.append("no keyword on the line")
        elif rule.get("min_entropy") and entropy(secret) < float(rule["min_entropy"]):
            reasons.append(f"entropy {entropy(secret):.2f} < min_entropy {rule['min_entropy']}")
        elif any(True for _ in placeholder_spans(secret)):
            reasons.append("secret trips the placeholder check")
        elif rule.get("context") and not re.search(str(rule["context"]), content, re.I):
            reasons.append("context pattern not in the file")
        else:
            return "passes every check modelled here (not modelled: secret_group, context distance)"
    return reasons[0]


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

def shorten(text: str, limit: int = TEXT_LIMIT) -> str:
    flat = text.replace("\r", "\\r").replace("\n", "⏎")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def fmt_pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(results: Results) -> None:
    header = f"{'provider':<22} {'pos':>5} {'det':>5} {'recall%':>8} {'any%':>6} {'neg':>6} {'FP':>5} {'FP%':>6}"
    print(header)
    print("-" * len(header))

    def row(name: str, tally: Tally) -> None:
        d = tally.as_dict()
        print(f"{name:<22} {tally.positives:>5} {tally.detected:>5} {fmt_pct(d['recall_pct']):>8} "
              f"{fmt_pct(d['recall_any_pct']):>6} {tally.negatives:>6} {tally.false_positives:>5} "
              f"{fmt_pct(d['fp_rate_pct']):>6}")

    for name in sorted(results.providers):
        row(name, results.providers[name])
    print("-" * len(header))
    row("TOTAL", results.total)
    print()
    for kind in NEGATIVE_KINDS:
        tally = results.kinds.get(kind, Tally())
        print(f"  {kind:<40} {tally.negatives:>6} cases, {tally.false_positives:>5} false positive(s) "
              f"({fmt_pct(percent(tally.false_positives, tally.negatives))} %)")
        for (group_kind, group), sub in sorted(results.groups.items()):
            if group_kind == kind:
                print(f"      {group:<36} {sub.negatives:>6} cases, {sub.false_positives:>5} "
                      f"({fmt_pct(percent(sub.false_positives, sub.negatives))} %)")


def print_misses(results: Results, rules_by_id: dict, corpus: Corpus) -> None:
    print(f"\nMissed positives: {len(results.missed)}")
    for case, others in results.missed[:LIST_LIMIT]:
        content = (corpus.root / case.path).read_text(encoding="utf-8", errors="replace")
        hint = diagnose(rules_by_id[case.rule_id], content)
        also = f"; found by {', '.join(others)}" if others else ""
        print(f"  {case.rule_id}  {case.path}  [{hint}{also}]\n      {shorten(case.text)}")
    if len(results.missed) > LIST_LIMIT:
        print(f"  … and {len(results.missed) - LIST_LIMIT} more")


def read_line(path: Path, number) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return lines[int(number) - 1]
    except (OSError, ValueError, TypeError, IndexError):
        return "?"


def print_false_positives(results: Results, corpus: Corpus) -> None:
    if results.generic_on_near_misses:
        print(f"\nNear misses reported only by a generic rule (not counted; --strict counts them): "
              f"{results.generic_on_near_misses}")
    print(f"\nFalse positives: {len(results.false_positives)} finding(s) in "
          f"{results.total.false_positives} negative case(s)")
    # The first finding of every case first, then the second ones…: one noisy file does not
    # fill the whole listing.
    rank = Counter()
    ordered = []
    for order, (case, finding) in enumerate(results.false_positives):
        ordered.append((rank[case.path], order, case, finding))
        rank[case.path] += 1
    for _, _, case, finding in sorted(ordered, key=lambda item: item[:2])[:LIST_LIMIT]:
        line = read_line(corpus.root / case.path, finding.get("line"))
        source = finding.get("source")
        via = f" ({source})" if source and source != "file" else ""
        other = f" of {case.rule_id}" if case.rule_id and case.rule_id != finding.get("rule_id") else ""
        print(f"  {finding.get('rule_id')}{via}  {case.path}:{finding.get('line')}  "
              f"[{case.kind}: {case.label}{other}]\n      {shorten(line)}")
    if len(results.false_positives) > LIST_LIMIT:
        print(f"  … and {len(results.false_positives) - LIST_LIMIT} more")
    print("\nFalse-positive cases by the rule that fired (all negatives):")
    for rule_id, count in results.fp_by_rule.most_common(LIST_LIMIT):
        print(f"  {count:>5}  {rule_id}")
    if len(results.fp_by_rule) > LIST_LIMIT:
        print(f"  … and {len(results.fp_by_rule) - LIST_LIMIT} more rules")
    print(f"\nFindings on real text, by rule: {sum(results.real_text_fp_by_rule.values())}")
    for rule_id, count in results.real_text_fp_by_rule.most_common():
        print(f"  {count:>5}  {rule_id}")


def print_overlaps(results: Results) -> None:
    """Rules that also report another rule's positives: duplicate findings for one key."""
    print(f"\nPositives also reported by another rule: {sum(results.also_reported.values())}")
    for (rule_id, other), count in sorted(results.also_reported.items())[:LIST_LIMIT]:
        print(f"  {count:>5}  {rule_id} also reported as {other}")
    if len(results.also_reported) > LIST_LIMIT:
        print(f"  … and {len(results.also_reported) - LIST_LIMIT} more pairs")


def json_summary(args, version: str, rules: list[dict], corpus: Corpus, report: dict, seconds: float,
                 results: Results, passed: bool) -> dict:
    """Every number of the run; file names and rule ids only, never key text."""
    summary = report.get("summary") or {}
    return {
        "keygate": args.keygate, "keygate_version": version, "seed": args.seed, "variants": args.variants,
        "rules": len(rules), "providers": len({r["provider"] for r in rules}),
        "scan": {"wall_seconds": round(seconds, 3), "keygate_seconds": summary.get("seconds"),
                 "files": summary.get("files"), "bytes": summary.get("bytes"),
                 "corpus_files": len(corpus.cases), "corpus_bytes": corpus.bytes},
        "thresholds": {"recall_pct_min": RECALL_TARGET, "fp_rate_pct_max": FP_RATE_LIMIT},
        "pass": passed,
        "totals": results.total.as_dict(),
        "by_kind": {kind: tally.as_dict() for kind, tally in sorted(results.kinds.items())},
        "by_negative_set": {f"{kind} / {group}": tally.as_dict() for (kind, group), tally in sorted(results.groups.items())},
        "fp_cases_by_rule": dict(results.fp_by_rule.most_common()),
        "by_provider": {name: results.providers[name].as_dict() for name in sorted(results.providers)},
        "by_rule": {name: results.rules[name].as_dict() for name in sorted(results.rules)},
        "real_text_fp_by_rule": dict(results.real_text_fp_by_rule.most_common()),
        "positives_also_reported": [{"rule_id": rule_id, "also_reported_as": other, "count": count}
                                    for (rule_id, other), count in sorted(results.also_reported.items())],
        "missed": [{"rule_id": c.rule_id, "file": c.path, "label": c.label, "found_by": others}
                   for c, others in results.missed],
        "generic_on_near_misses": results.generic_on_near_misses,
        "strict": args.strict,
        "false_positives": [{"rule_id": f.get("rule_id"), "file": c.path, "line": f.get("line"),
                             "kind": c.kind, "set": c.group, "case_rule_id": c.rule_id, "label": c.label}
                            for c, f in results.false_positives],
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keygate", default=str(DEFAULT_KEYGATE), help="the keygate binary (default: %(default)s)")
    parser.add_argument("--strict", action="store_true",
                        help="count a generic rule's finding on a near miss (another rule's negative example, "
                             "a key cut to half) as a false positive too")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random values and the real-text sample")
    parser.add_argument("--variants", type=int, default=5, metavar="K", help="expansions per example (default 5)")
    parser.add_argument("--json-out", metavar="FILE", help="write every number as JSON to FILE")
    parser.add_argument("--keep", metavar="DIR",
                        help="build in DIR (new or empty, outside any git repository) and keep it: "
                             "DIR/corpus, DIR/report.json")
    parser.add_argument("--real-files", type=int, default=3000, metavar="N",
                        help="real-text files to sample (default 3000; 0 for none)")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH",
                        help="extra rule file or directory, passed to keygate (repeatable)")
    args = parser.parse_args()
    if args.variants < 1:
        parser.error("--variants must be at least 1")
    return args


def make_workdir(keep: Optional[str]) -> Path:
    """The run's directory: DIR for --keep (new or empty), else a fresh temporary one; never
    inside a git repository (keygate would scan the repository, and the fake keys must never
    land in one)."""
    workdir = Path(keep).resolve() if keep else Path(tempfile.gettempdir()).resolve() / "keygate-corpus-"
    if inside_git_repository(workdir):
        raise KeygateFailure(f"{workdir} is inside a git repository; the corpus must be outside any repository")
    if not keep:
        return Path(tempfile.mkdtemp(prefix="keygate-corpus-"))
    if workdir.exists() and (not workdir.is_dir() or any(workdir.iterdir())):
        raise KeygateFailure(f"{workdir} is not an empty directory; give a new or empty directory to --keep")
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def build_corpus(root: Path, rules: list[dict], args: argparse.Namespace) -> Corpus:
    corpus = Corpus(root)
    rng = random.Random(args.seed)
    add_positives(corpus, rules, rng, args.variants)
    add_rule_negatives(corpus, rules, rng, args.variants)
    add_placeholder_negatives(corpus, rules, rng)
    add_real_text(corpus, args.real_files, args.seed)
    return corpus


def main() -> int:
    args = parse_arguments()
    extra_rules = [argument for path in args.rules for argument in ("--rules", path)]
    workdir = None
    try:
        version = run_keygate(args.keygate, ["--version"]).stdout.strip()
        rules = load_rules(args.keygate, extra_rules)
        if not rules:
            raise KeygateFailure("keygate listed no rules")
        rules_by_id = {rule["id"]: rule for rule in rules}
        print(f"keygate {version} ({args.keygate}): {len(rules)} rules, "
              f"{len({r['provider'] for r in rules})} providers; seed {args.seed}, {args.variants} variants")

        workdir = make_workdir(args.keep)
        corpus = build_corpus(workdir / "corpus", rules, args)
        counts = Counter(case.kind for case in corpus.cases)
        print(f"corpus: {len(corpus.cases)} files, {corpus.bytes:,} bytes in {corpus.root} "
              f"({', '.join(f'{kind}: {counts[kind]}' for kind in (POSITIVE, *NEGATIVE_KINDS))})")

        report, seconds = scan(args.keygate, corpus.root, workdir / "report.json", extra_rules)
    except KeygateFailure as error:
        print(f"corpus.py: {error}", file=sys.stderr)
        if workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        return 2

    summary = report.get("summary") or {}
    files, size = summary.get("files", 0), summary.get("bytes", 0)
    print(f"scan: {seconds:.2f} s wall clock (keygate: {summary.get('seconds')} s), {files} files, "
          f"{size:,} bytes, {size / max(seconds, 1e-9) / 1e6:.1f} MB/s")
    if report.get("skipped") or report.get("errors") or report.get("suppressed"):
        where = workdir / "report.json" if args.keep else "keygate's report (run with --keep to look)"
        warn(f"keygate skipped {len(report.get('skipped') or [])}, could not read {len(report.get('errors') or [])}, "
             f"suppressed {len(report.get('suppressed') or [])} item(s); see {where}")
    print()

    results = score(corpus.cases, report.get("findings") or [], strict=args.strict)
    print_table(results)
    print_misses(results, rules_by_id, corpus)
    print_false_positives(results, corpus)
    print_overlaps(results)

    recall = percent(results.total.detected, results.total.positives) or 0.0
    fp_rate = percent(results.total.false_positives, results.total.negatives) or 0.0
    passed = recall >= RECALL_TARGET and fp_rate <= FP_RATE_LIMIT
    print(f"\nrecall {recall:.2f} % (target ≥ {RECALL_TARGET:g} %), false-positive rate {fp_rate:.2f} % "
          f"(limit ≤ {FP_RATE_LIMIT:g} %): {'PASS' if passed else 'FAIL'}")

    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(json_summary(args, version, rules, corpus, report, seconds, results, passed), indent=2) + "\n",
            encoding="utf-8")
    if args.keep:
        print(f"corpus kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
