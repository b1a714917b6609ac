"""The expression language of `get_all_records_where`, the simple part of it.

Accepted: `field "name_label"="x"`, `name_label="x"`, `"x"=field "name_label"`, `<>`, `and`, `or`,
`not`, parentheses, `true`, `false`. Values compare as XAPI's DB stores them: strings, with booleans
as "true"/"false" and numbers in decimal.
"""
from ..errors import XapiFailure


def tokenize(text):
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise _bad(text)
            tokens.append(("str", text[i + 1:end]))
            i = end + 1
        elif text.startswith("<>", i):
            tokens.append(("op", "<>"))
            i += 2
        elif ch in "=()":
            tokens.append(("op", ch))
            i += 1
        else:
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] in "_-."):
                j += 1
            if j == i:
                raise _bad(text)
            tokens.append(("word", text[i:j]))
            i = j
    return tokens


def compile_expr(text):
    parser = _Parser(tokenize(text), text)
    test = parser.expr()
    if parser.pos != len(parser.tokens):
        raise _bad(text)
    return test


def db_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bad(text):
    return XapiFailure("INTERNAL_ERROR", "Invalid expression: %s" % text)


class _Parser:
    def __init__(self, tokens, text):
        self.tokens, self.pos, self.text = tokens, 0, text

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        if tok[0] is None:
            raise _bad(self.text)
        self.pos += 1
        return tok

    def expr(self):
        left = self.term()
        while self.peek() in (("word", "and"), ("word", "or")):
            op = self.take()[1]
            right = self.term()
            left = _combine(op, left, right)
        return left

    def term(self):
        kind, value = self.take()
        if (kind, value) == ("word", "not"):
            inner = self.term()
            return lambda rec: not inner(rec)
        if (kind, value) == ("op", "("):
            inner = self.expr()
            if self.take() != ("op", ")"):
                raise _bad(self.text)
            return inner
        if kind == "word" and value in ("true", "false"):
            return lambda rec, v=(value == "true"): v
        self.pos -= 1
        left = self.operand()
        op = self.take()
        if op not in (("op", "="), ("op", "<>")):
            raise _bad(self.text)
        right = self.operand()
        equal = op[1] == "="
        return lambda rec: (left(rec) == right(rec)) == equal

    def operand(self):
        kind, value = self.take()
        if (kind, value) == ("word", "field"):
            kind, name = self.take()
            return _field(name.replace("__", "_"))
        if kind == "str":
            return lambda rec, v=value: v
        if kind == "word":
            return _field(value.replace("__", "_"))
        raise _bad(self.text)


def _field(name):
    return lambda rec: db_string(rec.get(name, ""))


def _combine(op, left, right):
    if op == "and":
        return lambda rec: left(rec) and right(rec)
    return lambda rec: left(rec) or right(rec)
