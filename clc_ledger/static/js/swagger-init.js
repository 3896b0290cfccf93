// Starts Swagger UI on /api/v1/docs from a static file (no inline script under the CSP).
(function () {
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
  var overrides = JSON.parse(container.dataset.config || "{}");
  for (var key in overrides) { config[key] = overrides[key]; }
  window.addEventListener("load", function () { window.ui = SwaggerUIBundle(config); });
})();
