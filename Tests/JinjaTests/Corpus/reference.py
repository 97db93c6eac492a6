#!/usr/bin/env python3
"""Reference renderer for the differential corpus: Python jinja2 configured as Ansible's `template` module.

Ansible itself is not installed; its filters and tests used by the corpus are re-implemented here from
Ansible's documented semantics (ansible.builtin filter/test plugins), and its template defaults are applied:
trim_blocks=True, no autoescape, keep_trailing_newline=False plus preserve_trailing_newlines, strict but
chainable undefined, None printed as an empty string, and the `#jinja2:` override header.

usage: reference.py TEMPLATE [VARS.yml] [--lstrip-blocks] [--repeat N]
"""
import ast
import base64
import hashlib
import itertools
import json
import math
import os
import re
import shlex
import sys
import time

import jinja2
import yaml
from jinja2.filters import do_unique


class AnsibleUndefined(jinja2.StrictUndefined):
    """Ansible's undefined: strict when used, but attribute access chains (`a.b.c is defined`)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key):
        return self


def finalize(thing):
    return thing if thing is not None else ""


# --- ansible.builtin filters -------------------------------------------------------------------------

def mandatory(a, msg=None):
    if isinstance(a, jinja2.Undefined):
        raise jinja2.UndefinedError(msg or "Mandatory variable %s not defined." % a._undefined_name)
    return a


def to_bool(a):
    if isinstance(a, bool):
        return a
    if a is None:
        return False
    if isinstance(a, str):
        a = a.lower()
    return a in ("yes", "on", "1", "true", 1, "y", "t")


def ternary(value, true_val, false_val, none_val=None):
    if value is None and none_val is not None:
        return none_val
    return true_val if bool(value) else false_val


def to_json(a, *args, **kw):
    return json.dumps(a, *args, **kw)


def to_nice_json(a, indent=4, sort_keys=True, *args, **kw):
    return json.dumps(a, indent=indent, sort_keys=sort_keys, separators=(",", ": "), *args, **kw)


def to_yaml(a, *args, **kw):
    default_flow_style = kw.pop("default_flow_style", None)
    return yaml.dump(a, Dumper=yaml.SafeDumper, allow_unicode=True, default_flow_style=default_flow_style, **kw)


def to_nice_yaml(a, indent=4, *args, **kw):
    return yaml.dump(a, Dumper=yaml.SafeDumper, indent=indent, allow_unicode=True, default_flow_style=False, **kw)


def b64encode(s, encoding="utf-8"):
    return base64.b64encode(str(s).encode(encoding)).decode("ascii")


def b64decode(s, encoding="utf-8"):
    return base64.b64decode(str(s)).decode(encoding)


def get_hash(data, hashtype="sha1"):
    h = hashlib.new(hashtype)
    h.update(str(data).encode("utf-8"))
    return h.hexdigest()


def regex_replace(value="", pattern="", replacement="", ignorecase=False, multiline=False, count=0):
    flags = 0
    if ignorecase:
        flags |= re.I
    if multiline:
        flags |= re.M
    return re.compile(pattern, flags=flags).sub(replacement, str(value), count)


def regex_search(value, regex, *args, **kwargs):
    groups = []
    for arg in args:
        if arg.startswith("\\g"):
            groups.append(re.match(r"\\g<(\S+)>", arg).group(1))
        elif arg.startswith("\\"):
            groups.append(int(re.match(r"\\(\d+)", arg).group(1)))
        else:
            raise jinja2.TemplateRuntimeError("Unknown argument")
    flags = 0
    if kwargs.get("ignorecase"):
        flags |= re.I
    if kwargs.get("multiline"):
        flags |= re.M
    match = re.search(regex, str(value), flags)
    if match:
        if not groups:
            return match.group()
        return [match.group(g) for g in groups]
    return None


def regex_findall(value, regex, multiline=False, ignorecase=False):
    flags = 0
    if ignorecase:
        flags |= re.I
    if multiline:
        flags |= re.M
    return re.findall(regex, str(value), flags)


def split(value, separator=None, maxsplit=-1):
    return str(value).split(separator, maxsplit)


def dict2items(mydict, key_name="key", value_name="value"):
    if not isinstance(mydict, dict):
        raise jinja2.TemplateRuntimeError("dict2items requires a dictionary")
    return [{key_name: k, value_name: v} for k, v in mydict.items()]


def items2dict(mylist, key_name="key", value_name="value"):
    return dict((item[key_name], item[value_name]) for item in mylist)


def merge_hash(x, y, recursive=True, list_merge="replace"):
    x = x.copy()
    for key, y_value in y.items():
        if key not in x:
            x[key] = y_value
            continue
        x_value = x[key]
        if isinstance(x_value, dict) and isinstance(y_value, dict):
            if recursive:
                x[key] = merge_hash(x_value, y_value, recursive, list_merge)
            else:
                x[key] = y_value
            continue
        if isinstance(x_value, list) and isinstance(y_value, list):
            if list_merge == "replace":
                x[key] = y_value
            elif list_merge == "append":
                x[key] = x_value + y_value
            elif list_merge == "prepend":
                x[key] = y_value + x_value
            elif list_merge == "append_rp":
                x[key] = [z for z in x_value if z not in y_value] + y_value
            elif list_merge == "prepend_rp":
                x[key] = y_value + [z for z in x_value if z not in y_value]
            continue
        x[key] = y_value
    return x


def combine(*terms, **kwargs):
    recursive = kwargs.pop("recursive", False)
    list_merge = kwargs.pop("list_merge", "replace")
    dicts = []
    for t in terms:
        dicts.extend(t if isinstance(t, list) else [t])
    result = {}
    for d in dicts:
        result = merge_hash(result, d, recursive, list_merge)
    return result


def flatten(mylist, levels=None, skip_nulls=True):
    ret = []
    for element in mylist:
        if skip_nulls and element in (None, "None", "null"):
            continue
        if isinstance(element, (list, tuple)):
            if levels is None:
                ret.extend(flatten(element, skip_nulls=skip_nulls))
            elif levels >= 1:
                ret.extend(flatten(element, levels=int(levels) - 1, skip_nulls=skip_nulls))
            else:
                ret.append(element)
        else:
            ret.append(element)
    return ret


def make_set_filters(env):
    def union(a, b):
        return list(do_unique(env, a + b, case_sensitive=True))

    def intersect(a, b):
        return list(do_unique(env, [x for x in a if x in b], case_sensitive=True))

    def difference(a, b):
        return list(do_unique(env, [x for x in a if x not in b], case_sensitive=True))

    def symmetric_difference(a, b):
        i = intersect(a, b)
        return [x for x in union(a, b) if x not in i]

    return dict(union=union, intersect=intersect, difference=difference, symmetric_difference=symmetric_difference)


def extract(item, container, morekeys=None):
    value = container[item]
    if morekeys is not None:
        for k in morekeys if isinstance(morekeys, list) else [morekeys]:
            value = value[k]
    return value


def type_debug(o):
    return o.__class__.__name__


def logarithm(x, base=math.e):
    return math.log(x) if base == math.e else math.log(x, base)


def inversepower(x, base=2):
    return math.sqrt(x) if base == 2 else math.pow(x, 1.0 / float(base))


def regex_escape(string):
    return re.escape(string)


# --- ansible.builtin tests ---------------------------------------------------------------------------

def regex_test(value="", pattern="", ignorecase=False, multiline=False, match_type="search"):
    flags = 0
    if ignorecase:
        flags |= re.I
    if multiline:
        flags |= re.M
    _re = re.compile(pattern, flags=flags)
    return bool(getattr(_re, match_type, "search")(value))


def loose_parts(v):
    parts = [x for x in re.split(r"(\d+|[a-z]+|\.)", str(v), flags=re.I) if x and x != "."]
    out = []
    for p in parts:
        try:
            out.append(int(p))
        except ValueError:
            out.append(p)
    return out


def version_test(value, version="", operator="eq", strict=None, version_type=None):
    ops = {"==": "eq", "=": "eq", "eq": "eq", "<": "lt", "lt": "lt", "<=": "le", "le": "le", ">": "gt",
           "gt": "gt", ">=": "ge", "ge": "ge", "!=": "ne", "<>": "ne", "ne": "ne"}
    a, b = loose_parts(value), loose_parts(version)

    def cmp(x, y):
        for p, q in zip(x, y):
            if p == q:
                continue
            if isinstance(p, int) and isinstance(q, str):
                return -1
            if isinstance(p, str) and isinstance(q, int):
                return 1
            return -1 if p < q else 1
        return (len(x) > len(y)) - (len(x) < len(y))

    c = cmp(a, b)
    return {"eq": c == 0, "ne": c != 0, "lt": c < 0, "le": c <= 0, "gt": c > 0, "ge": c >= 0}[ops[operator]]


def truthy(value, convert_bool=False):
    if convert_bool:
        return to_bool(value)
    return bool(value)


def result_failed(result):
    return result.get("failed", False)


def result_changed(result):
    if "changed" in result:
        return bool(result["changed"])
    return any(r.get("changed", False) for r in result.get("results", []))


def make_environment(template_dir, lstrip_blocks=False, trim_blocks=True, keep_trailing_newline=False):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        trim_blocks=trim_blocks,
        lstrip_blocks=lstrip_blocks,
        keep_trailing_newline=keep_trailing_newline,
        undefined=AnsibleUndefined,
        finalize=finalize,
        autoescape=False,
    )
    env.filters.update(
        mandatory=mandatory, bool=to_bool, ternary=ternary, to_json=to_json, to_nice_json=to_nice_json,
        from_json=json.loads, to_yaml=to_yaml, to_nice_yaml=to_nice_yaml, from_yaml=yaml.safe_load,
        from_yaml_all=lambda s: list(yaml.safe_load_all(s)), b64encode=b64encode, b64decode=b64decode,
        hash=get_hash, checksum=lambda s: get_hash(s, "sha1"), sha1=lambda s: get_hash(s, "sha1"),
        md5=lambda s: get_hash(s, "md5"), basename=os.path.basename, dirname=os.path.dirname,
        splitext=os.path.splitext, quote=lambda s: shlex.quote(str(s) if s is not None else ""),
        regex_replace=regex_replace, regex_search=regex_search, regex_findall=regex_findall,
        regex_escape=regex_escape, split=split, dict2items=dict2items, items2dict=items2dict, combine=combine,
        zip=lambda *a: list(zip(*a)), zip_longest=lambda *a, **kw: list(itertools.zip_longest(*a, **kw)),
        flatten=flatten, extract=extract, type_debug=type_debug, log=logarithm, pow=math.pow, root=inversepower,
        **make_set_filters(env),
    )
    env.tests.update(
        match=lambda v, p, **kw: regex_test(v, p, match_type="match", **kw),
        search=lambda v, p, **kw: regex_test(v, p, match_type="search", **kw),
        regex=regex_test, version=version_test, version_compare=version_test,
        subset=lambda a, b: set(a) <= set(b), superset=lambda a, b: set(a) >= set(b),
        any=any, all=all, truthy=truthy, falsy=lambda v, convert_bool=False: not truthy(v, convert_bool),
        nan=lambda v: isinstance(v, float) and math.isnan(v), contains=lambda seq, v: v in seq,
        failed=result_failed, failure=result_failed,
        succeeded=lambda r: not result_failed(r), success=lambda r: not result_failed(r),
        successful=lambda r: not result_failed(r), changed=result_changed, change=result_changed,
        skipped=lambda r: r.get("skipped", False), skip=lambda r: r.get("skipped", False),
    )
    return env


def count_trailing_newlines(s):
    return len(s) - len(s.rstrip("\n"))


def render_file(path, variables, lstrip=False, repeat=1):
    """Renders like Ansible's template action; returns (output, seconds for `repeat` renders)."""
    with open(path, encoding="utf-8") as f:
        data = f.read()
    overrides = {}
    if data.startswith("#jinja2:"):
        eol = data.find("\n")
        line = data[len("#jinja2:"):eol]
        data = data[eol + 1:]
        for pair in line.split(","):
            key, val = pair.split(":", 1)
            overrides[key.strip()] = ast.literal_eval(val.strip())
    env = make_environment(os.path.dirname(path) or ".", lstrip_blocks=lstrip)
    for k, v in overrides.items():
        setattr(env, k, v)
    template = env.from_string(data)
    start = time.perf_counter()
    for _ in range(repeat):
        res = template.render(variables)
    elapsed = time.perf_counter() - start
    data_newlines = count_trailing_newlines(data)
    res_newlines = count_trailing_newlines(res)
    if data_newlines > res_newlines:
        res += "\n" * (data_newlines - res_newlines)
    return res, elapsed


def load_vars(path):
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f) or {}
    return {}


def batch(directory):
    """Renders every top-level *.j2 of the corpus; prints {name: {"output"|"error": text}} as JSON."""
    results = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".j2"):
            continue
        stem = name[:-3]
        try:
            out, _ = render_file(os.path.join(directory, name), load_vars(os.path.join(directory, stem + ".yml")))
            results[stem] = {"output": out}
        except Exception as e:  # noqa: BLE001 - errors are expected outcomes in the corpus
            results[stem] = {"error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(results))


def main():
    args = sys.argv[1:]
    if args and args[0] == "--batch":
        batch(args[1])
        return
    lstrip = "--lstrip-blocks" in args
    repeat = 1
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    args = [a for a in args if not a.startswith("--")]
    try:
        res, elapsed = render_file(args[0], load_vars(args[1] if len(args) > 1 else None), lstrip, repeat)
    except Exception as e:  # noqa: BLE001 - the error text is the test's expected outcome
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
    if repeat > 1:
        sys.stderr.write("renders=%d seconds=%.6f per_render_us=%.3f\n" % (repeat, elapsed, elapsed / repeat * 1e6))
    sys.stdout.write(res)


if __name__ == "__main__":
    main()
