"""A sans-IO RFB (VNC) server for the simulated consoles (RFC 6143, security type None).

Feed it whatever bytes arrived (`receive_data`, any chunking, one byte at a time included) and send
what `data_to_send` returns. It speaks 3.8 and accepts 3.3 and 3.7 clients, answers
FramebufferUpdateRequests with Raw rectangles from a `screen.TextScreen` (only the damaged regions
for incremental requests; a request with nothing new waits until `notify_screen_changed`), and turns
key events into typed text on that screen, Ctrl+Alt+Del included.
"""
import struct

from .screen import PALETTE_RGB

SERVER_VERSION = b"RFB 003.008\n"
SECURITY_NONE = 1
RAW = 0
KEY_CHARS = {0xFF0D: "\r", 0xFF8D: "\r", 0xFF08: "\b", 0xFF09: "\t"}
CTRL = (0xFFE3, 0xFFE4)
ALT = (0xFFE9, 0xFFEA, 0xFFE7, 0xFFE8)
DELETE = (0xFFFF, 0xFF9F)
UNICODE_KEYSYM = 0x01000000  # keysyms 0x01000100.. carry a Unicode code point (X11 convention)
MAX_CUT_TEXT = 1 << 20  # a longer paste would only make us buffer it; the console has no clipboard
# bpp, depth, big-endian, true-colour, red/green/blue max, red/green/blue shift
DEFAULT_FORMAT = (32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
# Client messages in the normal state: type -> (fixed length, handler name).
MESSAGES = {0: (20, "_set_pixel_format"), 2: (4, "_set_encodings"),
            3: (10, "_update_request"), 4: (8, "_key_event"), 5: (6, "_pointer_event"),
            6: (8, "_cut_text")}


class RfbServer:
    """One client connection. `on_output()` is called when output appears outside receive_data
    (the screen changed and a waiting update request was answered)."""

    def __init__(self, screen, name, on_output=None):
        self.screen = screen
        self.on_output = on_output
        self.name = name.encode("utf-8")
        self.state = "version"
        self.version = None
        self.closed = False
        self.close_reason = None
        self.pixel_format = DEFAULT_FORMAT
        self.encodings = [RAW]
        self.pending = None          # the FramebufferUpdateRequest waiting for changes
        self.sent_version = -1       # screen version the client has seen
        self.held = set()            # keysyms held down
        self.key_events = []         # (down, keysym) as received
        self.pointer_events = []     # (button mask, x, y)
        self.cut_text = []
        self._in = bytearray()
        self._out = bytearray(SERVER_VERSION)
        screen.add_listener(self._screen_changed)

    def detach(self):
        """Stop following the screen (the connection is gone)."""
        self.screen.remove_listener(self._screen_changed)

    def _screen_changed(self):
        had = len(self._out)
        self.notify_screen_changed()
        if self.on_output and len(self._out) > had:
            self.on_output()

    # ---- the sans-IO interface ------------------------------------------------------------
    def receive_data(self, data):
        self._in += data
        while not self.closed and self._step():
            pass

    def data_to_send(self):
        out = bytes(self._out)
        self._out.clear()
        return out

    def notify_screen_changed(self):
        """The screen changed for another reason (typing elsewhere, a reboot): answer a waiting request."""
        if self.pending is not None and not self.closed:
            self._answer(*self.pending)

    # ---- states ---------------------------------------------------------------------------
    def _step(self):
        return getattr(self, "_state_" + self.state)()

    def _take(self, size):
        if len(self._in) < size:
            return None
        chunk = bytes(self._in[:size])
        del self._in[:size]
        return chunk

    def _close(self, reason):
        self.closed = True
        self.close_reason = reason
        self.detach()
        return False

    def _state_version(self):
        data = self._take(12)
        if data is None:
            return False
        if not (data.startswith(b"RFB ") and data[7:8] == b"." and data.endswith(b"\n")
                and data[4:7].isdigit() and data[8:11].isdigit()):
            return self._close("not an RFB client version: %r" % data)
        major, minor = int(data[4:7]), int(data[8:11])
        if major != 3 or minor < 3:
            return self._close("unsupported RFB version %d.%d" % (major, minor))
        self.version = 8 if minor >= 8 else 7 if minor == 7 else 3
        if self.version == 3:
            self._out += struct.pack(">I", SECURITY_NONE)
            self.state = "client_init"
        else:
            self._out += bytes([1, SECURITY_NONE])
            self.state = "security"
        return True

    def _state_security(self):
        data = self._take(1)
        if data is None:
            return False
        if data[0] != SECURITY_NONE:
            if self.version == 8:
                reason = b"only security type None is offered"
                self._out += struct.pack(">II", 1, len(reason)) + reason
            return self._close("client chose security type %d" % data[0])
        if self.version == 8:
            self._out += struct.pack(">I", 0)
        self.state = "client_init"
        return True

    def _state_client_init(self):
        if self._take(1) is None:
            return False
        self._out += struct.pack(">HH", self.screen.width, self.screen.height)
        self._out += pack_pixel_format(self.pixel_format)
        self._out += struct.pack(">I", len(self.name)) + self.name
        self.state = "normal"
        return True

    def _state_normal(self):
        if not self._in:
            return False
        kind = self._in[0]
        if kind not in MESSAGES:
            return self._close("unknown client message type %d" % kind)
        size, handler = MESSAGES[kind]
        if len(self._in) < size:
            return False
        extra = self._extra_length(kind)
        if kind == 6 and extra > MAX_CUT_TEXT:
            return self._close("ClientCutText of %d bytes is too long" % extra)
        if len(self._in) < size + extra:
            return False
        return getattr(self, handler)(self._take(size + extra)) is not False

    def _extra_length(self, kind):
        if kind == 2:
            return 4 * struct.unpack(">H", self._in[2:4])[0]
        if kind == 6:
            return struct.unpack(">I", self._in[4:8])[0]
        return 0

    # ---- client messages -------------------------------------------------------------------
    def _set_pixel_format(self, msg):
        fmt = struct.unpack(">BBBBHHHBBB", msg[4:17])
        if fmt[0] not in (8, 16, 32) or not fmt[3]:
            return self._close("only true-colour 8, 16 or 32 bpp pixel formats are supported")
        self.pixel_format = fmt
        self.sent_version = -1

    def _set_encodings(self, msg):
        count = struct.unpack(">H", msg[2:4])[0]
        self.encodings = list(struct.unpack(">%di" % count, msg[4:4 + 4 * count]))

    def _update_request(self, msg):
        incremental, x, y, w, h = struct.unpack(">BHHHH", msg[1:10])
        self._answer(bool(incremental), x, y, w, h)

    def _key_event(self, msg):
        down, keysym = struct.unpack(">B2xI", msg[1:8])
        self.key_events.append((bool(down), keysym))
        if not down:
            self.held.discard(keysym)
            return
        self.held.add(keysym)
        if keysym in DELETE and self.held & set(CTRL) and self.held & set(ALT):
            self.screen.ctrl_alt_del()
        elif not self.held & set(CTRL + ALT):
            text = keysym_text(keysym)
            if text:
                self.screen.type_text(text)

    def _pointer_event(self, msg):
        self.pointer_events.append(struct.unpack(">BHH", msg[1:6]))

    def _cut_text(self, msg):
        self.cut_text.append(msg[8:].decode("latin-1"))

    # ---- framebuffer updates ---------------------------------------------------------------
    def _answer(self, incremental, x, y, w, h):
        x, y, w, h = clip((x, y, w, h), self.screen.width, self.screen.height)
        rects = [(x, y, w, h)]
        if incremental and self.sent_version >= 0:
            damage = self.screen.damage_since(self.sent_version)
            if damage is not None:
                rects = merge([clip_to(r, (x, y, w, h)) for r in damage])
            if not rects:
                self.pending = (incremental, x, y, w, h)
                return
        self.pending = None
        self.sent_version = self.screen.version
        rects = [r for r in rects if r[2] and r[3]]
        self._out += struct.pack(">BxH", 0, len(rects))
        for rect in rects:
            self._out += struct.pack(">HHHHi", *(rect + (RAW,)))
            self._out += encode_pixels(self.screen.index_rows(*rect), self.pixel_format)


def keysym_text(keysym):
    if keysym in KEY_CHARS:
        return KEY_CHARS[keysym]
    if 0x20 <= keysym <= 0x7E or 0xA0 <= keysym <= 0xFF:
        return chr(keysym)
    if UNICODE_KEYSYM + 0x100 <= keysym <= UNICODE_KEYSYM + 0x10FFFF:
        return chr(keysym - UNICODE_KEYSYM)
    return ""


def pack_pixel_format(fmt):
    return struct.pack(">BBBBHHHBBB3x", *fmt)


def encode_pixels(indexes, fmt):
    """Palette-index bytes -> pixels in the client's format, one byte plane at a time."""
    bpp, _depth, big_endian, _tc, rmax, gmax, bmax, rshift, gshift, bshift = fmt
    size = bpp // 8
    values = []
    for r, g, b in PALETTE_RGB:
        value = ((r * rmax + 127) // 255 << rshift | (g * gmax + 127) // 255 << gshift
                 | (b * bmax + 127) // 255 << bshift)
        values.append(value.to_bytes(size, "big" if big_endian else "little"))
    out = bytearray(len(indexes) * size)
    for plane in range(size):
        table = bytes(values[i][plane] if i < len(values) else 0 for i in range(256))
        out[plane::size] = indexes.translate(table)
    return bytes(out)


def clip(rect, width, height):
    x, y, w, h = rect
    x, y = min(x, width), min(y, height)
    return x, y, max(0, min(w, width - x)), max(0, min(h, height - y))


def clip_to(rect, bounds):
    x, y, w, h = rect
    bx, by, bw, bh = bounds
    x0, y0 = max(x, bx), max(y, by)
    x1, y1 = min(x + w, bx + bw), min(y + h, by + bh)
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def merge(rects):
    """One bounding rectangle when the damage is spread over many small cells (fewer headers)."""
    rects = [r for r in rects if r[2] and r[3]]
    if len(rects) <= 4:
        return sorted(set(rects))
    x0 = min(r[0] for r in rects)
    y0 = min(r[1] for r in rects)
    x1 = max(r[0] + r[2] for r in rects)
    y1 = max(r[1] + r[3] for r in rects)
    return [(x0, y0, x1 - x0, y1 - y0)]
