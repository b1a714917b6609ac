"""The app's stylesheet as boot.js carries it: comments dropped and whitespace squeezed.

app.css travels inside boot.js, in the login screen's download (budget 0.30 MB), and the browser parses it
before the first screen shows. Only what cannot change a rule goes: comments, runs of whitespace (one
space is kept: it is the descendant combinator in a selector and an operand separator in calc()), and
spaces next to `{`, `}` and `;`, and a block's last `;`. A string keeps any comment marker it holds; one
with a run of spaces, a tab, a newline or a brace or semicolon (which squeezing could change) is refused:
the stylesheet has none.
"""
import re

# A string or a comment, whichever comes first: comment markers inside a string stay in it.
STRING_OR_COMMENT = re.compile(r"(\"[^\"]*\"|'[^']*')|/\*.*?\*/", re.S)
SPACES = re.compile(r"\s+")
AROUND = re.compile(r" ?([{};]) ?")


def squeeze(css):
    """The stylesheet without comments or needless whitespace (nor the last `;` of a block)."""
    text = STRING_OR_COMMENT.sub(lambda m: m.group(1) or " ", css)  # a comment separates like a space
    for literal in re.findall(r"\"[^\"]*\"|'[^']*'", text):
        if re.search(r"\s\s|[\n\t{};]", literal):
            raise ValueError("a string in the stylesheet would change: %r" % literal)
    return AROUND.sub(r"\1", SPACES.sub(" ", text)).replace(";}", "}").strip()
