"""The text console a simulated VM shows on its VNC framebuffer.

`TextScreen` models an 80x25-cell text terminal (8x16-pixel cells, 640x400 pixels by default): a
deterministic boot banner naming the VM, a getty-style login prompt, typed characters echoed at the
cursor, Enter/Backspace/Tab, scrolling, and a visible, counted Ctrl+Alt+Del. It renders into a
palette-indexed framebuffer (one byte per pixel) and keeps a damage log so each RFB connection can
send only the regions that changed since it last looked.

The glyphs come from Pillow's embedded default bitmap font (no external font files), rasterised once
at import into per-row masks; the same inputs always give the same pixels.
"""

from PIL import Image, ImageDraw, ImageFont

CELL_W, CELL_H = 8, 16  # 80x25 cells in 640x400 pixels
GLYPH_ORIGIN = (1, 3)  # the font's 6x11 glyph box, centred in the cell


def _rasterise_font():
    """{char: CELL_H row masks of CELL_W bytes, 1 = ink} for ASCII and Latin-1, from Pillow's font."""
    font = ImageFont.load_default_imagefont()
    table = {}
    for code in list(range(32, 127)) + list(range(161, 256)):
        image = Image.new("L", (CELL_W, CELL_H), 0)
        ImageDraw.Draw(image).text(GLYPH_ORIGIN, chr(code), font=font, fill=255)
        ink = bytes(1 if v > 127 else 0 for v in image.tobytes())
        table[chr(code)] = [ink[r * CELL_W:(r + 1) * CELL_W] for r in range(CELL_H)]
    return table


_GLYPHS = _rasterise_font()


def glyph_rows(ch):
    return _GLYPHS.get(ch) or _GLYPHS["?"]

# Palette indexes used in the framebuffer, and their RGB values (light text on a dark background).
BG, FG, BRIGHT, ALERT = 0, 1, 2, 3
PALETTE = {
    BG: (0x10, 0x14, 0x1c),
    FG: (0xc8, 0xcc, 0xd0),
    BRIGHT: (0xff, 0xff, 0xff),
    ALERT: (0xff, 0xc0, 0x40),
}
PALETTE_RGB = [PALETTE[i] for i in range(len(PALETTE))]

REBOOT_LINE = "reboot requested (Ctrl+Alt+Del)"
DAMAGE_LOG_LIMIT = 256  # older readers simply get a full frame


def hostname_for(name):
    """A plausible hostname for a VM name label: lower-case, alphanumerics and dashes."""
    out = []
    for ch in name.lower():
        out.append(ch if ch.isalnum() and ord(ch) < 128 else "-")
    host = "".join(out).strip("-")
    while "--" in host:
        host = host.replace("--", "-")
    return host[:32].strip("-") or "localhost"


def boot_lines(title, hostname):
    """The deterministic boot banner: (text, colour) pairs, ending before the login prompt."""
    return [
        ("XCP-ng guest console - " + title, BRIGHT),
        ("", FG),
        ("[    0.000000] Linux version 6.1.0-xen (builder@xcp-ng) #1 SMP", FG),
        ("[    0.000000] Hypervisor detected: Xen HVM", FG),
        ("[    0.004211] xen: using vcpuop timer interface", FG),
        ("[    0.931457] blkfront: xvda: flush diskcache: enabled; persistent grants", FG),
        ("[    1.207733] xen_netfront: Initialising Xen virtual ethernet driver", FG),
        ("[    2.318090] systemd[1]: Detected virtualization xen.", FG),
        ("", FG),
        ("Welcome to " + title + "!", BRIGHT),
        ("", FG),
    ]


class TextScreen:
    """A text console rendered to pixels, with typed-text and Ctrl+Alt+Del records."""

    def __init__(self, width_px=640, height_px=400, title="", hostname=None):
        self.width = width_px
        self.height = height_px
        self.cols = width_px // CELL_W
        self.rows = height_px // CELL_H
        self.title = title
        self.hostname = hostname or hostname_for(title)
        self.pixels = bytearray(width_px * height_px)  # palette indexes, BG everywhere
        self.typed_text = ""
        self.ctrl_alt_del_count = 0
        self.version = 0
        self._damage = []  # (version, (x, y, w, h)) newest last
        self._listeners = []
        self.boot()

    # -- observers ------------------------------------------------------------------------------

    def add_listener(self, fn):
        """Call fn() after every change (e.g. to wake the connection that must send an update)."""
        self._listeners.append(fn)

    def remove_listener(self, fn):
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _changed(self):
        for fn in list(self._listeners):
            fn()

    # -- text model -----------------------------------------------------------------------------

    @property
    def prompt(self):
        return self.hostname + " login: "

    def boot(self):
        """Clear the screen and print the boot banner and the login prompt (start or reboot)."""
        self._cells = [[" "] * self.cols for _ in range(self.rows)]
        self._attrs = [[BG] * self.cols for _ in range(self.rows)]
        self.row = 0
        self.col = 0
        self.pixels[:] = bytes(len(self.pixels))
        self._damage_rect(0, 0, self.width, self.height)
        for text, colour in boot_lines(self.title, self.hostname):
            self.write_line(text, colour, notify=False)
        self._show_prompt()
        self._changed()

    def write_line(self, text, colour=FG, notify=True):
        """Print a whole line of output (wrapping long text) and move to the next line."""
        for ch in text:
            self._put(ch, colour)
        self._newline()
        if notify:
            self._changed()

    def text_lines(self):
        """The visible screen as a list of strings (trailing spaces removed)."""
        return ["".join(row).rstrip() for row in self._cells]

    def cursor(self):
        return (self.row, self.col)

    # -- keyboard -------------------------------------------------------------------------------

    def type_text(self, text):
        """Feed typed characters: printable ones echo, '\\r'/'\\n' submit, '\\b' erases, '\\t' tabs."""
        for ch in text:
            self._type_char(ch)
        self._changed()

    def _type_char(self, ch):
        if ch in "\r\n":
            self.typed_text += "\n"
            self._newline()
            self._show_prompt()
        elif ch == "\b":
            self.typed_text += "\b"
            self._backspace()
        elif ch == "\t":
            self.typed_text += "\t"
            for _ in range(8 - self.col % 8):
                self._put(" ", FG)
        elif ch >= " ":
            self.typed_text += ch
            self._put(ch, FG)

    def ctrl_alt_del(self):
        """Record a Ctrl+Alt+Del and show it on a line of its own, then prompt again."""
        self.ctrl_alt_del_count += 1
        if self.col:
            self._newline()
        self.write_line(REBOOT_LINE, ALERT, notify=False)
        self._show_prompt()
        self._changed()

    def _show_prompt(self):
        for ch in self.prompt:
            self._put(ch, FG)
        self._input_row = self.row
        self._input_col = self.col

    def _backspace(self):
        if (self.row, self.col) <= (self._input_row, self._input_col):
            return  # never erase the prompt
        if self.col == 0:
            self.row -= 1
            self.col = self.cols
        self.col -= 1
        self._set_cell(self.row, self.col, " ", FG)

    # -- cells and scrolling --------------------------------------------------------------------

    def _put(self, ch, colour):
        if self.col >= self.cols:
            self._newline()
        code = ord(ch)
        if not (32 <= code < 127 or 161 <= code < 256):
            ch = "?"  # the bitmap font covers ASCII and Latin-1 only
        self._set_cell(self.row, self.col, ch, colour)
        self.col += 1

    def _newline(self):
        self.col = 0
        if self.row + 1 < self.rows:
            self.row += 1
            return
        self._scroll()

    def _scroll(self):
        self._cells = self._cells[1:] + [[" "] * self.cols]
        self._attrs = self._attrs[1:] + [[BG] * self.cols]
        line = self.width * CELL_H
        self.pixels[:-line] = self.pixels[line:]
        self.pixels[-line:] = bytes(line)
        if hasattr(self, "_input_row"):
            self._input_row -= 1
        self._damage_rect(0, 0, self.width, self.height)

    def _set_cell(self, row, col, ch, colour):
        self._cells[row][col] = ch
        self._attrs[row][col] = colour
        self._draw_cell(row, col, ch, colour)

    def _draw_cell(self, row, col, ch, colour):
        x0, y0 = col * CELL_W, row * CELL_H
        table = bytes([BG, colour]) + bytes(254)
        rows = glyph_rows(ch)
        for dy in range(CELL_H):
            start = (y0 + dy) * self.width + x0
            self.pixels[start:start + CELL_W] = rows[dy].translate(table)
        self._damage_rect(x0, y0, CELL_W, CELL_H)

    # -- pixels and damage ----------------------------------------------------------------------

    def _damage_rect(self, x, y, w, h):
        self.version += 1
        self._damage.append((self.version, (x, y, w, h)))
        if len(self._damage) > DAMAGE_LOG_LIMIT:
            self._damage = self._damage[-DAMAGE_LOG_LIMIT:]

    def damage_since(self, version):
        """Rectangles changed after `version`, or None when the log no longer reaches back."""
        if version >= self.version:
            return []
        if not self._damage or self._damage[0][0] > version + 1:
            return None
        return [rect for v, rect in self._damage if v > version]

    def rgb_at(self, x, y):
        return PALETTE_RGB[self.pixels[y * self.width + x]]

    def index_rows(self, x, y, w, h):
        """Palette-index bytes of a rectangle, row by row."""
        out = bytearray()
        for yy in range(y, y + h):
            start = yy * self.width + x
            out += self.pixels[start:start + w]
        return bytes(out)

    def rgb_bytes(self, x=0, y=0, w=None, h=None):
        """The rectangle (whole screen by default) as packed 24-bit RGB."""
        w = self.width - x if w is None else w
        h = self.height - y if h is None else h
        idx = self.index_rows(x, y, w, h)
        out = bytearray(len(idx) * 3)
        for channel in range(3):
            table = bytes(PALETTE_RGB[i][channel] if i < len(PALETTE_RGB) else 0 for i in range(256))
            out[channel::3] = idx.translate(table)
        return bytes(out)
