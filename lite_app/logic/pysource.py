"""The Python console's reading of what the user typed: is the block complete, and how to run it.

Pure (CPython and MicroPython). MicroPython has no `ast`, no `codeop` and no
PyCF_ALLOW_TOP_LEVEL_AWAIT, so a small scanner reads the source (strings, comments, brackets) and:

- `complete(text)` says whether Enter runs the input or starts a new line (a block runs on an empty
  line, as in Python's own REPL);
- `plan(text, compiles)` splits the input into statements and a last expression whose value is
  shown, and, when the input uses `await`, wraps it in an async function whose `global` line names
  every identifier the input mentions, so assignments land in the console's namespace exactly as at
  top level. Lines inside multi-line strings are not re-indented, so their text is unchanged.
`compiles(source, filename, mode)` is the caller's compile() (the shell passes Python's own).
"""

KEYWORDS = ("False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
            "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
            "while", "with", "yield")
STRING_PREFIXES = ("r", "b", "f", "u", "rb", "br", "fr", "rf")
OPENERS, CLOSERS = "([{", ")]}"
CONTINUES = ("else", "elif", "except", "finally")
ENTRY = "__xl_main__"
FILE = "<console>"
INDENT = "    "
WRAP_LINES = 2  # lines the async wrapper adds before the input's first line


class Scan:
    """What a scan of the source found: identifiers (in order, once each, outside strings and
    comments), the bracket depth and open string at the end, and for each line whether it starts at
    depth 0 outside any string (a place where a top-level statement may begin)."""

    def __init__(self):
        self.names = []
        self.depth = 0
        self.open_string = None
        self.backslash = False
        self.line_starts = []  # per line: (depth at start, starts inside a string, after a backslash)


def _ident_char(ch):
    return ch.isalpha() or ch.isdigit() or ch == "_" or ord(ch) > 127


def scan(text):
    out = Scan()
    seen = {}
    i, n = 0, len(text)
    quote = None  # the open string's quote ('"', "'", '"""' or "'''")
    continued = False
    out.line_starts.append((0, False, False))
    while i < n:
        ch = text[i]
        if ch == "\n":
            out.line_starts.append((out.depth, quote is not None, continued))
            continued = False
            if quote is not None and len(quote) == 1:
                quote = None  # an unterminated one-line string ends with its line (a syntax error later)
            i += 1
            continue
        if quote is not None:
            if ch == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
            i += 1
            continue
        continued = False
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "\\" and text.startswith("\n", i + 1):
            continued = True
            i += 1
            continue
        if ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        if ch in OPENERS:
            out.depth += 1
        elif ch in CLOSERS:
            out.depth = max(0, out.depth - 1)
        elif _ident_char(ch) and not ch.isdigit():
            start = i
            while i < n and _ident_char(text[i]):
                i += 1
            word = text[start:i]
            if i < n and text[i] in "\"'" and word.lower() in STRING_PREFIXES:
                continue  # a string prefix: the string follows
            if start == 0 or text[start - 1] != ".":
                if word not in seen:
                    seen[word] = True
                    out.names.append(word)
            continue
        elif ch.isdigit():
            while i < n and (_ident_char(text[i]) or text[i] == "."):
                i += 1
            continue
        i += 1
    out.open_string = quote
    out.backslash = text.rstrip(" \t").endswith("\\")
    return out


def _code_of(line):
    """A line without its comment and trailing blanks (enough for the ':' test; strings are rare here)."""
    hash_at = line.find("#")
    return (line if hash_at < 0 else line[:hash_at]).rstrip()


def complete(text):
    """True when Enter at the end of `text` runs it: the input is not blank, no bracket or string is
    open, and either it is one line that does not open a block, or its last line is empty."""
    if not text.strip():
        return False
    found = scan(text)
    if found.depth or found.open_string or found.backslash:
        return False
    lines = text.split("\n")
    if len(lines) == 1:
        return not _code_of(lines[0]).endswith(":")
    return lines[-1].strip() == ""


def newline_indent(line):
    """The indentation of the line after `line`: the same, one level more after a ':'."""
    indent = line[:len(line) - len(line.lstrip(" \t"))]
    return indent + INDENT if _code_of(line).endswith(":") else indent


def uses_await(found):
    return "await" in found.names or "async" in found.names


def last_statement(text, found):
    """The index of the line where the last top-level statement starts, or None."""
    lines = text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        depth, in_string, continued = found.line_starts[index]
        line = lines[index]
        if depth or in_string or continued or not line or line[0] in " \t#":
            continue
        word = line.split(None, 1)[0].rstrip(":")
        if word in CONTINUES:
            return None  # the last statement is a compound one (if/try ...): nothing to show
        return index
    return None


class Plan:
    """How to run an input: `source` to compile in 'exec' mode; `expression` (or None) to evaluate after
    it and show; `is_async`: `source` defines ENTRY, a coroutine function returning the shown value."""

    def __init__(self, source, expression=None, is_async=False):
        self.source, self.expression, self.is_async = source, expression, is_async
        self.line_offset = WRAP_LINES if is_async else 0

    def expression_source(self):
        """The expression to compile in 'eval' mode, placed on its own line of the input (MicroPython's
        'eval' refuses leading blank lines, so the padding goes inside parentheses)."""
        first = len(self.source.split("\n")) if self.source else 0
        return "(" + "\n" * first + self.expression + "\n)"


def split_expression(text, found, compiles):
    """(statements, expression or None): the last statement when it is an expression of its own."""
    index = last_statement(text, found)
    if index is None:
        return text, None
    lines = text.split("\n")
    tail = "\n".join(lines[index:]).rstrip()
    try:
        compiles(tail, FILE, "eval")
    except SyntaxError:
        if "await" not in tail:
            return text, None
        try:  # `await x` is an expression only inside a coroutine
            compiles("async def _x():\n return (\n" + tail + "\n)", FILE, "exec")
        except SyntaxError:
            return text, None
    return "\n".join(lines[:index]), tail


def plan(text, compiles):
    """The Plan for `text` (see the module docstring)."""
    text = text.replace("\r\n", "\n").rstrip()
    found = scan(text)
    head, expression = split_expression(text, found, compiles)
    if not uses_await(found):
        return Plan(head, expression)
    names = [name for name in found.names if name not in KEYWORDS and name != ENTRY]
    body = indent_lines(head, found, 0)
    if expression is not None:
        first = len(head.split("\n")) if head else 0
        body.append(INDENT + "return (")
        body.extend(indent_lines(expression, found, first))
        body.append(INDENT + ")")
    lines = ["async def %s():" % ENTRY, INDENT + ("global " + ", ".join(names) if names else "pass")]
    return Plan("\n".join(lines + (body or [INDENT + "pass"])), None, True)


def indent_lines(text, found, first):
    """`text`'s lines indented one level, except those that start inside a multi-line string."""
    if not text:
        return []
    out = []
    for offset, line in enumerate(text.split("\n")):
        starts = found.line_starts[first + offset] if first + offset < len(found.line_starts) else (0, False, False)
        out.append(line if starts[1] else INDENT + line)
    return out
