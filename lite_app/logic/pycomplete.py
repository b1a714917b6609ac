"""Tab completion in the Python console: names, attributes (xapi classes and messages) and record keys.

Pure (CPython and MicroPython). `complete(text, cursor, members, keys)` reads what stands before the
cursor:
- `xapi.VM.get_al` / `pool.V` / `pri`: a dotted name; `members(base)` lists what `base` offers ("" for
  the console's own names), from the datamodel for `xapi` objects;
- `vm["name_` / `rec.get('power`: a key of a record; `keys(expression)` lists the keys the
  expression before the bracket may have (a record's fields).
One candidate is inserted; several insert their common prefix and are returned to be shown.
"""

IDENT_EXTRA = "_"
SHOWN_LIMIT = 60


def _ident(ch):
    return ch.isalpha() or ch.isdigit() or ch in IDENT_EXTRA or ord(ch) > 127


def dotted_before(text):
    """The dotted name that ends `text` ("xapi.VM.ge" for "x = xapi.VM.ge")."""
    i = len(text)
    while i > 0 and (_ident(text[i - 1]) or text[i - 1] == "."):
        i -= 1
    return text[i:]


def container_before(text):
    """The expression before a trailing `[` or `.get(`: a dotted name, possibly subscripted
    (`pool.VM[ref]`), or "" when it is something else."""
    i = len(text)
    depth = 0
    while i > 0:
        ch = text[i - 1]
        if ch == "]":
            depth += 1
        elif ch == "[":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and not (_ident(ch) or ch == "."):
            break
        i -= 1
    return text[i:]


def key_context(before):
    """(container expression, partial key, quote) when the cursor is in a string key, else None."""
    for quote in ("\"", "'"):
        at = before.rfind(quote)
        if at < 0:
            continue
        partial = before[at + 1:]
        if not all(_ident(ch) for ch in partial):
            continue
        head = before[:at].rstrip()
        if head.endswith("["):
            return container_before(head[:-1]), partial, quote
        if head.endswith(".get("):
            return container_before(head[:-len(".get(")]), partial, quote
    return None


def common_prefix(words):
    if not words:
        return ""
    first, last = min(words), max(words)
    i = 0
    while i < len(first) and i < len(last) and first[i] == last[i]:
        i += 1
    return first[:i]


def matches(options, partial):
    """Sorted options starting with `partial`; names starting with "_" only when asked for."""
    found = {}
    for option in options or ():
        if option.startswith(partial) and (partial.startswith("_") or not option.startswith("_")):
            found[option] = True
    return sorted(found)


def complete(text, cursor, members, keys):
    """(new text, new cursor, candidates shown): completes the word before `cursor`."""
    before, after = text[:cursor], text[cursor:]
    context = key_context(before)
    if context is not None:
        container, partial, quote = context
        options = matches(keys(container), partial)
        closing = quote + ("]" if before[:len(before) - len(partial) - 1].rstrip().endswith("[") else ")")
    else:
        word = dotted_before(before)
        dot = word.rfind(".")
        base, partial = (word[:dot], word[dot + 1:]) if dot >= 0 else ("", word)
        if not word or word[0].isdigit():
            return text, cursor, []
        options = matches(members(base), partial)
        closing = ""
    if not options:
        return text, cursor, []
    if len(options) == 1:
        insert = options[0][len(partial):] + (closing if not after.startswith(closing) else "")
        return before + insert + after, cursor + len(insert), []
    insert = common_prefix(options)[len(partial):]
    return before + insert + after, cursor + len(insert), options[:SHOWN_LIMIT]
