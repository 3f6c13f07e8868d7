#!/usr/bin/env python3
"""validate_json.py — validates h2scope JSON output against docs/schema/v1.

usage: validate_json.py SCHEMA_DIR SCHEMA_FILE [--document] [--min N] [--expect-invalid] < INPUT

Every line of INPUT (JSON Lines; blank lines are an error) or, with --document,
the whole input, is validated with JSON Schema draft 2020-12 against
SCHEMA_FILE. The schemas of SCHEMA_DIR are loaded first (each checked against
the metaschema) so cross-file $refs resolve without the network.
--min N: fail when fewer than N records were read (no vacuous passes).
--expect-invalid: invert: every record must be rejected (for the broken-line test).
Exit status 0 when everything holds, 1 otherwise; the first problems are printed.
"""
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator


def load_schemas(schema_dir):
    store = {}
    for name in sorted(os.listdir(schema_dir)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        store[name] = schema
    return store


def make_validator(store, main):
    schema = store[main]
    try:  # jsonschema >= 4.18: the referencing library
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in store.values())
        return Draft202012Validator(schema, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(
            schema, store={s["$id"]: s for s in store.values()})
        return Draft202012Validator(schema, resolver=resolver)


def leaves(errors):
    for e in errors:
        if e.context:
            yield from leaves(e.context)
        else:
            yield e


def explain(errors):
    """The most specific reasons: leaf errors, without the unevaluatedProperties
    ones that only follow from another failure."""
    found = list(leaves(errors))
    specific = [e for e in found if e.validator != "unevaluatedProperties"] or found
    specific.sort(key=lambda e: -len(e.absolute_path))
    return "; ".join(f"{e.message} (at /{'/'.join(str(p) for p in e.absolute_path)})"
                     for e in specific[:2])


def main(argv):
    args = argv[1:]
    document = "--document" in args
    expect_invalid = "--expect-invalid" in args
    minimum = 1
    if "--min" in args:
        minimum = int(args[args.index("--min") + 1])
        del args[args.index("--min"):args.index("--min") + 2]
    args = [a for a in args if a not in ("--document", "--expect-invalid")]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    store = load_schemas(args[0])
    validator = make_validator(store, args[1])
    text = sys.stdin.read()
    records = [(1, text)] if document else list(enumerate(text.split("\n"), 1))
    if not document and records and records[-1][1] == "":
        records.pop()  # the newline that ends the last line
    problems = []
    count = 0
    for lineno, line in records:
        count += 1
        try:
            value = json.loads(line)
        except ValueError as e:
            problems.append(f"line {lineno}: not JSON ({e}): {line[:120]}")
            continue
        errors = list(validator.iter_errors(value))
        if expect_invalid and not errors:
            problems.append(f"line {lineno}: accepted, but should be rejected: {line[:200]}")
        elif not expect_invalid and errors:
            problems.append(f"line {lineno}: {explain(errors)}: {line[:200]}")
    if count < minimum:
        problems.append(f"only {count} records, expected at least {minimum}")
    for p in problems[:10]:
        print(f"{args[1]}: {p}")
    if len(problems) > 10:
        print(f"{args[1]}: ... {len(problems) - 10} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
