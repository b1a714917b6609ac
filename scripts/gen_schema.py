"""Derive xapi_sim/schema.json from XAPI's machine-readable datamodel (xenapi.json).

Run: .venv/bin/python scripts/gen_schema.py [--src PATH] [--out PATH]   (or `make schema`)

The output is compact and typed, so the simulator never parses datamodel strings at run time:
- classes[name].fields[f] = [type, qualifier, default, has_default]  (has_default is false where
  the datamodel gives none, making the field required in `create`). Fields whose lifecycle says
  "removed" are kept: XAPI removes only their messages (ocaml_backend/gen_server.ml skips removed
  messages), while its records, database and get_record still carry every field
  (datamodel_schema.ml makes a column of each; xapi_vbd.ml, xapi_vm.ml, monitor_mem.ml fill them).
- classes[name].messages[m] = {"params": [[type, name], ...], "result": type, "errors": [...],
  "implicit": bool, "removed": bool}
- removed[name] = [fields whose lifecycle says "removed"] (kept above; listed for tests and docs)
- enums[name] = [values]
- relations = [[one_class, one_field, many_class, many_field], ...]: a `Ref` field and the
  `Set(Ref)` field on the other class that lists its referrers, derived by pairing types.
Types are nested lists: "string", "int", "float", "bool", "datetime", ["ref", C], ["enum", E],
["set", T], ["map", K, V], ["record", C], ["option", T].
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = os.path.join(HERE, "..", "..", "shared", "reference", "xenapi.json")
DEFAULT_OUT = os.path.join(HERE, "..", "xapi_sim", "schema.json")

# Pairs the type-based matching cannot decide (several candidate fields) or must not pair.
RELATION_OVERRIDES = {
    ("VM", "snapshots"): ("VM", "snapshot_of"),
    ("VM", "children"): ("VM", "parent"),
    ("VDI", "snapshots"): ("VDI", "snapshot_of"),
    ("host", "resident_VMs"): ("VM", "resident_on"),
    ("task", "subtasks"): ("task", "subtask_of"),
    ("PIF", "bond_master_of"): ("Bond", "master"),
    ("Bond", "slaves"): ("PIF", "bond_slave_of"),
    ("PIF", "VLAN_slave_of"): ("VLAN", "tagged_PIF"),
    ("PIF", "tunnel_access_PIF_of"): ("tunnel", "access_PIF"),
    ("PIF", "tunnel_transport_PIF_of"): ("tunnel", "transport_PIF"),
    ("PIF", "sriov_physical_PIF_of"): ("network_sriov", "physical_PIF"),
    ("PIF", "sriov_logical_PIF_of"): ("network_sriov", "logical_PIF"),
    ("pool_patch", "host_patches"): ("host_patch", "pool_patch"),
}


def parse_type(text):
    """Parse a datamodel type string such as '(string -> VM ref) map' into the nested form."""
    text = text.strip()
    if text.startswith("(") and text.endswith(" map"):
        inner = text[1:-len(" map")].strip()
        assert inner.endswith(")"), text
        key, value = split_arrow(inner[:-1])
        return ["map", parse_type(key), parse_type(value)]
    for suffix, kind in ((" set", "set"), (" option", "option")):
        if text.endswith(suffix):
            return [kind, parse_type(text[:-len(suffix)])]
    if text.endswith(" ref"):
        return ["ref", text[:-4]]
    if text.endswith(" record"):
        return ["record", text[:-7]]
    if text.startswith("enum "):
        return ["enum", text[5:]]
    if text in ("string", "int", "float", "bool", "datetime"):
        return text
    if text == "an event batch":
        return "event_batch"
    raise ValueError("unknown type %r" % text)


def split_arrow(text):
    """Split 'K -> V' at the top-level arrow (V may itself be a parenthesised map)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith(" -> ", i):
            return text[:i], text[i + 4:]
    raise ValueError("no arrow in %r" % text)


def type_default(ty, enums):
    """The value a field of type `ty` has when the datamodel gives no default."""
    if isinstance(ty, str):
        return {"string": "", "int": 0, "float": 0.0, "bool": False,
                "datetime": "19700101T00:00:00Z"}[ty]
    kind = ty[0]
    if kind == "ref":
        return "OpaqueRef:NULL"
    if kind == "enum":
        return enums[ty[1]][0]
    if kind == "set":
        return []
    if kind == "map":
        return {}
    return None


def parse_default(text, ty, enums):
    """Turn the datamodel's OCaml-ish default literal into a JSON value of type `ty`."""
    if text is None:
        return type_default(ty, enums)
    if isinstance(ty, list) and ty[0] == "ref":
        return "OpaqueRef:NULL" if text in ("Null", "OpaqueRef:NULL") else text
    if ty == "string":
        return text[1:-1] if text.startswith('"') and text.endswith('"') else text
    if ty == "int":
        return int(text)
    if ty == "float":
        return float(text)
    if ty == "bool":
        return text == "true"
    if ty == "datetime":
        return text
    if isinstance(ty, list) and ty[0] == "enum":
        return text
    if isinstance(ty, list) and ty[0] == "set":
        return parse_set_literal(text, ty[1])
    if isinstance(ty, list) and ty[0] == "map":
        return parse_map_literal(text)
    return type_default(ty, enums)


def parse_set_literal(text, item_type):
    body = text.strip()[1:-1].strip()
    if not body:
        return []
    items = [x.strip().strip('"') for x in body.split(",")]
    return [int(x) for x in items] if item_type == "int" else items


def parse_map_literal(text):
    body = text.strip()[1:-1].strip()
    out = {}
    for pair in filter(None, (p.strip() for p in body.split(","))):
        key, value = pair.split("->")
        out[key.strip().strip('"')] = value.strip().strip('"')
    return out


def convert_class(cls, enums):
    fields = {}
    for f in cls["fields"]:
        ty = parse_type(f["type"].replace("<class>", cls["name"]))
        default = f.get("default")
        fields[f["name"]] = [ty, f["qualifier"], parse_default(default, ty, enums),
                             default is not None]
    messages = {}
    for m in cls["messages"]:
        result = m["result"][0]
        messages[m["name"]] = {
            "params": [[parse_type(p["type"]), p["name"]] for p in m["params"]],
            "result": "void" if result == "void" else parse_type(result),
            "errors": [e["name"] for e in m["errors"]],
            "implicit": bool(m.get("implicit")),
            "removed": m["lifecycle"]["state"] == "Removed_s",
        }
    return {"fields": fields, "messages": messages}


def derive_relations(classes):
    """Pair each Set(Ref X) field with the Ref field on X that points back."""
    relations = []
    for name, cls in sorted(classes.items()):
        for fname, (ty, _qual, _dflt, _has) in sorted(cls["fields"].items()):
            if not (isinstance(ty, list) and ty[0] == "set" and isinstance(ty[1], list)
                    and ty[1][0] == "ref"):
                continue
            target = ty[1][1]
            pair = RELATION_OVERRIDES.get((name, fname)) or unique_back_ref(classes, target, name)
            if pair:
                relations.append([pair[0], pair[1], name, fname])
    return relations


def unique_back_ref(classes, target, owner):
    if target not in classes:
        return None
    cands = [f for f, (ty, _q, _d, _h) in classes[target]["fields"].items()
             if ty == ["ref", owner]]
    return (target, cands[0]) if len(cands) == 1 else None


def build(src):
    data = json.load(open(src))
    enums = {}
    for cls in data:
        for e in cls["enums"]:
            enums[e["name"]] = [v["name"] for v in e["values"]]
    classes = {cls["name"]: convert_class(cls, enums) for cls in data}
    many_to_many = [r for r in derive_relations(classes)
                    if classes[r[0]]["fields"][r[1]][0][0] == "set"]
    assert not many_to_many, many_to_many
    removed = {cls["name"]: sorted(f["name"] for f in cls["fields"]
                                   if f["lifecycle"]["state"] == "Removed_s")
               for cls in data}
    return {"classes": classes, "enums": enums, "relations": derive_relations(classes),
            "removed": {k: v for k, v in sorted(removed.items()) if v}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    schema = build(args.src)
    with open(args.out, "w") as fh:
        json.dump(schema, fh, separators=(",", ":"), sort_keys=True)
        fh.write("\n")
    print("wrote %s: %d classes, %d relations" % (args.out, len(schema["classes"]),
                                                  len(schema["relations"])), file=sys.stderr)


if __name__ == "__main__":
    main()
