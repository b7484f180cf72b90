"""tests/openapi/compare_twin.py: compares fastapi.hpp's OpenAPI document of the feature app with the one FastAPI
writes for its twin (tests/openapi/twin_app.py): paths and methods, operationIds, summaries, tags, deprecated,
parameters (order, in, name, required, schema), request bodies, responses (status codes, descriptions, media
types, schemas), security, components (schemas and securitySchemes), info and tags.

    python3 tests/openapi/compare_twin.py ours.json twin.json

Schemas are compared after the normalizations below, each an intended difference listed in docs/openapi.md
("Differences from FastAPI"); anything else is reported and the exit code is 1.
"""
import json
import sys

# Intended differences (docs/openapi.md): what each normalization forgives.
INTENDED = [
    "openapi: we write 3.1.0 (as current FastAPI does), FastAPI 0.92 writes 3.0.2",
    "optional values: we write Pydantic v2's anyOf [T, {type: null}], FastAPI 0.92 (Pydantic v1) writes T; "
    "forgiven only where the value is optional (a member not in its model's required list, a parameter or a "
    "body with required false), and only against a Pydantic v1 twin (an OpenAPI 3.0 document)",
    "a model member that defaults to None: we write default: null (Pydantic v2), Pydantic v1 leaves it out; "
    "forgiven under the same two conditions",
    "enums: Pydantic v1 adds description 'An enumeration.'",
    "ValidationError: we also list the optional input and ctx members our 422 bodies carry",
    "OAuth2PasswordRequestForm's grant_type: pattern ^password$ (current FastAPI), 0.92 wrote 'password'",
    "responses of a route: compared as a set (RouteOptions::responses is a std::map, sorted by status)",
    "timedelta: we write Pydantic v2's {type: string, format: duration}, Pydantic v1 {type: number, format: "
    "time-delta}; only against a Pydantic v1 twin",
    "tuples: we write Pydantic v2's prefixItems, Pydantic v1 an items list; only against a Pydantic v1 twin",
    "a single-value Literal: we write Pydantic v2's const beside its enum, Pydantic v1 the enum alone; only against "
    "a Pydantic v1 twin",
]


# Set by main(): the twin is FastAPI on Pydantic v1 (it writes OpenAPI 3.0.x). A twin on Pydantic v2 (OpenAPI
# 3.1) writes anyOf [T, null] and default: null itself, and then they are compared as they are.
PYDANTIC_V1_TWIN = True


def normalize(schema, optional=False):
    """A schema with the intended differences taken out (see INTENDED). `optional`: the schema is that of a
    value that may be absent (a member outside its model's required list, a parameter or body not required):
    only there does Pydantic v1 write T for our anyOf [T, null] and leave out our default: null. Anywhere else
    they stay, and show as differences (a required value we wrongly made nullable, say)."""
    if isinstance(schema, list):
        return [normalize(x) for x in schema]
    if not isinstance(schema, dict):
        return schema
    s = dict(schema)
    any_of = s.get("anyOf")
    if (PYDANTIC_V1_TWIN and optional and isinstance(any_of, list) and len(any_of) == 2
            and {"type": "null"} in any_of):
        inner = [b for b in any_of if b != {"type": "null"}][0]
        del s["anyOf"]
        s = {**inner, **s}
    if PYDANTIC_V1_TWIN and optional and "default" in s and s["default"] is None:
        del s["default"]
    if PYDANTIC_V1_TWIN and s.get("format") == "duration" and s.get("type") == "string":
        s["format"], s["type"] = "time-delta", "number"
    if PYDANTIC_V1_TWIN and isinstance(s.get("prefixItems"), list) and "items" not in s:
        s["items"] = s.pop("prefixItems")
    if PYDANTIC_V1_TWIN and "const" in s and s.get("enum") == [s["const"]]:
        del s["const"]
    if s.get("description") == "An enumeration.":
        del s["description"]
    if s.get("title") == "ValidationError" and "properties" in s:
        s["properties"] = {k: v for k, v in s["properties"].items() if k not in ("input", "ctx")}
    if s.get("title") == "Grant Type" and s.get("pattern") in ("password", "^password$"):
        s["pattern"] = "^password$"
    required = s.get("required") if isinstance(s.get("required"), list) else []
    out = {}
    for k, v in s.items():
        if k == "properties" and isinstance(v, dict):
            out[k] = {name: normalize(member, name not in required) for name, member in v.items()}
        else:
            out[k] = normalize(v)
    return out


def normalize_body(body):
    """A requestBody: its media types' schemas are optional when the body is not required."""
    if not isinstance(body, dict):
        return body
    optional = not body.get("required", False)
    out = dict(body)
    if isinstance(body.get("content"), dict):
        out["content"] = {media: {k: (normalize(v, optional) if k == "schema" else normalize(v))
                                  for k, v in entry.items()} if isinstance(entry, dict) else entry
                          for media, entry in body["content"].items()}
    return out


class Report:
    def __init__(self):
        self.differences = []

    def diff(self, where, ours, twin):
        """Records every place where ours and twin differ (dicts by key, lists by position)."""
        if isinstance(ours, dict) and isinstance(twin, dict):
            for k in sorted(set(ours) | set(twin)):
                if k not in twin:
                    self.differences.append(f"{where}.{k}: only in ours: {json.dumps(ours[k])[:200]}")
                elif k not in ours:
                    self.differences.append(f"{where}.{k}: only in the twin: {json.dumps(twin[k])[:200]}")
                else:
                    self.diff(f"{where}.{k}", ours[k], twin[k])
        elif isinstance(ours, list) and isinstance(twin, list) and len(ours) == len(twin):
            for i, (a, b) in enumerate(zip(ours, twin)):
                self.diff(f"{where}[{i}]", a, b)
        elif ours != twin:
            self.differences.append(f"{where}: ours {json.dumps(ours)[:200]}, twin {json.dumps(twin)[:200]}")


def operation_view(op):
    """The parts of an operation that are compared, normalized."""
    view = {
        "operationId": op.get("operationId"),
        "summary": op.get("summary"),
        "description": op.get("description"),
        "tags": op.get("tags", []),
        "deprecated": op.get("deprecated", False),
        "security": op.get("security", []),
        "parameters": [{"in": p["in"], "name": p["name"], "required": p.get("required", False),
                        "description": p.get("description"),
                        "schema": normalize(p.get("schema"), not p.get("required", False))}
                       for p in op.get("parameters", [])],
        "requestBody": normalize_body(op.get("requestBody")),
        "responses": {code: normalize(r) for code, r in op.get("responses", {}).items()},
    }
    return view


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1]) as f:
        ours = json.load(f)
    with open(argv[2]) as f:
        twin = json.load(f)
    global PYDANTIC_V1_TWIN
    PYDANTIC_V1_TWIN = str(twin.get("openapi", "")).startswith("3.0")
    report = Report()
    report.diff("info", ours.get("info"), twin.get("info"))
    report.diff("tags", ours.get("tags"), twin.get("tags"))
    # FastAPI writes info and tags in its models' field order: so must we (a dict comparison ignores order).
    for name, a, b in (("info", ours.get("info"), twin.get("info")),
                       ("info.contact", ours.get("info", {}).get("contact"), twin.get("info", {}).get("contact")),
                       ("info.license", ours.get("info", {}).get("license"), twin.get("info", {}).get("license"))):
        if isinstance(a, dict) and isinstance(b, dict) and list(a) != list(b):
            report.differences.append(f"{name}: key order ours {list(a)}, twin {list(b)}")
    for a, b in zip(ours.get("tags") or [], twin.get("tags") or []):
        if list(a) != list(b) or list(a.get("externalDocs", {})) != list(b.get("externalDocs", {})):
            report.differences.append(f"tags: key order ours {a}, twin {b}")
    our_paths, twin_paths = ours.get("paths", {}), twin.get("paths", {})
    if list(our_paths) != list(twin_paths):
        report.differences.append(f"paths: ours {list(our_paths)}, twin {list(twin_paths)}")
    operations = 0
    for path in our_paths:
        if path not in twin_paths:
            continue
        for method in sorted(set(our_paths[path]) | set(twin_paths[path])):
            a, b = our_paths[path].get(method), twin_paths[path].get(method)
            if a is None or b is None:
                report.differences.append(f"paths.{path}.{method}: only in {'the twin' if a is None else 'ours'}")
                continue
            operations += 1
            report.diff(f"paths.{path}.{method}", operation_view(a), operation_view(b))
    our_components, twin_components = ours.get("components", {}), twin.get("components", {})
    report.diff("components.schemas", normalize(our_components.get("schemas", {})),
                normalize(twin_components.get("schemas", {})))
    report.diff("components.securitySchemes", our_components.get("securitySchemes", {}),
                twin_components.get("securitySchemes", {}))
    schemas = len(our_components.get("schemas", {}))
    print(f"compare_twin: {len(our_paths)} paths, {operations} operations, {schemas} schemas compared with FastAPI "
          f"{twin.get('openapi')} (ours: {ours.get('openapi')})")
    print("compare_twin: intended differences, normalized before comparing:")
    for d in INTENDED:
        print(f"  - {d}")
    if report.differences:
        print(f"compare_twin: {len(report.differences)} unexpected difference(s):")
        for d in report.differences:
            print(f"  * {d}")
        return 1
    print("compare_twin: no unexpected difference")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
