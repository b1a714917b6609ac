"""The sans-IO RFB server, fed one byte at a time and in one chunk, for RFB 3.3, 3.7 and 3.8 clients."""
import struct

from xapi_sim.rfb import RfbServer, pack_pixel_format
from xapi_sim.screen import PALETTE_RGB, REBOOT_LINE, TextScreen

NAME = "web-01"


def feed(server, data, bytewise):
    out = bytearray()
    chunks = [data[i:i + 1] for i in range(len(data))] if bytewise else [data]
    for chunk in chunks:
        server.receive_data(chunk)
        out += server.data_to_send()
    return bytes(out)


def handshake(version, bytewise):
    """A server after ClientInit, and everything it sent (including its version line)."""
    server = RfbServer(TextScreen(title=NAME), NAME)
    sent = server.data_to_send()
    assert sent == b"RFB 003.008\n"
    sent += feed(server, b"RFB 003.00%d\n" % version, bytewise)
    if version != 3:
        sent += feed(server, b"\x01", bytewise)
    sent += feed(server, b"\x01", bytewise)
    return server, sent


def server_init(screen_name=NAME):
    fmt = pack_pixel_format((32, 24, 0, 1, 255, 255, 255, 16, 8, 0))
    return struct.pack(">HH", 640, 400) + fmt + struct.pack(">I", len(screen_name)) + screen_name.encode()


def test_handshake_exact_bytes_for_each_version_and_chunking():
    expected = {3: struct.pack(">I", 1), 7: b"\x01\x01", 8: b"\x01\x01" + struct.pack(">I", 0)}
    for version in (3, 7, 8):
        for bytewise in (True, False):
            server, sent = handshake(version, bytewise)
            assert sent == b"RFB 003.008\n" + expected[version] + server_init(), (version, bytewise)
            assert server.state == "normal" and not server.closed


def update_request(incremental, x=0, y=0, w=640, h=400):
    return struct.pack(">BBHHHH", 3, incremental, x, y, w, h)


def read_update(data):
    """[(x, y, w, h, encoding, pixels)] of one FramebufferUpdate at 32 bpp."""
    kind, count = struct.unpack(">BxH", data[:4])
    assert kind == 0
    rects, pos = [], 4
    for _ in range(count):
        x, y, w, h, enc = struct.unpack(">HHHHi", data[pos:pos + 12])
        pos += 12
        rects.append((x, y, w, h, enc, data[pos:pos + w * h * 4]))
        pos += w * h * 4
    assert pos == len(data)
    return rects


def pixel(rect_pixels, w, x, y):
    b, g, r, _ = rect_pixels[(y * w + x) * 4:(y * w + x) * 4 + 4]
    return (r, g, b)


def test_full_update_is_raw_and_equals_the_screen():
    for bytewise in (True, False):
        server, _ = handshake(8, bytewise)
        rects = read_update(feed(server, update_request(0), bytewise))
        assert [(r[:5]) for r in rects] == [(0, 0, 640, 400, 0)]
        pixels = rects[0][5]
        screen = server.screen
        for x, y in ((0, 0), (9, 5), (100, 7), (639, 399), (20, 20)):
            assert pixel(pixels, 640, x, y) == screen.rgb_at(x, y)
        assert any(pixel(pixels, 640, x, 5) != PALETTE_RGB[0] for x in range(200)), "banner not drawn"


def key(keysym, down=True):
    return struct.pack(">BBxxI", 4, 1 if down else 0, keysym)


def type_keys(text):
    out = b""
    for ch in text:
        sym = 0xFF0D if ch == "\r" else ord(ch)
        out += key(sym) + key(sym, False)
    return out


def test_typing_echoes_on_screen_and_incremental_updates_send_only_damage():
    server, _ = handshake(8, False)
    feed(server, update_request(0), False)
    assert feed(server, update_request(1), False) == b"", "nothing changed: the request must wait"
    row, col = server.screen.cursor()
    update = feed(server, type_keys("ls"), True)
    assert server.screen.typed_text == "ls"
    rects = read_update(update)
    assert rects and all(r[2] * r[3] < 640 * 400 for r in rects)
    assert server.screen.text_lines()[row].endswith("login: ls")
    x, y = col * 8, row * 16
    covered = [r for r in rects if r[0] <= x < r[0] + r[2] and r[1] <= y < r[1] + r[3]]
    assert covered, "the cell of the first typed character was not sent"


def test_enter_gives_a_new_prompt_and_ctrl_alt_del_is_visible_and_recorded():
    server, _ = handshake(8, False)
    feed(server, type_keys("root\r"), True)
    assert server.screen.typed_text == "root\n"
    combo = key(0xFFE3) + key(0xFFE9) + key(0xFFFF) + key(0xFFFF, False) + key(0xFFE9, False) \
        + key(0xFFE3, False)
    feed(server, combo, True)
    assert server.screen.ctrl_alt_del_count == 1
    assert REBOOT_LINE in server.screen.text_lines()
    assert "\x7f" not in server.screen.typed_text and server.screen.typed_text == "root\n"


def test_pointer_and_cut_text_are_accepted():
    server, _ = handshake(8, False)
    text = b"pasted"
    feed(server, struct.pack(">BBHH", 5, 1, 10, 20) + struct.pack(">B3xI", 6, len(text)) + text, True)
    assert server.pointer_events == [(1, 10, 20)] and server.cut_text == ["pasted"]
    assert not server.closed


def test_set_encodings_and_16bpp_pixel_format():
    server, _ = handshake(8, False)
    feed(server, struct.pack(">BxHii", 2, 2, 0, -223), True)
    assert server.encodings == [0, -223]
    fmt16 = struct.pack(">BBBBHHHBBB3x", 16, 16, 0, 1, 31, 63, 31, 11, 5, 0)
    feed(server, b"\x00\x00\x00\x00" + fmt16, True)
    data = feed(server, update_request(0, 0, 0, 8, 1), False)
    kind, count, x, y, w, h, enc = struct.unpack(">BxHHHHHi", data[:16])
    assert (count, w, h, enc) == (1, 8, 1, 0) and len(data) == 16 + 8 * 2
    r, g, b = server.screen.rgb_at(0, 0)
    value = struct.unpack("<H", data[16:18])[0]
    assert value == ((r * 31 + 127) // 255) << 11 | ((g * 63 + 127) // 255) << 5 | (b * 31 + 127) // 255


def test_screen_change_answers_a_waiting_request():
    server, _ = handshake(8, False)
    feed(server, update_request(0), False)
    feed(server, update_request(1), False)
    server.screen.write_line("boot again")
    server.notify_screen_changed()
    assert read_update(server.data_to_send())


def test_malformed_input_closes_with_a_reason():
    cases = [(b"HTTP/1.1 200\n", "not an RFB"), (b"RFB 004.000\n", "unsupported")]
    for data, reason in cases:
        server = RfbServer(TextScreen(title=NAME), NAME)
        server.receive_data(data)
        assert server.closed and reason in server.close_reason
    server, _ = handshake(8, False)
    server.receive_data(b"\x63")
    assert server.closed and "unknown client message type 99" in server.close_reason
    server = RfbServer(TextScreen(title=NAME), NAME)
    server.receive_data(b"RFB 003.008\n\x02")
    assert server.closed and server.data_to_send().endswith(b"only security type None is offered")


def test_unicode_keysyms_are_typed_and_unknown_keysyms_ignored():
    server, _ = handshake(8, False)
    feed(server, key(0x010020AC) + key(0x010020AC, False) + key(0xFFBE) + key(0x00E9), True)
    assert server.screen.typed_text == "\u20ac\u00e9"  # F1 (0xFFBE) types nothing
    row, _ = server.screen.cursor()
    assert server.screen.text_lines()[row].endswith("login: ?\u00e9"), "euro is outside the font"


def test_oversized_cut_text_is_refused_before_buffering_it():
    server, _ = handshake(8, False)
    feed(server, struct.pack(">B3xI", 6, 0x80000001), True)
    assert server.closed and "too long" in server.close_reason
