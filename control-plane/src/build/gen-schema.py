#!/usr/bin/env python3
"""Writes control-plane's compact schema file (kinds.schema) from upstream Kubernetes facts.

Inputs (not committed; fetch them at the versions named in the output header):
  SWAGGER   Kubernetes' api/openapi-spec/swagger.json (release-1.33)
  PROTOS    a directory holding k8s.io/api/<group>/<version>/{generated.proto,types.go} and
            k8s.io/apimachinery/pkg/.../generated.proto (+ meta/v1 types.go) files (v0.33.x)

Usage: gen-schema.py SWAGGER PROTOS SOURCE-NOTE... > src/main/resources/dev/keelson/control/schema/kinds.schema

Only machine facts are carried over (types, references, patch and list extensions, required
fields, group-version-kinds, protobuf field numbers); no descriptions. The format is described in
the header the script writes and read by SchemaFile.java.
"""
import json
import os
import re
import sys

ROOT_KINDS = [
    ("", "v1", ["Namespace", "Pod", "Service", "Endpoints", "Node", "ConfigMap", "Secret", "Event",
                "ServiceAccount", "Binding", "PodTemplate", "PersistentVolume", "PersistentVolumeClaim"]),
    ("apps", "v1", ["Deployment", "ReplicaSet", "DaemonSet"]),
    ("batch", "v1", ["Job"]),
    ("coordination.k8s.io", "v1", ["Lease"]),
    ("discovery.k8s.io", "v1", ["EndpointSlice"]),
    ("autoscaling", "v1", ["Scale"]),
    ("autoscaling", "v2", ["HorizontalPodAutoscaler"]),
    ("policy", "v1", ["Eviction"]),
    ("storage.k8s.io", "v1", ["StorageClass"]),
]
NO_LIST = {"Binding", "Scale", "Eviction"}
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
META_ROOTS = ["Status", "DeleteOptions", "WatchEvent", "APIResourceList", "APIGroupList", "APIGroup",
              "APIVersions", "Patch"]
GROUPS = {g for g, _, _ in ROOT_KINDS}
GROUP_VERSIONS = {(g, v) for g, v, _ in ROOT_KINDS}

PROTO_SCALARS = {"string": "string", "bool": "boolean", "int32": "integer/int32",
                 "int64": "integer/int64", "bytes": "string/byte", "double": "number/double"}


def def_to_proto(name):
    if name.startswith("io.k8s.api."):
        return "k8s.io.api." + name[len("io.k8s.api."):]
    if name.startswith("io.k8s.apimachinery."):
        return "k8s.io.apimachinery." + name[len("io.k8s.apimachinery."):]
    return None


def read_protos(directory):
    """message full name -> {field: (label, type, number)}"""
    messages = {}
    field_re = re.compile(r"^\s*(optional|repeated)?\s*(map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
    for dirpath, _, files in os.walk(directory):
        for f in files:
            if f != "generated.proto":
                continue
            package, current = None, None
            for line in open(os.path.join(dirpath, f)):
                line = line.split("//")[0]
                m = re.match(r"^package\s+([\w.]+);", line)
                if m:
                    package = m.group(1)
                m = re.match(r"^message\s+(\w+)\s*{", line)
                if m:
                    current = {}
                    messages[package + "." + m.group(1)] = current
                    continue
                if line.startswith("}"):
                    current = None
                    continue
                m = field_re.match(line)
                if m and current is not None:
                    ptype = m.group(2)
                    if ptype.startswith("."):
                        ptype = ptype[1:]
                    elif not ptype.startswith("map<") and ptype not in PROTO_SCALARS:
                        ptype = package + "." + ptype
                    elif ptype.startswith("map<"):
                        k, v = [x.strip() for x in ptype[4:-1].split(",")]
                        v = v[1:] if v.startswith(".") else (v if v in PROTO_SCALARS else package + "." + v)
                        ptype = f"map<{k}, {v}>"
                    current[m.group(3)] = (m.group(1) or "", ptype, int(m.group(4)))
    return messages


def read_go_types(directory):
    """proto message name -> {json field: (pointer, omitempty)} from the Go types next to the protos."""
    structs = {}
    field_re = re.compile(r'^\s+\w+\s+(\*?)[\w.\[\]]+\s+`json:"([^",]*)(,[^"]*)?"')
    for dirpath, _, files in os.walk(directory):
        if "types.go" not in files or "generated.proto" not in files:
            continue
        package = None
        for line in open(os.path.join(dirpath, "generated.proto")):
            m = re.match(r"^package\s+([\w.]+);", line)
            if m:
                package = m.group(1)
        current = None
        for line in open(os.path.join(dirpath, "types.go")):
            m = re.match(r"^type\s+(\w+)\s+struct\s*{", line)
            if m:
                current = structs.setdefault(package + "." + m.group(1), {})
                continue
            if line.startswith("}"):
                current = None
                continue
            m = field_re.match(line)
            if m and current is not None and m.group(2):
                current[m.group(2)] = (m.group(1) == "*", "omitempty" in (m.group(3) or ""))
    return structs


def type_expr(p, refs):
    if "$ref" in p:
        target = p["$ref"].split("/")[-1]
        refs.append(target)
        return "@" + target
    t = p.get("type")
    if t == "array":
        return "[]" + type_expr(p["items"], refs)
    if t == "object":
        ap = p.get("additionalProperties")
        if isinstance(ap, dict):
            return "{}" + type_expr(ap, refs)
        return "object"
    if t is None:
        return "any"
    return t + ("/" + p["format"] if "format" in p else "")


def check_proto(defname, field, expr, proto_field, problems):
    label, ptype, _ = proto_field
    inner = expr
    if label == "repeated":
        if not inner.startswith("[]"):
            problems.append(f"{defname}.{field}: repeated proto {ptype} vs {expr}")
            return
        inner = inner[2:]
    if ptype.startswith("map<"):
        k, v = [x.strip() for x in ptype[4:-1].split(",")]
        if not inner.startswith("{}"):
            problems.append(f"{defname}.{field}: proto {ptype} vs {expr}")
            return
        inner, ptype = inner[2:], v
    if ptype in PROTO_SCALARS:
        want = PROTO_SCALARS[ptype]
        if inner != want and not (ptype == "int64" and inner == "integer"):
            problems.append(f"{defname}.{field}: proto {ptype} vs {expr}")
    elif not inner.startswith("@") or def_to_proto(inner[1:]) != ptype:
        problems.append(f"{defname}.{field}: proto {ptype} vs {expr}")


def emit_type(name, d, protos, out, problems, synthetic, is_synthetic, go_types):
    pmsg = def_to_proto(name)
    go_fields = go_types.get(pmsg, {})
    fields_proto = protos.get(pmsg)
    head = ["type", name]
    props = d.get("properties")
    if props is None:
        head.append(type_expr(d, []) if d.get("type") != "object" else "object")
    else:
        head.append("object")
    gvks = [g for g in d.get("x-kubernetes-group-version-kind", [])
            if (g["group"], g["version"]) in GROUP_VERSIONS or (name.startswith(META) and g["group"] in GROUPS)]
    if gvks:
        head.append("gvk=" + ",".join(f"{g['group']}/{g['version']}/{g['kind']}" for g in gvks))
    if d.get("x-kubernetes-map-type"):
        head.append("map=" + d["x-kubernetes-map-type"])
    if is_synthetic:
        head.append("embedded")
    if fields_proto is not None:
        head.append("proto=" + pmsg)
    out.append(" ".join(head))
    if not props:
        return
    required = set(d.get("required", []))
    inlined = {}
    if fields_proto is not None:
        # A proto field with no JSON property of its name is an embedded Go struct whose fields
        # JSON inlines (Probe's ProbeHandler, Volume's VolumeSource, ...).
        for pname, (label, ptype, number) in sorted(fields_proto.items(), key=lambda kv: kv[1][2]):
            if pname in props or ptype in PROTO_SCALARS or ptype.startswith("map<"):
                continue
            target = "io.k8s." + ptype[len("k8s.io."):]
            synthetic.setdefault(ptype, (target, d))
            out.append(f"  (inline) @{target} proto={number}")
            for f, spec in protos.get(ptype, {}).items():
                if f in props:
                    inlined[f] = number + spec[2] / 1000.0

    def order_key(f):
        if f in ("apiVersion", "kind"):
            return (0, ["apiVersion", "kind"].index(f), f)
        if fields_proto and f in fields_proto:
            return (1, fields_proto[f][2], f)
        if f in inlined:
            return (1, inlined[f], f)
        return (2, 0, f)

    for field in sorted(props, key=order_key):
        p = props[field]
        expr = type_expr(p, [])
        line = ["  " + field, expr]
        if field in required:
            line.append("required")
        if fields_proto is not None and field in fields_proto:
            bad = len(problems)
            check_proto(name, field, expr, fields_proto[field], problems)
            if len(problems) == bad:
                line.append(f"proto={fields_proto[field][2]}")
        elif fields_proto is not None and field not in ("apiVersion", "kind") and field not in inlined:
            problems.append(f"{name}.{field}: no proto field")
        if field in go_fields and not expr.startswith(("@", "[]", "{}")) and expr not in ("object", "any"):
            pointer, omitempty = go_fields[field]
            if pointer:
                line.append("ptr")
            elif not omitempty:
                line.append("keep")
        for ext, attr in (("x-kubernetes-patch-strategy", "patch"), ("x-kubernetes-patch-merge-key", "key"),
                          ("x-kubernetes-list-type", "list"), ("x-kubernetes-map-type", "map")):
            if ext in p:
                line.append(f"{attr}={p[ext]}")
        if "x-kubernetes-list-map-keys" in p:
            line.append("keys=" + ",".join(p["x-kubernetes-list-map-keys"]))
        out.append(" ".join(line))


def main():
    swagger = json.load(open(sys.argv[1]))
    protos = read_protos(sys.argv[2])
    go_types = read_go_types(sys.argv[2])
    notes = sys.argv[3:]
    defs = swagger["definitions"]
    roots = []
    for group, version, kinds in ROOT_KINDS:
        prefix = "io.k8s.api." + (group.split(".")[0] if group else "core") + "." + version + "."
        for kind in kinds:
            roots.append(prefix + kind)
            if kind not in NO_LIST:
                roots.append(prefix + kind + "List")
    roots += [META + n for n in META_ROOTS]
    seen, order, queue = set(), [], list(roots)
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        order.append(name)
        for p in defs[name].get("properties", {}).values():
            refs = []
            type_expr(p, refs)
            queue.extend(refs)
    out = ["# Keelson compact schema of the built-in kinds. GENERATED by control-plane/src/build/gen-schema.py;",
           "# do not edit. Facts only (no descriptions), from:"]
    out += ["#   " + n for n in notes]
    out += ["#",
            "# Format: a type line, then its field lines (indented).",
            "#   type NAME SHAPE [gvk=GROUP/VERSION/KIND,...] [map=atomic] [embedded] [proto=MESSAGE]",
            "#   embedded: a Go struct that JSON inlines into its parent; it has no OpenAPI definition.",
            "#   (inline) @NAME proto=N: the parent's protobuf field N holds the embedded struct NAME.",
            "#   SHAPE is object, or a type expression for named scalars (e.g. string/date-time).",
            "#     FIELD TYPE [required] [proto=N] [ptr|keep] [patch=STRATEGY] [key=MERGEKEY]",
            "#           [list=atomic|set|map] [keys=K1,K2] [map=atomic|granular]",
            "#   ptr: a scalar Go declares as a pointer (a zero value is meaningful);",
            "#   keep: a non-pointer scalar without omitempty (JSON shows its zero value).",
            "#   TYPE: string, string/FORMAT, integer/int32, integer/int64, number/double, boolean,",
            "#         object (free-form), any, @NAME (reference), []TYPE (array), {}TYPE (string-keyed map).",
            "#   gvk GROUP is empty for the core group (\"/v1/Pod\").",
            ""]
    problems = []
    synthetic = {}  # embedded Go structs: proto message name -> (def name, parent properties)
    for name in order:
        emit_type(name, defs[name], protos, out, problems, synthetic, False, go_types)
    for pmsg, (name, parent) in synthetic.items():
        if name in defs:
            continue
        fields = protos[pmsg]
        emit_type(name, {"type": "object", "properties": {f: parent["properties"][f] for f in fields
                                                           if f in parent["properties"]},
                         "required": [r for r in parent.get("required", []) if r in fields]},
                  protos, out, problems, synthetic, True, go_types)
    print("\n".join(out))
    for p in problems:
        print("gen-schema: " + p, file=sys.stderr)
    print(f"gen-schema: {len(order)} types", file=sys.stderr)


if __name__ == "__main__":
    main()
