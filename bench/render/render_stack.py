#!/usr/bin/env python3
"""Render the detection-service stack with Python jinja2, the way Ansible would.

The reference (and benchmark peer) for `opsctl render`: reads an Ansible YAML inventory
(hosts.yml + group_vars/ + host_vars/), builds Ansible's magic variables (`groups`,
`hostvars`, `inventory_hostname`, `group_names`), layers variables with Ansible's
precedence over `templates/defaults.yml`, and renders every entry of
`templates/manifest.yml` with jinja2 configured as Ansible's template module
(trim_blocks=True, no autoescape, StrictUndefined; keep_trailing_newline=False, then the
template's trailing newlines restored as Ansible's preserve_trailing_newlines does).

Usage:
    render_stack.py -i INVENTORY [--templates DIR] --out DIR [--only nginx|systemd|...]
                    [--repeat N]

Output is written to a temporary directory next to --out and moved into place, so a
failed render leaves the previous output untouched.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time

import jinja2
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# --- Ansible filters and tests the templates use (same semantics as Ansible's) -----------

def _dict2items(value, key_name="key", value_name="value"):
    if not isinstance(value, dict):
        raise jinja2.exceptions.FilterArgumentError("dict2items requires a dictionary")
    return [{key_name: k, value_name: v} for k, v in value.items()]


def _items2dict(value, key_name="key", value_name="value"):
    return {item[key_name]: item[value_name] for item in value}


def _combine(*dicts, recursive=False):
    result = {}
    for d in dicts:
        for k, v in d.items():
            if recursive and isinstance(v, dict) and isinstance(result.get(k), dict):
                result[k] = _combine(result[k], v, recursive=True)
            else:
                result[k] = v
    return result


def _mandatory(value, msg=None):
    if isinstance(value, jinja2.Undefined):
        raise jinja2.exceptions.UndefinedError(msg or "Mandatory variable not defined.")
    return value


def _ternary(value, true_val, false_val, none_val=None):
    if value is None and none_val is not None:
        return none_val
    return true_val if bool(value) else false_val


def _bool(value):
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, str):
        return value.lower() in ("yes", "on", "1", "true")
    return value == 1


def _regex_replace(value, pattern, replacement="", ignorecase=False, multiline=False):
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    return re.sub(pattern, replacement, str(value), flags=flags)


def _regex_search(value, pattern, ignorecase=False, multiline=False):
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    m = re.search(pattern, str(value), flags=flags)
    return m.group(0) if m else None


def _hash(value, algorithm="sha1"):
    h = hashlib.new(algorithm)
    h.update(str(value).encode("utf-8"))
    return h.hexdigest()


def _to_yaml(value, **kw):
    return yaml.dump(value, allow_unicode=True, default_flow_style=kw.pop("default_flow_style", None), **kw)


def _to_nice_yaml(value, indent=4, **kw):
    return yaml.dump(value, indent=indent, allow_unicode=True, default_flow_style=False, **kw)


def _to_nice_json(value, indent=4, **kw):
    return json.dumps(value, indent=indent, sort_keys=True, separators=(",", ": "), **kw)


FILTERS = {
    "dict2items": _dict2items,
    "items2dict": _items2dict,
    "combine": _combine,
    "mandatory": _mandatory,
    "ternary": _ternary,
    "bool": _bool,
    "regex_replace": _regex_replace,
    "regex_search": _regex_search,
    "hash": _hash,
    "to_json": lambda v, **kw: json.dumps(v, **kw),
    "to_nice_json": _to_nice_json,
    "to_yaml": _to_yaml,
    "to_nice_yaml": _to_nice_yaml,
    "from_json": json.loads,
    "from_yaml": yaml.safe_load,
    "b64encode": lambda v: base64.b64encode(str(v).encode("utf-8")).decode("ascii"),
    "b64decode": lambda v: base64.b64decode(str(v)).decode("utf-8"),
    "basename": os.path.basename,
    "dirname": os.path.dirname,
    "quote": lambda v: shlex.quote(str(v)),
    "zip": lambda *lists: list(zip(*lists)),
}

def _version_key(value):
    """Loose version ordering, as Ansible's default: numbers compare as numbers."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|[a-zA-Z]+", str(value))]


def _version(value, other, operator="eq"):
    a, b = _version_key(value), _version_key(other)
    ops = {"<": a < b, "lt": a < b, "<=": a <= b, "le": a <= b, ">": a > b, "gt": a > b,
           ">=": a >= b, "ge": a >= b, "==": a == b, "=": a == b, "eq": a == b,
           "!=": a != b, "<>": a != b, "ne": a != b}
    if operator not in ops:
        raise jinja2.exceptions.TemplateRuntimeError(f"version: unknown operator {operator!r}")
    return ops[operator]


TESTS = {
    "version": _version,
    "version_compare": _version,
    "match": lambda v, p, ignorecase=False: re.match(p, str(v), re.I if ignorecase else 0) is not None,
    "search": lambda v, p, ignorecase=False: re.search(p, str(v), re.I if ignorecase else 0) is not None,
}


# --- Inventory: Ansible YAML format -------------------------------------------------------

class InventoryError(Exception):
    pass


def _load_yaml(path):
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.safe_load(f) or {}
        except yaml.YAMLError as e:
            raise InventoryError(f"{path}: {e}") from e


def _vars_from_dir(base, name):
    """group_vars/NAME.yml, NAME.yaml, NAME (file) or NAME/ (every *.yml inside, sorted)."""
    merged = {}
    for ext in (".yml", ".yaml", ""):
        path = os.path.join(base, name + ext)
        if os.path.isfile(path):
            merged.update(_load_yaml(path))
    directory = os.path.join(base, name)
    if os.path.isdir(directory):
        for entry in sorted(os.listdir(directory)):
            if entry.endswith((".yml", ".yaml")):
                merged.update(_load_yaml(os.path.join(directory, entry)))
    return merged


class Inventory:
    def __init__(self, path):
        self.hosts = []            # parse order, as Ansible's groups['all']
        self.host_vars = {}        # host -> vars written in the inventory file
        self.groups = {"all": {"hosts": [], "children": [], "vars": {}, "parents": []}}
        if os.path.isdir(path):
            base = path
            files = [os.path.join(path, f) for f in sorted(os.listdir(path))
                     if f.endswith((".yml", ".yaml")) and os.path.isfile(os.path.join(path, f))]
        else:
            base = os.path.dirname(path)
            files = [path]
        if not files:
            raise InventoryError(f"{path}: no inventory file (hosts.yml) found")
        for f in files:
            data = _load_yaml(f)
            if "all" not in data:
                raise InventoryError(f"{f}: expected a top-level 'all:' group")
            self._parse_group("all", data["all"] or {}, None, f)
        self.base = base
        self._vars_cache = {}

    def _dir_vars(self, kind, name):
        key = (kind, name)
        if key not in self._vars_cache:
            self._vars_cache[key] = _vars_from_dir(os.path.join(self.base, kind), name)
        return self._vars_cache[key]

    def _group(self, name):
        return self.groups.setdefault(name, {"hosts": [], "children": [], "vars": {}, "parents": []})

    def _parse_group(self, name, body, parent, source):
        group = self._group(name)
        if parent and parent not in group["parents"]:
            group["parents"].append(parent)
            self._group(parent)["children"].append(name)
        for key in body:
            if key not in ("hosts", "children", "vars"):
                raise InventoryError(f"{source}: group '{name}' has unknown key '{key}' "
                                     "(expected hosts, children or vars)")
        group["vars"].update(body.get("vars") or {})
        for host, hvars in (body.get("hosts") or {}).items():
            if host not in self.host_vars:
                self.hosts.append(host)
                self.host_vars[host] = {}
            self.host_vars[host].update(hvars or {})
            if host not in group["hosts"]:
                group["hosts"].append(host)
        for child, cbody in (body.get("children") or {}).items():
            self._parse_group(child, cbody or {}, name, source)

    def _depth(self, name):
        parents = self.groups[name]["parents"]
        return 0 if not parents else 1 + max(self._depth(p) for p in parents)

    def members(self, name):
        """Hosts of a group and of its children, in inventory order."""
        found = set(self.groups[name]["hosts"])
        for child in self.groups[name]["children"]:
            found.update(self.members(child))
        return [h for h in self.hosts if h in found]

    def groups_of(self, host):
        return [g for g in self.groups if host in self.members(g)]

    def magic_groups(self):
        result = {g: self.members(g) for g in self.groups}
        result["all"] = list(self.hosts)
        result["ungrouped"] = [h for h in self.hosts
                               if not [g for g in self.groups_of(h) if g != "all"]]
        return result

    def vars_for(self, host, defaults):
        """Ansible precedence: role defaults < group vars (all first, then by depth, then
        name; inventory file before group_vars/) < host vars (inventory, then host_vars/)."""
        merged = dict(defaults)
        member_groups = sorted(self.groups_of(host) if host else ["all"],
                               key=lambda g: (self._depth(g), g))
        for g in member_groups:
            merged.update(self.groups[g]["vars"])
            merged.update(self._dir_vars("group_vars", g))
        if host:
            merged.update(self.host_vars[host])
            merged.update(self._dir_vars("host_vars", host))
        return merged


def build_context(inventory, defaults, host):
    groups = inventory.magic_groups()
    hostvars = {}
    for h in inventory.hosts:
        hv = inventory.vars_for(h, {})
        hv.setdefault("ansible_host", h)
        hv.update(inventory_hostname=h, inventory_hostname_short=h.split(".")[0],
                  group_names=sorted(g for g in inventory.groups_of(h) if g not in ("all", "ungrouped")))
        hostvars[h] = hv
    ctx = inventory.vars_for(host, defaults)
    name = host or "localhost"
    ctx.update(
        groups=groups,
        hostvars=hostvars,
        inventory_hostname=name,
        inventory_hostname_short=name.split(".")[0],
        group_names=hostvars[host]["group_names"] if host else [],
    )
    if host:
        ctx.setdefault("ansible_host", host)
    return ctx


# --- Rendering ---------------------------------------------------------------------------

def make_env(templates_dir):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        trim_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    return env


def _template_line(error, src):
    """jinja2 rewrites tracebacks so the template's own frame carries its line number."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(src):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def prepare(inventory_path, templates_dir):
    """Everything a render needs that does not depend on the templates' text."""
    inventory = Inventory(inventory_path)
    defaults = _load_yaml(os.path.join(templates_dir, "defaults.yml"))
    manifest = _load_yaml(os.path.join(templates_dir, "manifest.yml"))["templates"]
    return inventory, defaults, manifest


def render_all(inventory_path, templates_dir, only=None, prepared=None, env=None):
    inventory, defaults, manifest = prepared or prepare(inventory_path, templates_dir)
    env = env or make_env(templates_dir)
    outputs = {}
    skipped = []
    contexts = {}
    for entry in manifest:
        if only and entry["kind"] != only:
            continue
        group = entry["context"]
        if group == "localhost":
            host = None
        else:
            members = inventory.members(group) if group in inventory.groups else []
            if not members:
                skipped.append(f"{entry['out']}: no host in group '{group}'")
                continue
            host = members[0]
        if host not in contexts:
            contexts[host] = build_context(inventory, defaults, host)
        try:
            outputs[entry["out"]] = (_render_like_ansible(env, entry["src"], contexts[host]), entry)
        except jinja2.TemplateError as e:
            line = getattr(e, "lineno", None) or _template_line(e, entry["src"])
            where = f"{entry['src']}:{line}" if line else entry["src"]
            raise InventoryError(f"{where}: {e.__class__.__name__}: {e}") from e
    return outputs, skipped


def _count_newlines_from_end(text):
    n = 0
    for ch in reversed(text):
        if ch != "\n":
            break
        n += 1
    return n


def _render_like_ansible(env, name, context):
    """Ansible's Templar: jinja2 drops the source's last newline, then Ansible puts back as many
    trailing newlines as the template source had (preserve_trailing_newlines=True)."""
    source = env.loader.get_source(env, name)[0]
    out = env.get_template(name).render(context)
    missing = _count_newlines_from_end(source) - _count_newlines_from_end(out)
    return out + "\n" * missing if missing > 0 else out


def write_atomically(outputs, out_dir):
    out_dir = os.path.abspath(out_dir)
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".render-", dir=parent)
    try:
        for rel, (text, entry) in outputs.items():
            path = os.path.join(staging, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(path, int(str(entry.get("mode", "0644")), 8))
        old = None
        if os.path.exists(out_dir):
            old = out_dir + ".old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out_dir, old)
        os.rename(staging, out_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-i", "--inventory", required=True, help="inventory directory or hosts.yml")
    parser.add_argument("--templates", default=os.path.join(REPO, "templates"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", choices=["nginx", "systemd", "prometheus", "kubernetes"])
    parser.add_argument("--repeat", type=int, default=1,
                        help="render N times (benchmark peer); prints the time per render")
    args = parser.parse_args()
    try:
        start = time.perf_counter()
        for _ in range(args.repeat):
            outputs, skipped = render_all(args.inventory, args.templates, args.only)
        cold = (time.perf_counter() - start) / args.repeat
        if args.repeat > 1:
            # Warm: inventory loaded and templates compiled once, as a long-running process would.
            prepared = prepare(args.inventory, args.templates)
            env = make_env(args.templates)
            render_all(args.inventory, args.templates, args.only, prepared, env)
            start = time.perf_counter()
            for _ in range(args.repeat):
                render_all(args.inventory, args.templates, args.only, prepared, env)
            warm = (time.perf_counter() - start) / args.repeat
        write_atomically(outputs, args.out)
    except (InventoryError, OSError) as e:
        print(f"render: {e}", file=sys.stderr)
        return 1
    for s in skipped:
        print(f"skipped {s}", file=sys.stderr)
    for rel in sorted(outputs):
        print(os.path.join(args.out, rel))
    if args.repeat > 1:
        print(f"python-jinja2: {len(outputs)} files, {args.repeat} renders: "
              f"{cold * 1000:.3f} ms per render (load inventory, compile, render), "
              f"{warm * 1000:.3f} ms per render (compiled, inventory loaded)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
