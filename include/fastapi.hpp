// fastapi.hpp (modular umbrella): FastAPI's way of building web services, for C++20.
// The #include list below IS the assembly line, in dependency order: a module includes only modules above
// it. single_include_build.py concatenates them, in this order, into the single header ../fastapi.hpp.
#pragma once
// The #include list below is the amalgamation order: clang-format must never sort it.
// clang-format off

// core: the ground every station stands on
#include "fastapi/core/version.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/fixed_string.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/arena.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/digest.hpp"
#include "fastapi/core/utf8.hpp"
#include "fastapi/core/zlib.hpp"
#include "fastapi/core/regex_program.hpp"
#include "fastapi/core/regex_syntax.hpp"
#include "fastapi/core/regex.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/core/async_call.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/generator.hpp"

// http: socket -> bytes -> Request, Response -> bytes -> socket
#include "fastapi/http/method.hpp"
#include "fastapi/http/status.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request_state.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/url.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/request_parser.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/multipart.hpp"
#include "fastapi/http/upload.hpp"
#include "fastapi/http/mime.hpp"
#include "fastapi/http/range.hpp"
#include "fastapi/http/response_parser.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/event_source.hpp"
#include "fastapi/http/writer.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/http/file_support.hpp"
#include "fastapi/http/file_response.hpp"
#include "fastapi/http/static_files.hpp"
#include "fastapi/http/hub.hpp"
#include "fastapi/http/tls_context.hpp"
#include "fastapi/http/stream.hpp"
#include "fastapi/http/connection.hpp"
#include "fastapi/http/connection_body.hpp"
#include "fastapi/http/connection_upgrade.hpp"
#include "fastapi/http/server.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/deflate.hpp"
#include "fastapi/websocket/frame_parser.hpp"
#include "fastapi/websocket/handshake.hpp"
#include "fastapi/websocket/session.hpp"

// json: values, and plain structs in and out
#include "fastapi/json/sink.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/parse.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/email.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/chrono.hpp"
#include "fastapi/json/uuid.hpp"
#include "fastapi/json/idna.hpp"
#include "fastapi/json/url_host.hpp"
#include "fastapi/json/http_url.hpp"
#include "fastapi/json/choice.hpp"
#include "fastapi/json/read_scalars.hpp"
#include "fastapi/json/validators.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/union.hpp"
#include "fastapi/json/read_fast.hpp"
#include "fastapi/json/syntax_error.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/json/schema.hpp"

// routing: (method, path) -> route
#include "fastapi/routing/path_template.hpp"
#include "fastapi/routing/radix_tree.hpp"
#include "fastapi/routing/router.hpp"

// params: where each handler argument comes from (path, query, header, cookie, body, form), converted and checked
#include "fastapi/params/markers.hpp"
#include "fastapi/params/convert.hpp"
#include "fastapi/params/form_data.hpp"
#include "fastapi/params/bind_context.hpp"
#include "fastapi/params/body.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/file.hpp"

// di: dependencies (Depends, Yield teardown, background tasks), solved per request
#include "fastapi/di/yield.hpp"
#include "fastapi/di/background.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/di/dependency_call.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/class_depends.hpp"
#include "fastapi/di/state.hpp"
#include "fastapi/di/settings.hpp"
#include "fastapi/di/request_state.hpp"

// security: authentication schemes, as parameters any handler or dependency may take
#include "fastapi/security/utils.hpp"
#include "fastapi/security/http.hpp"
#include "fastapi/security/api_key.hpp"
#include "fastapi/security/oauth2.hpp"

// openapi: what a handler's types say of its operation, the route records, the document built from them,
// and the docs pages
#include "fastapi/openapi/operation.hpp"
#include "fastapi/openapi/route.hpp"
#include "fastapi/openapi/spec.hpp"
#include "fastapi/openapi/docs.hpp"

// middleware: what wraps every route (the chain, and the built-in middleware)
#include "fastapi/middleware/chain.hpp"
#include "fastapi/middleware/proxy_headers.hpp"
#include "fastapi/middleware/https_redirect.hpp"
#include "fastapi/middleware/trusted_host.hpp"
#include "fastapi/middleware/cors.hpp"
#include "fastapi/middleware/gzip.hpp"
#include "fastapi/middleware/logging.hpp"

// app: handlers, routers, the App
#include "fastapi/app/exceptions.hpp"
#include "fastapi/app/exception_handlers.hpp"
#include "fastapi/app/endpoint.hpp"
#include "fastapi/app/websocket.hpp"
#include "fastapi/app/websocket_endpoint.hpp"
#include "fastapi/app/websocket_hub.hpp"
#include "fastapi/app/router.hpp"
#include "fastapi/app/docs_routes.hpp"
#include "fastapi/app/lifespan.hpp"
#include "fastapi/app/mount.hpp"
#include "fastapi/app/options.hpp"
#include "fastapi/app/cli.hpp"
#include "fastapi/app/serve.hpp"
#include "fastapi/app/app.hpp"

// client: calling other HTTP services from handlers without blocking the loop (fa::HttpClient)
#include "fastapi/client/options.hpp"
#include "fastapi/client/pool.hpp"
#include "fastapi/client/response.hpp"
#include "fastapi/client/url.hpp"
#include "fastapi/client/tls.hpp"
#include "fastapi/client/stream.hpp"
#include "fastapi/client/exchange.hpp"
#include "fastapi/client/client.hpp"

// testing: the test client users write their tests with
#include "fastapi/testing/cookie_jar.hpp"
#include "fastapi/testing/websocket_session.hpp"
#include "fastapi/testing/test_client.hpp"

// the end: the internal macros (FASTAPI_DETAIL_*) are undone, so none leaks into the code that includes this
#include "fastapi/core/macro_unscope.hpp"
