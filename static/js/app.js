// Small progressive enhancements; every page works without them.
// - [data-copy-target]: copy the text of the element with that id.
// - form[data-confirm]: ask before submitting.
// - form[data-sections] [data-show-type] / [data-show-mode]: show a section only for the
//   space-separated product types / charging modes chosen in the form's type and
//   charging_mode selects (without script every section shows).
// - input[type=file][data-max-bytes]: a chosen file over the limit is dropped at once and the
//   field's [data-size-error] says so (data-too-large), before an upload the server refuses.
// - [data-modal-cancel]: Escape follows this link (closes a confirmation dialog).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy-target]");
    if (!btn) return;
    var el = document.getElementById(btn.getAttribute("data-copy-target"));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.textContent).then(function () {
      var old = btn.textContent;
      btn.textContent = "✓";
      setTimeout(function () { btn.textContent = old; }, 1200);
    });
  });
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  function syncSections(form) {
    var type = form.querySelector("[name=type]"), mode = form.querySelector("[name=charging_mode]");
    form.querySelectorAll("[data-show-type],[data-show-mode]").forEach(function (el) {
      var t = el.getAttribute("data-show-type"), m = el.getAttribute("data-show-mode");
      el.hidden = (t && type && t.split(" ").indexOf(type.value) < 0) || (m && mode && m.split(" ").indexOf(mode.value) < 0) || false;
    });
  }
  document.addEventListener("change", function (e) {
    var form = e.target.closest("form[data-sections]");
    if (form) syncSections(form);
  });
  document.querySelectorAll("form[data-sections]").forEach(syncSections);
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var max = Number(input.getAttribute("data-max-bytes")), big = false;
    for (var i = 0; i < input.files.length; i++) if (input.files[i].size > max) big = true;
    var msg = input.parentNode.querySelector("[data-size-error]");
    if (big) input.value = "";
    if (msg) {
      msg.textContent = big ? input.getAttribute("data-too-large") : "";
      msg.hidden = !big;
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var cancel = document.querySelector("[data-modal-cancel]");
    if (cancel) cancel.click();
  });
})();
// - button[commandfor][command=show-modal|close]: open or close a <dialog>, for browsers
//   without native invoker commands.
(function () {
  "use strict";
  if ("command" in HTMLButtonElement.prototype) return;
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("button[commandfor]");
    if (!btn) return;
    var dlg = document.getElementById(btn.getAttribute("commandfor"));
    if (!dlg || typeof dlg.showModal !== "function") return;
    var cmd = btn.getAttribute("command");
    if (cmd === "show-modal") dlg.showModal();
    else if (cmd === "close") dlg.close();
  });
})();
