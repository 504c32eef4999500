/* Starts Swagger UI on /api/docs (web/api_docs.py): a file, not an inline script, for our CSP. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.openapiUrl, domNode: root, deepLinking: true });
})();
