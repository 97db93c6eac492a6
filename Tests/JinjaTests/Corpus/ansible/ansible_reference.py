#!/usr/bin/env python3
"""Renders test cases through ansible-core's own Templar (the real filters, tests and lookups).

Each case is a mapping with `name`, `template` and optional `vars`; the output is JSON
{name: {"output": text} | {"error": "ExceptionType: message"}} on stdout. A template that yields a
non-string (Ansible's native types) is printed as Python's str(), as `{{ }}` inside text would be.

usage: ansible_reference.py CASES.yml [--basedir DIR] [--vars VARS.yml]
"""
import json
import os
import sys

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template


def main():
    args = sys.argv[1:]
    basedir = None
    extra = {}
    if "--basedir" in args:
        i = args.index("--basedir")
        basedir = args[i + 1]
        del args[i:i + 2]
    if "--vars" in args:
        i = args.index("--vars")
        with open(args[i + 1], encoding="utf-8") as f:
            extra = yaml.safe_load(f) or {}
        del args[i:i + 2]
    with open(args[0], encoding="utf-8") as f:
        cases = yaml.safe_load(f)
    loader = DataLoader()
    if basedir:
        loader.set_basedir(basedir)
    results = {}
    for case in cases:
        variables = dict(extra)
        variables.update(case.get("vars") or {})
        if basedir:
            variables.setdefault("playbook_dir", basedir)
        templar = Templar(loader=loader, variables=variables)
        try:
            out = templar.template(trust_as_template(case["template"]))
            results[case["name"]] = {"output": out if isinstance(out, str) else str(out)}
        except Exception as e:  # noqa: BLE001 - an error is an expected outcome of a case
            results[case["name"]] = {"error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
