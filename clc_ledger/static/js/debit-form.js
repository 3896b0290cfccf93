// "Remaining as you type" on the debit request form. Only a convenience: the server checks
// every amount again (exactly, in hundredths) when the form is sent.
(function () {
  "use strict";
  var form = document.getElementById("debit-form");
  if (!form) { return; }
  var locale = form.dataset.locale || "en";
  var fmt = new Intl.NumberFormat(locale.replace("_", "-"), { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  // Text -> integer hundredths, or null when it is not a plain amount with at most 2 decimals.
  function hundredths(text) {
    text = (text || "").trim().replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(text)) { return null; }
    var parts = text.split(".");
    var cents = (parts[1] || "").padEnd(2, "0");
    return parseInt(parts[0], 10) * 100 + parseInt(cents, 10);
  }
  function show(h) { return fmt.format(Math.trunc(h / 100) + (h % 100) / 100) + " CLC"; }

  var available = hundredths(form.dataset.available) || 0;
  var amount = document.getElementById("amount");
  var output = document.getElementById("remaining-value");
  var box = document.getElementById("remaining");
  var splits = Array.prototype.slice.call(form.querySelectorAll("input.split"));
  var total = document.getElementById("split-total");

  function update() {
    var wanted = hundredths(amount.value);
    var left = available - (wanted || 0);
    output.textContent = left < 0 ? box.dataset.negative + " (" + show(-left) + ")" : show(left);
    box.classList.toggle("negative", left < 0);
    var sum = 0, any = false;
    splits.forEach(function (input) {
      var part = hundredths(input.value) || 0;
      var note = input.parentNode.querySelector(".split-left");
      if (input.value.trim()) { any = true; }
      sum += part;
      if (note) {
        var soLeft = hundredths(input.dataset.available) - part;
        note.textContent = input.value.trim() ? (soLeft < 0 ? box.dataset.negative : show(soLeft)) : "";
      }
    });
    if (total) { total.textContent = any ? total.dataset.label + " " + show(sum) : ""; }
  }
  amount.addEventListener("input", update);
  splits.forEach(function (input) { input.addEventListener("input", update); });
  update();
  var first = form.dataset.focus && document.getElementById(form.dataset.focus);
  if (first) { first.focus(); }  // after a refused submit: the first field in error
})();
