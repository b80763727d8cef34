"""The Python peer of `rcfge hook replay`: a plain Python hook doing the same job with
python3-jsonschema. For each Lambda hook request file it loads the type's template (cached per type,
placeholders filled by text replacement), validates the resource properties with Draft7Validator
(CloudFormation's scalar coercion as a type checker: "5" is an integer, 'True' a boolean, 5 a
string) and prints one line per request: the file name and SUCCESS or FAILED.

    python3 replay_peer.py TEMPLATES_DIR REQUEST.json...
"""
import json
import os
import re
import sys

from jsonschema import Draft7Validator, validators

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$")


def is_integer(checker, v):
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, float):
        return v.is_integer()
    if isinstance(v, str) and len(v) <= 64 and NUMBER.match(v):
        return float(v).is_integer()
    return False


def is_number(checker, v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and len(v) <= 64 and NUMBER.match(v) is not None


def is_boolean(checker, v):
    return isinstance(v, bool) or (isinstance(v, str) and v.lower() in ("true", "false"))


def is_string(checker, v):
    return isinstance(v, (str, int, float))


CHECKER = Draft7Validator.TYPE_CHECKER.redefine_many(
    {"integer": is_integer, "number": is_number, "boolean": is_boolean, "string": is_string})


def coerce(instance, schema):
    """The value as CloudFormation reads it where this subschema's type wants another scalar."""
    t = schema.get("type")
    types = set(t) if isinstance(t, list) else {t} if t else set()
    if not types or isinstance(instance, (dict, list)) or instance is None:
        return instance
    if isinstance(instance, str) and "string" not in types:
        if "boolean" in types and instance.lower() in ("true", "false"):
            return instance.lower() == "true"
        if types & {"integer", "number"} and len(instance) <= 64 and NUMBER.match(instance):
            return json.loads(instance.lstrip("0") if instance.lstrip("0")[:1].isdigit() else instance)
    if isinstance(instance, bool) and "boolean" not in types and "string" in types:
        return "true" if instance else "false"
    if isinstance(instance, (int, float)) and not isinstance(instance, bool) and not types & {"integer", "number"} and "string" in types:
        return json.dumps(instance)
    return instance


def coercing(fn):
    def keyword(validator, value, instance, schema):
        return fn(validator, value, coerce(instance, schema), schema)
    return keyword


Validator = validators.extend(
    Draft7Validator,
    validators={k: coercing(Draft7Validator.VALIDATORS[k]) for k in (
        "enum", "const", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf")},
    type_checker=CHECKER)


def main():
    templates, requests = sys.argv[1], sys.argv[2:]
    cache = {}
    out = []
    for path in requests:
        with open(path, encoding="utf-8") as f:
            req = json.load(f)
        account = req.get("awsAccountId", "")
        data = req["requestData"]
        type_name = data["targetType"]
        v = cache.get(type_name)
        if v is None:
            name = type_name.replace("::", "-") + ".json"
            with open(os.path.join(templates, name), encoding="utf-8") as f:
                text = f.read()
            text = text.replace("$<accountID>", account).replace("$<region>", "us-east-1").replace("$<partition>", "aws")
            schema = json.loads(text)
            schema.pop("$schema", None)
            v = Validator(schema)
            cache[type_name] = v
        props = (data.get("targetModel") or {}).get("resourceProperties") or {}
        try:
            ok = next(iter(v.iter_errors(props)), None) is None
        except Exception as e:  # a Go RE2 pattern Python's re cannot compile, for instance
            out.append("%s\tSKIPPED %s: %s" % (path, type(e).__name__, str(e).replace("\n", " ")))
            continue
        out.append("%s\t%s" % (path, "SUCCESS" if ok else "FAILED"))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
