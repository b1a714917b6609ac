"""The simulated VM's text console: banner, typing, scrolling, Ctrl+Alt+Del, pixels and damage."""
from xapi_sim.screen import (ALERT, BG, CELL_H, CELL_W, PALETTE_RGB, REBOOT_LINE, TextScreen,
                             hostname_for)


def cell_pixels(screen, row, col):
    return bytes(screen.index_rows(col * CELL_W, row * CELL_H, CELL_W, CELL_H))


def test_boot_banner_names_the_vm_and_ends_at_a_login_prompt():
    screen = TextScreen(title="Debian 12 web-01")
    lines = screen.text_lines()
    assert lines[0] == "XCP-ng guest console - Debian 12 web-01"
    assert "Welcome to Debian 12 web-01!" in lines
    row, col = screen.cursor()
    assert lines[row] == "debian-12-web-01 login:"
    assert col == len("debian-12-web-01 login: ")
    assert (screen.width, screen.height, screen.cols, screen.rows) == (640, 400, 80, 25)


def test_rendering_is_deterministic_and_light_on_dark():
    a, b = TextScreen(title="vm-a"), TextScreen(title="vm-a")
    assert a.pixels == b.pixels
    assert a.pixels != TextScreen(title="vm-b").pixels
    assert a.rgb_at(0, 0) == PALETTE_RGB[BG] and sum(PALETTE_RGB[BG]) < 3 * 64
    inked = [a.rgb_at(x, y) for y in range(CELL_H) for x in range(8 * CELL_W)]
    assert any(sum(rgb) > 3 * 160 for rgb in inked), "the title line has light pixels"
    assert a.cursor() == b.cursor() and a.text_lines() == b.text_lines()


def test_rgb_bytes_agree_with_rgb_at():
    screen = TextScreen(title="vm")
    rgb = screen.rgb_bytes(0, 0, 40, 20)
    assert len(rgb) == 40 * 20 * 3
    for x, y in ((0, 0), (9, 5), (17, 8), (39, 19)):
        offset = (y * 40 + x) * 3
        assert tuple(rgb[offset:offset + 3]) == screen.rgb_at(x, y)
    assert len(screen.rgb_bytes()) == 640 * 400 * 3


def test_typing_echoes_records_and_changes_only_the_typed_cells():
    screen = TextScreen(title="vm")
    row, col = screen.cursor()
    before = bytes(screen.pixels)
    version = screen.version
    screen.type_text("ls")
    assert screen.typed_text == "ls"
    assert screen.text_lines()[row] == "vm login: ls"
    assert cell_pixels(screen, row, col) != cell_pixels(TextScreen(title="vm"), row, col)
    assert screen.damage_since(version) == [(col * CELL_W, row * CELL_H, CELL_W, CELL_H),
                                            ((col + 1) * CELL_W, row * CELL_H, CELL_W, CELL_H)]
    changed = [i for i in range(len(before)) if before[i] != screen.pixels[i]]
    assert changed and all(row * CELL_H <= i // 640 < (row + 1) * CELL_H for i in changed)


def test_same_character_draws_the_same_glyph_anywhere():
    screen = TextScreen(title="vm")
    row, col = screen.cursor()
    screen.type_text("AA")
    assert cell_pixels(screen, row, col) == cell_pixels(screen, row, col + 1)
    assert cell_pixels(screen, row, col) != cell_pixels(screen, row, col + 2)  # a blank cell


def test_enter_prompts_again_and_backspace_stops_at_the_prompt():
    screen = TextScreen(title="vm")
    row, _ = screen.cursor()
    screen.type_text("root\r")
    assert screen.text_lines()[row:row + 2] == ["vm login: root", "vm login:"]
    screen.type_text("ab\b\b\b\bc")
    assert screen.text_lines()[row + 1] == "vm login: c"
    assert screen.typed_text == "root\nab\b\b\b\bc"


def test_tab_moves_to_the_next_stop_and_unprintable_shows_a_question_mark():
    screen = TextScreen(title="vm")
    screen.type_text("\tx\u20ac")
    row, col = screen.cursor()
    assert screen.text_lines()[row] == "vm login:       x?"  # tab from column 10 to 16
    assert col == 18


def test_long_input_wraps_and_backspace_crosses_back():
    screen = TextScreen(title="vm")
    row, col = screen.cursor()
    screen.type_text("x" * (80 - col + 3))
    assert screen.cursor() == (row + 1, 3)
    screen.type_text("\b" * 4)
    assert screen.cursor() == (row, 79)
    assert screen.text_lines()[row + 1] == ""


def test_scrolls_when_full_and_damages_everything():
    screen = TextScreen(title="vm")
    version = screen.version
    banner = screen.text_lines()
    shift = screen.cursor()[0] + 15 - 24  # lines that scroll off the top
    screen.type_text("\r" * 15)
    lines = screen.text_lines()
    assert shift > 0 and lines[-1] == "vm login:" and screen.cursor()[0] == 24
    assert lines[0] == banner[shift] and lines[0].startswith("[    0.0")
    assert (0, 0, 640, 400) in screen.damage_since(version)
    assert screen.pixels[-640 * CELL_H:] != bytes(640 * CELL_H), "the last row shows the prompt"


def test_ctrl_alt_del_is_counted_and_visible_in_its_own_colour():
    screen = TextScreen(title="vm")
    screen.type_text("half")
    screen.ctrl_alt_del()
    screen.ctrl_alt_del()
    assert screen.ctrl_alt_del_count == 2
    lines = screen.text_lines()
    assert lines.count(REBOOT_LINE) == 2
    row = lines.index(REBOOT_LINE)
    assert lines[row - 1] == "vm login: half" and lines[row + 1] == "vm login:"
    colours = set(screen.index_rows(0, row * CELL_H, len(REBOOT_LINE) * CELL_W, CELL_H))
    assert colours == {BG, ALERT}
    assert screen.typed_text == "half"


def test_damage_log_and_listeners():
    screen = TextScreen(title="vm")
    calls = []
    screen.add_listener(lambda: calls.append(screen.version))
    assert screen.damage_since(screen.version) == []
    screen.type_text("a")
    screen.write_line("kernel: something")
    assert len(calls) == 2 and calls[-1] == screen.version
    assert screen.damage_since(0) is None, "older than the log: the reader needs a full frame"
    screen.remove_listener(screen._listeners[0])
    screen.type_text("b")
    assert len(calls) == 2


def test_reboot_prints_the_banner_again():
    screen = TextScreen(title="vm")
    fresh = bytes(screen.pixels)
    screen.type_text("hello\r")
    screen.boot()
    assert bytes(screen.pixels) == fresh
    assert screen.text_lines() == TextScreen(title="vm").text_lines()


def test_hostname_from_the_name_label():
    assert hostname_for("Debian 12 (web)") == "debian-12-web"
    assert hostname_for("Ünïcode__box") == "n-code-box"
    assert hostname_for("***") == "localhost"
    assert TextScreen(title="x", hostname="dom0-a").prompt == "dom0-a login: "
