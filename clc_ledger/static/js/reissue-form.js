// The training plan's total against the amount to reissue, as you type. The server checks
// the plan again (total and the 6-month date limit) when the form is sent.
(function () {
  "use strict";
  var form = document.getElementById("reissue-form");
  if (!form) { return; }
  var fmt = new Intl.NumberFormat((form.dataset.locale || "en").replace("_", "-"),
                                  { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function hundredths(text) {
    text = (text || "").trim().replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(text)) { return null; }
    var parts = text.split(".");
    return parseInt(parts[0], 10) * 100 + parseInt((parts[1] || "").padEnd(2, "0"), 10);
  }
  function show(h) { return fmt.format(Math.trunc(h / 100) + (h % 100) / 100) + " CLC"; }
  var amount = hundredths(form.dataset.amount) || 0;
  var out = document.getElementById("plan-total");
  function update() {
    var sum = 0;
    form.querySelectorAll("input.plan-credits").forEach(function (input) { sum += hundredths(input.value) || 0; });
    var ok = sum === amount;
    out.textContent = out.dataset.label + " " + show(sum) + " " + out.dataset.of + " " + show(amount) + " — " +
      (ok ? out.dataset.ok : out.dataset.off);
    out.classList.toggle("negative", !ok);
  }
  form.addEventListener("input", update);
  update();
  // After a refused submit, the focus goes to the first field in error (the summary at the
  // top links to every one).
  var first = form.dataset.focus && document.getElementById(form.dataset.focus);
  if (first) { first.focus(); }
})();
