"""Derive xapi_sim/api_errors.json, the error codes XAPI sends, from XAPI's own list of them.

Run: .venv/bin/python scripts/gen_errors.py --src PATH/TO/ocaml/xapi-consts/api_errors.ml [--out PATH]
     (or `make errors SRC=...`)

XAPI declares every API error once, in ocaml/xapi-consts/api_errors.ml, as
`let <binding> = add_error "<CODE>"`. The OCaml binding is how XAPI's code names the error; the string
is what goes on the wire, and the two differ for some (`only_revert_snapshot` sends
"REVERT_ONLY_ALLOWED_ON_SNAPSHOT"). The output keeps both, so code reading XAPI's sources can find
the string a binding sends:
    {"codes": [CODE, ...] (sorted), "bindings": {binding: CODE}}
Only the derived data is committed, never XAPI's file.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "xapi_sim", "api_errors.json")
# `let name =` then `add_error "CODE"`, possibly on the next line (ocamlformat wraps long ones).
DECLARATION = re.compile(r'^let\s+([A-Za-z_][A-Za-z0-9_\']*)\s*=\s*add_error\s+"([^"]+)"', re.M)


def parse(text):
    """{binding: code} of every `add_error` declaration in api_errors.ml's text."""
    bindings = {}
    for binding, code in DECLARATION.findall(text):
        bindings[binding] = code
    if not bindings:
        raise ValueError("no `let x = add_error \"CODE\"` declarations found")
    return bindings


def build(text):
    bindings = parse(text)
    return {"codes": sorted(set(bindings.values())), "bindings": dict(sorted(bindings.items()))}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", required=True, help="XAPI's ocaml/xapi-consts/api_errors.ml")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    with open(args.src, encoding="utf-8") as fh:
        data = build(fh.read())
    with open(args.out, "w") as fh:
        json.dump(data, fh, indent=0, sort_keys=True)
        fh.write("\n")
    print("wrote %s: %d codes" % (args.out, len(data["codes"])), file=sys.stderr)


if __name__ == "__main__":
    main()
