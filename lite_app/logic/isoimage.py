"""A small ISO 9660 image with Joliet names, built in pure Python (CPython and MicroPython).

cloud-init's NoCloud source reads its configuration from a filesystem labelled `cidata` holding
`user-data`, `meta-data` and optionally `network-config`. Those names are not ISO 9660 names
(lowercase, hyphens), so the image carries them in a Joliet directory (UCS-2 names, what Linux
mounts first when there is no Rock Ridge) beside the plain ISO 9660 one (`USER_DATA.;1`…). One
root directory, no subdirectories: the layout is

    0-15 system area | 16 primary descriptor | 17 Joliet descriptor | 18 terminator |
    19-22 path tables (L, M; primary, Joliet) | 23 primary root | 24 Joliet root | files...

`build(files, label)` returns the image as bytes; sizes are multiples of 2048 (a sector).
"""
import struct

SECTOR = 2048
FIRST_FILE = 25
JOLIET_ESCAPE = b"%/E"      # UCS-2 level 3
NO_DATE = b"0000000000000000\x00"


def both16(value):
    return struct.pack("<H", value) + struct.pack(">H", value)


def both32(value):
    return struct.pack("<I", value) + struct.pack(">I", value)


def sectors(size):
    return (size + SECTOR - 1) // SECTOR


def iso_name(name):
    """The plain ISO 9660 name: d-characters (A-Z 0-9 _), a dot, version 1."""
    out = []
    for char in name.upper():
        out.append(char if ("A" <= char <= "Z" or "0" <= char <= "9") else "_")
    return ("".join(out)[:30] + ".;1").encode()


def _ucs2(text):
    """UTF-16 big-endian for the Basic Multilingual Plane (MicroPython has no utf-16 codec)."""
    out = bytearray()
    for char in text:
        code = ord(char)
        out.append((code >> 8) & 0xFF)
        out.append(code & 0xFF)
    return bytes(out)


def padded(data, size, fill=b" "):
    return data[:size] + fill * (size - len(data[:size])) if len(fill) == 1 else \
        data[:size] + (fill * size)[:size - len(data[:size])]


def record(name_bytes, extent, length, directory, date):
    """A directory record (ECMA-119 9.1)."""
    flags = 2 if directory else 0
    body = (both32(extent) + both32(length) + date + bytes([flags, 0, 0]) + both16(1) +
            bytes([len(name_bytes)]) + name_bytes)
    if len(name_bytes) % 2 == 0:
        body += b"\x00"
    return bytes([len(body) + 2, 0]) + body


def directory(own_extent, entries, date):
    """A one-sector root directory: ".", "..", then (name bytes, extent, length) sorted by name."""
    data = record(b"\x00", own_extent, SECTOR, True, date) + record(b"\x01", own_extent, SECTOR, True, date)
    for name, extent, length in sorted(entries):
        data += record(name, extent, length, False, date)
    if len(data) > SECTOR:
        raise ValueError("too many files for one directory sector")
    return padded(data, SECTOR, b"\x00")


def path_table(root_extent, big_endian):
    """The path table of a volume whose only directory is the root (ECMA-119 9.4)."""
    extent = struct.pack(">I" if big_endian else "<I", root_extent)
    parent = struct.pack(">H" if big_endian else "<H", 1)
    return bytes([1, 0]) + extent + parent + b"\x00\x00"


def descriptor(kind, label, total, table_size, tables, root, joliet):
    """A primary (kind 1) or Joliet supplementary (kind 2) volume descriptor."""
    text = (lambda s, n: padded(_ucs2(s) if joliet else s.encode(), n, b"\x00 " if joliet else b" "))
    out = bytes([kind]) + b"CD001\x01\x00"
    out += text("", 32) + text(label, 32) + b"\x00" * 8 + both32(total)
    out += padded(JOLIET_ESCAPE, 32, b"\x00") if joliet else b"\x00" * 32
    out += both16(1) + both16(1) + both16(SECTOR) + both32(table_size)
    out += struct.pack("<I", tables[0]) + b"\x00" * 4 + struct.pack(">I", tables[1]) + b"\x00" * 4
    out += root
    for size in (128, 128, 128, 128):
        out += text("", size)
    out += text("", 37) + text("", 37) + text("", 37)
    out += NO_DATE * 4 + b"\x01\x00"
    return padded(out, SECTOR, b"\x00")


def build(files, label="cidata", date=None):
    """The image holding `files` ({name: bytes}) in its root, volume label `label`."""
    date = date or bytes(7)
    names = sorted(files)
    extents, extent = {}, FIRST_FILE
    for name in names:
        extents[name] = extent
        extent += max(1, sectors(len(files[name])))
    total = extent
    plain = [(iso_name(n), extents[n], len(files[n])) for n in names]
    wide = [(_ucs2(n), extents[n], len(files[n])) for n in names]
    table = path_table(23, False)
    root_plain = record(b"\x00", 23, SECTOR, True, date)
    root_wide = record(b"\x00", 24, SECTOR, True, date)
    image = bytearray(SECTOR * 16)
    image += descriptor(1, label.upper(), total, len(table), (19, 20), root_plain, False)
    image += descriptor(2, label, total, len(table), (21, 22), root_wide, True)
    image += padded(b"\xffCD001\x01", SECTOR, b"\x00")
    for root_extent in (23, 24):
        image += padded(path_table(root_extent, False), SECTOR, b"\x00")
        image += padded(path_table(root_extent, True), SECTOR, b"\x00")
    image += directory(23, plain, date)
    image += directory(24, wide, date)
    for name in names:
        data = files[name]
        image += data + bytes(max(1, sectors(len(data))) * SECTOR - len(data))
    return bytes(image)
