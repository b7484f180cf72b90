// openapi/docs.hpp: the interactive docs pages (Swagger UI at /docs, ReDoc at /redoc, the OAuth2 redirect page
// at /docs/oauth2-redirect) with configurable asset URLs, as HTML responses. Fed by App's options; feeds
// app/docs_routes.hpp (which registers them as the app's own routes). Knows nothing of how a document is built,
// of routes or of sockets.
#pragma once

#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/sink.hpp"
#include "fastapi/json/write.hpp"

namespace fastapi {

/// Where the docs pages load their scripts, styles and icons from. The defaults are the public CDN URLs that
/// FastAPI uses (Swagger UI 5, which reads OpenAPI 3.1; ReDoc 2): without internet the pages stay blank. Offline
/// (docs/openapi.md), the one option is `directory`, a node_modules where npm installed swagger-ui-dist and redoc:
///   npm install swagger-ui-dist@5 redoc@2          # in ./docs-assets, say
///   fa::App app{{.docs_assets = {.directory = "docs-assets/node_modules"}}};
/// The app then serves them itself (StaticFiles under /docs-assets/) and the pages load nothing from elsewhere.
/// Or point the URLs below at files you serve yourself.
struct DocsAssets {
  /// A node_modules holding swagger-ui-dist and redoc: the app serves the assets from it (and the URLs below are
  /// ignored; no Google Fonts). "" = the URLs below. A missing file is reported by run() (exit code 1).
  std::string directory{};
  std::string swagger_js_url = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js";
  std::string swagger_css_url = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css";
  std::string swagger_favicon_url = "https://fastapi.tiangolo.com/img/favicon.png";
  std::string redoc_js_url = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js";
  std::string redoc_favicon_url = "https://fastapi.tiangolo.com/img/favicon.png";
  bool redoc_google_fonts = true;  ///< ReDoc's page links Montserrat and Roboto from Google Fonts
};

/// The Swagger UI page for the document at `openapi_url` (FastAPI's get_swagger_ui_html), to serve from a route
/// of your own: `app.get("/api-docs", [] { return fa::get_swagger_ui_html("/openapi.json", "Items - Swagger UI"); });`
/// With `oauth2_redirect_url`, Swagger UI's "Authorize" completes OAuth2 flows through that page.
FASTAPI_DETAIL_INLINE Response get_swagger_ui_html(std::string_view openapi_url, std::string_view title,
                                                   const DocsAssets& assets = {},
                                                   std::string_view oauth2_redirect_url = {});
/// The ReDoc page for the document at `openapi_url` (FastAPI's get_redoc_html).
FASTAPI_DETAIL_INLINE Response get_redoc_html(std::string_view openapi_url, std::string_view title,
                                              const DocsAssets& assets = {});
/// The page an OAuth2 authorization server redirects to from Swagger UI: it hands the code or token back to the
/// docs window that opened it, and closes (FastAPI's get_swagger_ui_oauth2_redirect_html).
FASTAPI_DETAIL_INLINE Response get_swagger_ui_oauth2_redirect_html();

namespace detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// `s` for an HTML attribute or text: & < > " ' escaped.
inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      default: out += c;
    }
  }
  return out;
}

/// `s` as a JavaScript string literal safe inside <script>: JSON, with '<' as \u003c (no "</script>").
inline std::string js_string(std::string_view s) {
  std::string json;
  write_json_string(json, s);
  std::string out;
  out.reserve(json.size());
  for (char c : json) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Response get_swagger_ui_html(std::string_view openapi_url, std::string_view title,
                                                   const DocsAssets& assets, std::string_view oauth2_redirect_url) {
  std::string html;
  html.reserve(1024);
  html += "<!DOCTYPE html>\n<html>\n<head>\n";
  html += "<link type=\"text/css\" rel=\"stylesheet\" href=\"" + detail::html_escape(assets.swagger_css_url) + "\">\n";
  html += "<link rel=\"shortcut icon\" href=\"" + detail::html_escape(assets.swagger_favicon_url) + "\">\n";
  html += "<title>" + detail::html_escape(title) + "</title>\n";
  html += "</head>\n<body>\n<div id=\"swagger-ui\">\n</div>\n";
  html += "<script src=\"" + detail::html_escape(assets.swagger_js_url) + "\"></script>\n";
  html += "<!-- `SwaggerUIBundle` is now available on the page -->\n<script>\n";
  html += "const ui = SwaggerUIBundle({\n";
  html += "  url: " + detail::js_string(openapi_url) + ",\n";
  html += "  dom_id: \"#swagger-ui\",\n";
  html += "  layout: \"BaseLayout\",\n";
  html += "  deepLinking: true,\n";
  html += "  showExtensions: true,\n";
  html += "  showCommonExtensions: true,\n";
  if (!oauth2_redirect_url.empty())
    html += "  oauth2RedirectUrl: window.location.origin + " + detail::js_string(oauth2_redirect_url) + ",\n";
  html += "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],\n";
  html += "});\n</script>\n</body>\n</html>\n";
  return HTMLResponse(std::move(html));
}

FASTAPI_DETAIL_INLINE Response get_redoc_html(std::string_view openapi_url, std::string_view title,
                                              const DocsAssets& assets) {
  std::string html;
  html.reserve(1024);
  html += "<!DOCTYPE html>\n<html>\n<head>\n";
  html += "<title>" + detail::html_escape(title) + "</title>\n";
  html += "<!-- needed for adaptive design -->\n<meta charset=\"utf-8\"/>\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  if (assets.redoc_google_fonts)
    html += "<link href=\"https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700\" "
            "rel=\"stylesheet\">\n";
  html += "<link rel=\"shortcut icon\" href=\"" + detail::html_escape(assets.redoc_favicon_url) + "\">\n";
  html +=
      "<!-- ReDoc does not change the outer page's styles -->\n<style>\n  body { margin: 0; padding: 0; }\n</style>\n";
  html += "</head>\n<body>\n";
  html += "<noscript>ReDoc needs JavaScript to show the documentation: please enable it.</noscript>\n";
  html += "<redoc spec-url=\"" + detail::html_escape(openapi_url) + "\"></redoc>\n";
  html += "<script src=\"" + detail::html_escape(assets.redoc_js_url) + "\"></script>\n";
  html += "</body>\n</html>\n";
  return HTMLResponse(std::move(html));
}

FASTAPI_DETAIL_INLINE Response get_swagger_ui_oauth2_redirect_html() {
  // Swagger UI opens this page in a popup and leaves `swaggerUIRedirectOauth2` (state, redirectUrl, auth,
  // callback, errCb) on its own window: read the authorization server's answer from the fragment (implicit
  // flow) or the query (code flow), check the state, hand the result back, close.
  return HTMLResponse(R"html(<!DOCTYPE html>
<html lang="en-US">
<head>
<title>Swagger UI: OAuth2 Redirect</title>
</head>
<body>
<script>
'use strict';
(function () {
  var oauth2 = window.opener && window.opener.swaggerUIRedirectOauth2;
  if (!oauth2) {
    document.body.textContent = 'This page completes a sign-in started from the API docs (Swagger UI).';
    return;
  }
  var fromFragment = /code|token|error/.test(window.location.hash);
  var raw = fromFragment ? window.location.hash.substring(1) : window.location.search.substring(1);
  var answer = {};
  new URLSearchParams(raw.replace('?', '&')).forEach(function (value, key) { answer[key] = value; });
  var stateMatches = answer.state === oauth2.state;
  var flow = oauth2.auth.schema.get('flow');
  var codeFlow = flow === 'accessCode' || flow === 'authorizationCode' || flow === 'authorization_code';
  if (codeFlow && !oauth2.auth.code) {
    if (!stateMatches) {
      oauth2.errCb({authId: oauth2.auth.name, source: 'auth', level: 'warning',
                    message: 'Authorization may be unsafe: the state the server returned is not the one sent.'});
    }
    if (answer.code) {
      delete oauth2.state;
      oauth2.auth.code = answer.code;
      oauth2.callback({auth: oauth2.auth, redirectUrl: oauth2.redirectUrl});
    } else {
      var message = '[Authorization failed]: no authorization code received from the server.';
      if (answer.error) {
        message = '[' + answer.error + ']: ' +
                  (answer.error_description ? answer.error_description + '. ' : 'no authorization code received from the server. ') +
                  (answer.error_uri ? 'More info: ' + answer.error_uri : '');
      }
      oauth2.errCb({authId: oauth2.auth.name, source: 'auth', level: 'error', message: message});
    }
  } else {
    oauth2.callback({auth: oauth2.auth, token: answer, isValid: stateMatches, redirectUrl: oauth2.redirectUrl});
  }
  window.close();
})();
</script>
</body>
</html>
)html");
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
