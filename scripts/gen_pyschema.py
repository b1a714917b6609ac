"""Derive the Python console's datamodel summary (lite_app/static/pyschema.json) from XAPI's xenapi.json.

Run: .venv/bin/python scripts/gen_pyschema.py [--src PATH] [--out PATH]   (or `make pyschema`)

The console (`help(xapi.VM)`, Tab completion) needs, per class, its description, its field names and
each message with its parameters, result and first sentence. That is a file of its own, fetched on the
console's first use (never in the login download):

    {"VM": {"d": "A virtual machine ...", "f": ["uuid", "name_label", ...],
            "m": {"start": ["vm VM ref, start_paused bool, force bool", "void", "Start the specified VM."],
                  ...}}, ...}

The session parameter every message takes is left out (the console passes it); messages whose
lifecycle says removed are left out, as XAPI no longer serves them (gen_server.ml skips them).
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = os.path.join(HERE, "..", "..", "shared", "reference", "xenapi.json")
DEFAULT_OUT = os.path.join(HERE, "..", "lite_app", "static", "pyschema.json")
SENTENCE_MAX = 160


def removed(item):
    return (item.get("lifecycle") or {}).get("state") == "Removed_s"


def first_sentence(text):
    text = " ".join((text or "").split())
    end = text.find(". ")
    text = text[:end + 1] if end >= 0 else text
    return text if len(text) <= SENTENCE_MAX else text[:SENTENCE_MAX - 1] + "\u2026"


def message(m):
    params = ", ".join("%s %s" % (p["name"], p["type"]) for p in m["params"] if p["name"] != "session_id")
    result = m["result"][0] if m.get("result") else "void"
    return [params, result, first_sentence(m.get("description"))]


def summary(classes):
    out = {}
    for cls in classes:
        out[cls["name"]] = {
            "d": first_sentence(cls.get("description")),
            "f": sorted(f["name"] for f in cls["fields"]),
            "m": {m["name"]: message(m) for m in cls["messages"] if not removed(m)},
        }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=DEFAULT_SRC)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    with open(args.src, encoding="utf-8") as f:
        data = json.load(f)
    text = json.dumps(summary(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print("wrote", args.out, len(text.encode()), "bytes")


if __name__ == "__main__":
    main()
