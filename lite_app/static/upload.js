/* xcplite uploads: sends the file a person chose in a file input to a URL of the page's own origin.
   Loaded on first use (lite_app/browser.py UploadPort, pinned by boot.js's xcplite.lazy.upload).
   - send(id, inputId, url, report): PUT the input's first File with XMLHttpRequest. The File is the
     request body as it is: the browser streams it from disk with its Content-Length (XAPI refuses
     chunked bodies), so a multi-gigabyte image is never read into memory, by JS or by Python. The
     same-origin request carries the session cookie; the URL never holds the session.
     report(JSON {sent, total, at}) on each progress event (`at` in seconds of performance.now());
     resolves to JSON {outcome: "done" | "http" | "failed" | "aborted" | "nofile", status}.
   - abort(id): stop that upload (the request ends; its promise resolves "aborted").
   Our own code (not a vendored library). */
(function () {
  "use strict";
  var X = window.xcplite || (window.xcplite = {});
  var live = {};

  function send(id, inputId, url, report) {
    return new Promise(function (resolve) {
      var input = document.getElementById(inputId);
      var file = input && input.files && input.files[0];
      if (!file) { resolve(JSON.stringify({ outcome: "nofile", status: 0 })); return; }
      var xhr = new XMLHttpRequest();
      live[id] = xhr;
      function end(outcome) {
        delete live[id];
        resolve(JSON.stringify({ outcome: outcome, status: xhr.status }));
      }
      xhr.upload.onprogress = function (ev) {
        report(JSON.stringify({ sent: ev.loaded, total: ev.lengthComputable ? ev.total : file.size,
                                at: performance.now() / 1000 }));
      };
      xhr.onload = function () { end(xhr.status >= 200 && xhr.status < 300 ? "done" : "http"); };
      xhr.onerror = function () { end("failed"); };
      xhr.onabort = function () { end("aborted"); };
      xhr.open("PUT", url, true);
      xhr.send(file);
    });
  }

  X.upload = {
    send: send,
    abort: function (id) { if (live[id]) live[id].abort(); }
  };
})();
