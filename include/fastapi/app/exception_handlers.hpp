// app/exception_handlers.hpp: fa::App's exception_handler methods, by exception type and by status code (FastAPI's
// `@app.exception_handler(E)` and `@app.exception_handler(404)`), as a base class of App, as detail::RouteVerbs
// gives it the verbs. The handlers, and how an exception finds its handler, are app/exceptions.hpp's. Fed by the
// user's registrations; feeds App's exception layers (App::handle_exceptions, App::handle). Knows nothing of routes.
#pragma once

#include <type_traits>
#include <utility>

#include "fastapi/app/exceptions.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/write.hpp"

namespace fastapi::detail {

/// The exception_handler overloads of `Derived` (fa::App), which befriends this class: they register into its
/// ExceptionHandlers, its recorded configuration errors and its OpenAPI state.
template <class Derived>
class ExceptionHandlerVerbs {
 public:
  /// Answers exceptions of type E (or derived from it) escaping a route, a dependency or a middleware:
  ///     app.exception_handler<UnicornError>([](fa::Request& req, const UnicornError& e) {
  ///       return fa::JSONResponse(fa::Json{{"message", "Oops! " + e.name + " did something."}}, 418);
  ///     });
  /// `handler(fa::Request&, const E&)` returns fa::Response or fa::Task<fa::Response>. The handler of the
  /// most derived registered type wins; HTTPException's and RequestValidationError's defaults may be
  /// replaced (fa::http_exception_response / fa::request_validation_error_response are the defaults, to
  /// fall back on). Register before run().
  template <class E, class F>
  Derived& exception_handler(F&& handler) {
    self().exception_handlers_.template add<E>(std::forward<F>(handler));
    return self();
  }
  /// Answers an HTTPException of status `status_code` (the router's own 404 and 405 included) before any type
  /// handler, as Starlette's `exception_handlers={404: fn}`; for 500, whatever no type handler answers, logged
  /// still (Starlette's ServerErrorMiddleware; an HTTPException(500) goes to the HTTPException handler):
  ///     app.exception_handler(404, [](fa::Request& req, const fa::HTTPException&) {
  ///       return fa::HTMLResponse("<h1>Nothing at " + std::string(req.path) + "</h1>", 404);
  ///     });
  /// `handler(fa::Request&, const fa::HTTPException&)`, or `const std::exception&` for the exception itself.
  template <class F>
  Derived& exception_handler(int status_code, F&& handler) {
    try {
      self().exception_handlers_.add_status(status_code, std::forward<F>(handler));
    } catch (const ConfigurationError& e) {
      self().record_configuration_error({}, e.what());
    }
    return self();
  }
  /// As above, and declares the body the handler answers with: for fa::RequestValidationError, `model`'s schema
  /// replaces HTTPValidationError in every 422 of the OpenAPI document:
  /// `app.exception_handler<fa::RequestValidationError>(problem_handler, fa::response_model<Problem>);`
  template <class E, class F>
  Derived& exception_handler(F&& handler, ResponseModelInfo model) {
    static_assert(std::is_same_v<E, RequestValidationError>,
                  "fastapi: only the fa::RequestValidationError handler declares a body schema (it documents the 422s)"
                  " (docs/compile_errors.md#app)");
    self().openapi_.validation_error_model = model;
    return exception_handler<E>(std::forward<F>(handler));
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace fastapi::detail
