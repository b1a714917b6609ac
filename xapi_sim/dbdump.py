"""The simulator's state as a XAPI database dump, and back: `GET /pool/xmldbdump` writes it,
`python -m xapi_sim --db FILE` starts from one (a real pool's `xe pool-dump-database`, or the
`xapi-db.xml` of a status report). dbxml.py is the file format; this module maps records to it.

As XAPI writes it (db_xml.ml `To.database` over the schema of datamodel_schema.ml):
- every class is a table, in name order; those XAPI does not persist (`PersistNothing`: sessions,
  tasks, VBD/VIF metrics, and classes outside the database) are written without rows;
- a row is `ref`, `__ctime` and `__mtime` (the generations of its creation and last change), then
  every field of the class, `_ref` included, in name order. A field in a namespace is named with
  `__` (name__label, memory__static_max; the datamodel's `namespace`, escaped by escaping.ml), except
  the pool's name_label and name_description, which datamodel_pool.ml declares flat;
- values are XAPI's strings (gen_db_actions.ml DM_to_String): ints in decimal, floats "%0.18g",
  bools true/false, datetimes as sent, sets and maps as S-expressions of those.
Loading keeps the generations, so a dump loaded and dumped again is the same bytes. Columns and tables
the simulator's datamodel lacks (a newer XAPI's) are skipped; back-references it computes (VM.VBDs…)
are recomputed. Messages are not in XAPI's database, so a dump has none.
"""
from . import dbxml, schema

SCHEMA_VERSION = (5, 786)     # the schema of the XAPI this datamodel is (host.software_version db_schema)
# datamodel.ml, datamodel_common.ml: `~persist:PersistNothing`, or `~in_db:false`.
NOT_PERSISTED = {"session", "task", "VBD_metrics", "VIF_metrics", "event", "message", "auth",
                 "data_source", "sr_stat", "probe_result", "vdi_nbd_server_info", "secret_value",
                 "user"}
# Namespaces (datamodel*.ml `namespace ~name`) and the fields in them, per class; "name" (label,
# description) is every named class's but the pool's.
NAMESPACES = {
    "VM": {"memory": ("overhead", "target", "static_max", "dynamic_max", "dynamic_min", "static_min"),
           "VCPUs": ("params", "max", "at_startup"),
           "actions": ("after_softreboot", "after_shutdown", "after_reboot", "after_crash"),
           "PV": ("bootloader", "kernel", "ramdisk", "args", "bootloader_args", "legacy_args"),
           "HVM": ("boot_policy", "boot_params", "shadow_multiplier")},
    "VM_metrics": {"memory": ("actual",), "VCPUs": ("number", "utilisation", "CPU", "params", "flags")},
    "host": {"memory": ("overhead",), "API_version": ("major", "minor", "vendor", "vendor_implementation")},
    "host_metrics": {"memory": ("total", "free")},
    "PIF_metrics": {"io": ("read_kbs", "write_kbs")},
    "VIF_metrics": {"io": ("read_kbs", "write_kbs")},
    "VBD_metrics": {"io": ("read_kbs", "write_kbs")},
    "VIF": {"qos": ("algorithm_type", "algorithm_params", "supported_algorithms")},
    "VBD": {"qos": ("algorithm_type", "algorithm_params", "supported_algorithms")},
}
FLAT_NAMES = {"pool"}


def column_names(cls):
    """{field: column} of a class."""
    spaces = dict(NAMESPACES.get(cls, {}))
    if cls not in FLAT_NAMES:
        spaces["name"] = ("label", "description")
    out = {}
    for field in schema.fields(cls):
        out[field] = field
        for space, members in spaces.items():
            rest = field[len(space) + 1:]
            if field.startswith(space + "_") and rest in members:
                out[field] = space + "__" + rest
    return out


# ---------------------------------------------------------------- values
def marshal(ty, value):
    if isinstance(ty, str):
        if ty == "bool":
            return "true" if value else "false"
        if ty == "float":
            return "%0.18g" % value
        return str(value)
    kind = ty[0]
    if kind == "set":
        return dbxml.sexpr_set([marshal(ty[1], v) for v in value])
    if kind == "map":
        return dbxml.sexpr_map([(marshal(ty[1], k), marshal(ty[2], v)) for k, v in value.items()])
    return str(value)


def unmarshal(ty, text):
    if isinstance(ty, str):
        return {"int": int, "float": float, "bool": _bool}.get(ty, str)(text)
    kind = ty[0]
    if kind == "set":
        return [unmarshal(ty[1], item) for item in _strings(dbxml.parse_sexpr(text))]
    if kind == "map":
        pairs = dbxml.parse_sexpr(text)
        return {_key(ty[1], k): unmarshal(ty[2], v) for k, v in (_pair(p) for p in pairs)}
    return text


def _bool(text):
    if text not in ("true", "false"):
        raise ValueError("not a bool: %r" % text)
    return text == "true"


def _key(ty, text):
    return str(int(text)) if ty == "int" else text       # the simulator keeps int map keys as text


def _strings(items):
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError("not a set of strings")
    return items


def _pair(item):
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
        raise ValueError("not a map entry")
    return item


# ---------------------------------------------------------------- whole database
def dump(db):
    """The database as XAPI's dump bytes."""
    manifest = [("schema_major_vsn", str(SCHEMA_VERSION[0])),
                ("schema_minor_vsn", str(SCHEMA_VERSION[1])),
                ("generation_count", str(db.gen))]
    tables = []
    for cls in sorted(schema.CLASSES):
        persisted = cls in schema.TABLES and cls not in NOT_PERSISTED
        tables.append((cls, _rows(db, cls) if persisted else None))
    return dbxml.write(manifest, tables)


def _rows(db, cls):
    names = column_names(cls)
    types = {f: schema.field_type(cls, f) for f in names}
    order = sorted([(column, field) for field, column in names.items()] + [("_ref", None)])
    rows = []
    for ref in sorted(db.tables[cls]):
        rec = db.record(cls, ref)
        key = (cls, ref)
        row = [("ref", ref), ("__ctime", str(db.born.get(key, 0))), ("__mtime", str(db.last.get(key, 0)))]
        row.extend((column, ref if field is None else marshal(types[field], rec[field]))
                   for column, field in order)
        rows.append(row)
    return rows


def load(db, data):
    """Fill an empty database from dump bytes; returns what was skipped, for the operator."""
    manifest, tables = dbxml.read(data)
    skipped = []
    db.gen = int(manifest["generation_count"])
    for cls, rows in sorted(tables.items()):
        if cls not in schema.TABLES or cls in NOT_PERSISTED:
            if rows:
                skipped.append("table %s (%d rows)" % (cls, len(rows)))
            continue
        fields_of = {column: field for field, column in column_names(cls).items()
                     if (cls, field) not in schema.MANY_SIDE}
        for row in rows:
            skipped.extend(_load_row(db, cls, row, fields_of))
    db.log.sort()
    return sorted(set(skipped))


def _load_row(db, cls, row, fields_of):
    skipped, fields = [], {}
    for column, text in row.items():
        field = fields_of.get(column)
        if field is None:
            if column not in ("ref", "_ref", "__ctime", "__mtime") and column not in _computed(cls):
                skipped.append("column %s.%s" % (cls, column))
            continue
        try:
            fields[field] = schema.typed(schema.field_type(cls, field),
                                         unmarshal(schema.field_type(cls, field), text))
        except (ValueError, dbxml.FormatError):
            skipped.append("value of %s.%s" % (cls, column))
    db.insert(cls, row["ref"], fields, int(row.get("__ctime", 0)), int(row.get("__mtime", 0)))
    return skipped


def _computed(cls):
    names = column_names(cls)
    return {names[field] for field in schema.COMPUTED.get(cls, ())}
