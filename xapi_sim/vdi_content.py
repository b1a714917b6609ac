"""What clients wrote into disks (PUT /import_raw_vdi), kept so that GET /export_raw_vdi can read
it back: one file per VDI uuid in a temporary directory of the simulator, made on first use and
removed when the simulator closes.

Content is streamed to disk, never held whole in memory. An upload writes from offset 0 over
what was there, as a raw import does, and leaves what lies beyond its end (an empty PUT changes
nothing). Up to KEEP_LIMIT bytes the file is kept; beyond it the file is dropped and only the
length and the SHA-256 of the last upload remain (such a disk reads back as zeros). Disks nobody
wrote to read as zeros, like a new disk.
"""
import hashlib
import os
import shutil
import tempfile

KEEP_LIMIT = 64 * 1024 ** 2
ZEROS = bytes(1024 * 1024)


class Written:
    """What is known of a disk's content: its length, SHA-256, and whether the bytes are kept."""

    def __init__(self, length, sha256, kept):
        self.length, self.sha256, self.kept = length, sha256, kept


class Writer:
    """Receives one upload chunk by chunk; `close()` records it, `abort()` keeps what came."""

    def __init__(self, store, uuid):
        self.store, self.uuid = store, uuid
        self.length = 0
        self.digest = hashlib.sha256()
        self.path = store.path(uuid)
        before = store.known.get(uuid)
        self.before = before.length if before else 0
        self.file = None
        if before is None or before.kept:
            self.file = open(self.path, "r+b" if os.path.exists(self.path) else "wb")

    def write(self, data):
        self.digest.update(data)
        self.length += len(data)
        if self.file is not None and max(self.length, self.before) > KEEP_LIMIT:
            self.file.close()
            os.unlink(self.path)
            self.file = None
        if self.file is not None:
            self.file.write(data)

    def close(self):
        kept = self.file is not None
        if kept:
            self.file.close()
        self.store.known[self.uuid] = Written(max(self.length, self.before),
                                              self.digest.hexdigest(), kept)
        return self.store.known[self.uuid]

    abort = close


class ContentStore:
    def __init__(self):
        self.root = None
        self.known = {}

    def path(self, uuid):
        if self.root is None:
            self.root = tempfile.mkdtemp(prefix="xapi_sim-disks-")
        return os.path.join(self.root, uuid)

    def writer(self, uuid):
        return Writer(self, uuid)

    def info(self, uuid):
        return self.known.get(uuid)

    def read(self, uuid, size, chunk=1024 * 1024):
        """The disk's `size` bytes in pieces: what was kept, then zeros."""
        sent = 0
        written = self.known.get(uuid)
        if written is not None and written.kept:
            with open(self.path(uuid), "rb") as fh:
                while sent < size:
                    data = fh.read(min(chunk, size - sent))
                    if not data:
                        break
                    sent += len(data)
                    yield data
        while sent < size:
            piece = ZEROS[:min(chunk, size - sent)]
            sent += len(piece)
            yield piece

    def copy(self, src_uuid, dst_uuid):
        """A copy, clone or snapshot of a disk holds the same bytes."""
        written = self.known.get(src_uuid)
        if written is None:
            return
        if written.kept:
            shutil.copyfile(self.path(src_uuid), self.path(dst_uuid))
        self.known[dst_uuid] = Written(written.length, written.sha256, written.kept)

    def drop(self, uuid):
        written = self.known.pop(uuid, None)
        if written is not None and written.kept and os.path.exists(self.path(uuid)):
            os.unlink(self.path(uuid))

    def close(self):
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        self.known.clear()
