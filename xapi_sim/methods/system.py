"""system.listMethods: every sync wire name of the datamodel (no Async. names)."""
from .. import schema
from . import api


def list_methods():
    names = ["system.listMethods"]
    for cls, entry in schema.CLASSES.items():
        names.extend(cls + "." + msg for msg, m in entry["messages"].items() if not m["removed"])
    return sorted(names)


@api("system.listMethods")
def list_methods_handler(ctx):
    return list_methods()
