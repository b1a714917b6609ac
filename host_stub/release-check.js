/* The stub's checks of a release statement whose signature was verified (included into the one-line stub, and
   run by tests/devserver/test_stub_checks.py under Node). Mirrors devserver/release.py parse(): versions are
   1 to 4 dotted numbers; a release is older than `seen` ({version, issued}, the newest this browser ran from
   that CDN) when its version is lower, or equal and issued earlier. One-line rules: statements end with ; { }
   or , and there are no line comments. */
var XR = {
  version: function (t) {
    if (typeof t !== "string" || !/^\d{1,9}(\.\d{1,9}){0,3}$/.test(t)) return null;
    t = t.split(".").map(Number);
    while (t.length < 4) t.push(0);
    return t;
  },
  compare: function (a, b) {
    for (var i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  },
  check: function (text, now, seen, min) {
    var s, v, c;
    try { s = JSON.parse(text); } catch (e) { s = null; }
    if (!s || s.format !== 1 || s.product !== "xcplite" || !(v = XR.version(s.version)) || !(s.issued > 0) || !(s.expires > 0) || typeof (s.files || {})["boot.js"] !== "string") throw new Error("not an xcplite release statement");
    if (s.expires <= now) throw new Error("release " + s.version + " expired on " + new Date(s.expires * 1000).toISOString().slice(0, 10));
    if (min && XR.compare(v, XR.version(min)) < 0) throw new Error("release " + s.version + " is older than the minimum " + min);
    c = seen && XR.version(seen.version) ? XR.compare(v, XR.version(seen.version)) : 1;
    if (c < 0 || (c === 0 && s.issued < seen.issued)) throw new Error("release " + s.version + " is older than release " + seen.version + " already used from this CDN");
    return s;
  }
};
