"""What the SR drivers share: the Target of an SR config, SM's XML documents."""
import xml.dom.minidom

NOT_PROBED = "Operation 'sr_probe' not supported by this SR type"   # ocaml/xapi/sm.ml


class Target:
    """Where an SR lives (`location`: equal for SRs on the same export or device), the size it
    reports, the bytes used there by anything but its own disks, writability, ISO files."""

    def __init__(self, location, size, used, writable=True, isos=None):
        self.location, self.size, self.used = location, size, used
        self.writable, self.isos = writable, dict(isos or {})


def pretty(root, children):
    """An XML document as SM prints it (minidom's toprettyxml): `children` are (tag, [(tag,
    text)…]) elements under `root`."""
    doc = xml.dom.minidom.Document()
    top = doc.createElement(root)
    doc.appendChild(top)
    for tag, fields in children:
        entry = doc.createElement(tag)
        top.appendChild(entry)
        for name, text in fields:
            node = doc.createElement(name)
            node.appendChild(doc.createTextNode(str(text)))
            entry.appendChild(node)
    return doc.toprettyxml()


def sr_list(uuids, extra=lambda uuid: []):
    """<SRlist><SR><UUID>…</UUID>…</SR></SRlist> (nfs.scan_srlist, util.SRtoXML, lvutil)."""
    return pretty("SRlist", [("SR", [("UUID", u)] + extra(u)) for u in uuids])
