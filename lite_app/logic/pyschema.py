"""The XAPI datamodel as the Python console reads it: classes, fields, messages and their help.

Pure (CPython and MicroPython). The data is lite_app/static/pyschema.json (scripts/gen_pyschema.py),
fetched on the console's first use: {class: {"d": description, "f": [field, ...],
"m": {message: [params text, result type, first sentence]}}}.
"""

IMPLICIT_PREFIXES = ("get_", "set_", "add_to_", "remove_from_")


class Schema:
    def __init__(self, data=None):
        self.data = data or {}
        self._names = {}
        for cls in self.data:
            self._names[cls.lower()] = cls

    def loaded(self):
        return bool(self.data)

    def class_name(self, name):
        """The datamodel's spelling of a class name in any case ("vm" -> "VM"), or None."""
        return self._names.get(str(name).lower())

    def classes(self):
        return sorted(self.data)

    def fields(self, cls):
        return list((self.data.get(cls) or {}).get("f") or ())

    def messages(self, cls):
        return sorted((self.data.get(cls) or {}).get("m") or {})

    def message(self, cls, name):
        """[params text, result, sentence] of a message, or None."""
        return ((self.data.get(cls) or {}).get("m") or {}).get(name)

    def signature(self, cls, name):
        found = self.message(cls, name)
        if found is None:
            return None
        return "%s.%s(%s) -> %s" % (cls, name, found[0], found[1])

    def help_text(self, cls):
        """help(xapi.<cls>): the class's sentence, then every message with its parameters; the
        getters and setters of single fields are summed up in one line at the end."""
        if cls not in self.data:
            return None
        lines = ["%s: %s" % (cls, self.data[cls].get("d") or ""), ""]
        accessors = []
        for name in self.messages(cls):
            if _is_accessor(name, self.fields(cls)):
                accessors.append(name)
                continue
            params, result, sentence = self.data[cls]["m"][name]
            lines.append("  %s(%s) -> %s" % (name, params, result))
            if sentence:
                lines.append("      " + sentence)
        if accessors:
            lines.append("")
            lines.append("  Field accessors (%d): get_<field>, set_<field>, add_to_<field>, remove_from_<field> ..."
                         % len(accessors))
        lines.append("")
        lines.append("  Fields: " + ", ".join(self.fields(cls)))
        return "\n".join(lines)

    def message_help(self, cls, name):
        found = self.message(cls, name)
        if found is None:
            return None
        text = self.signature(cls, name)
        return text + ("\n    " + found[2] if found[2] else "")


def _is_accessor(name, fields):
    for prefix in IMPLICIT_PREFIXES:
        if name.startswith(prefix) and name[len(prefix):] in fields:
            return True
    return False
