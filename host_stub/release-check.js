/* The stub's checks of a release statement whose signature was verified (included into the one-line stub, and
   run by tests/devserver/test_stub_checks.py under Node). Mirrors devserver/release.py parse().
   One-line rules: every statement ends with ; { } or , and there are no line comments. */
var XR = {
  version: function (text) {
    var p, i;
    if (typeof text !== "string" || !/^\d{1,9}(\.\d{1,9}){0,3}$/.test(text)) return null;
    p = text.split(".");
    for (i = 0; i < p.length; i++) p[i] = parseInt(p[i], 10);
    while (p.length < 4) p.push(0);
    return p;
  },
  compare: function (a, b) {
    for (var i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  },
  older: function (version, issued, seen) {
    var mine = XR.version(version), theirs = seen && XR.version(seen.version), c;
    if (!theirs) return false;
    c = XR.compare(mine, theirs);
    return c < 0 || (c === 0 && issued < (seen.issued || 0));
  },
  check: function (text, now, seen, min) {
    var s;
    try { s = JSON.parse(text); } catch (e) { throw new Error("the release statement is not JSON"); }
    if (!s || typeof s !== "object" || s.format !== 1 || s.product !== "xcplite") throw new Error("not an xcplite release statement");
    if (!XR.version(s.version) || typeof s.issued !== "number" || typeof s.expires !== "number" || !s.files || typeof s.files["boot.js"] !== "string") throw new Error("the release statement lacks a field");
    if (s.expires <= now) throw new Error("release " + s.version + " expired on " + new Date(s.expires * 1000).toISOString().slice(0, 10));
    if (min && XR.compare(XR.version(s.version), XR.version(min)) < 0) throw new Error("release " + s.version + " is older than the minimum " + min);
    if (XR.older(s.version, s.issued, seen)) throw new Error("release " + s.version + " is older than release " + seen.version + " already used from this CDN");
    return s;
  }
};
