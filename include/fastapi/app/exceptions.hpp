// app/exceptions.hpp: exceptions -> responses, and nowhere else. The exception handlers of an app (FastAPI's
// `@app.exception_handler(E)`): the defaults for HTTPException and RequestValidationError, the user's for any
// type, the most derived type first; and the last resort, 500 {"detail":"Internal Server Error"}, logged.
// Two stations of App's stack use it (app/app.hpp, App::handle): the exception layer, just outside the router
// (ExceptionHandlers::answer), and the server-errors layer, outermost (answer_server_error). Like Starlette's
// middleware/exceptions.py and errors.py, but not middleware: a user cannot add or reorder them.
// Fed by what escapes the router, an endpoint or a middleware; feeds the connection. Knows nothing of routes.
#pragma once

#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/status.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/write.hpp"

// After core/config.hpp, which defines FASTAPI_DETAIL_DEFINE_FUNCTIONS: above it, this header alone saw 0.
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS && __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define FASTAPI_DETAIL_HAS_CXXABI 1
#else
#define FASTAPI_DETAIL_HAS_CXXABI 0
#endif

namespace fastapi {

namespace detail {
/// A type's name as C++ spells it (`std::runtime_error`, `shop::OutOfStock`), demangled where the ABI allows.
FASTAPI_DETAIL_INLINE std::string type_name(const std::type_info& type);
/// Inside a `catch (...)`: the caught object's type name, or "unknown exception type" where the ABI hides it.
FASTAPI_DETAIL_INLINE std::string current_exception_type_name();
}  // namespace detail

/// FastAPI's answer to an HTTPException: `{"detail": ...}` with its status and headers. Public, so a
/// custom handler can fall back to it, as FastAPI's `fastapi.exception_handlers.http_exception_handler`.
FASTAPI_DETAIL_INLINE Response http_exception_response(const HTTPException& e);

/// FastAPI's answer to a RequestValidationError: 422 `{"detail": [...]}`.
FASTAPI_DETAIL_INLINE Response request_validation_error_response(const RequestValidationError& e);

/// The last resort for an exception nothing handled: logged with `where` (the route) and its message;
/// the client gets 500 `{"detail":"Internal Server Error"}` and nothing of the message.
/// The line names the type as C++ spells it: `exception in GET /boom: std::runtime_error: boom`; a thrown
/// non-exception (`throw 42;`) by its type alone: `exception in GET /odd: int`.
FASTAPI_DETAIL_INLINE Response internal_error_response(std::exception_ptr error, std::string_view where);

// Defined here, out of the way of the files that only call them: with separate compilation they (and the
// standard library they use) are compiled once.
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string detail::type_name(const std::type_info& type) {
#if FASTAPI_DETAIL_HAS_CXXABI
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status == 0 && name) return name.get();
#endif
  return type.name();
}

FASTAPI_DETAIL_INLINE std::string detail::current_exception_type_name() {
#if FASTAPI_DETAIL_HAS_CXXABI
  if (const std::type_info* type = abi::__cxa_current_exception_type()) return type_name(*type);
#endif
  return "unknown exception type";
}

FASTAPI_DETAIL_INLINE Response http_exception_response(const HTTPException& e) {
  std::string body = "{\"detail\":";
  if (e.detail_is_json) {
    body += e.detail;
  } else {
    detail::write_json_string(body, e.detail.empty() ? status_phrase(e.status_code) : std::string_view(e.detail));
  }
  body += '}';
  Response res = RawJSONResponse(std::move(body), e.status_code);
  if (status_forbids_body(e.status_code)) res.body.clear();
  for (const auto& [name, value] : e.headers) res.headers.add(name, value);
  return res;
}

FASTAPI_DETAIL_INLINE Response request_validation_error_response(const RequestValidationError& e) {
  return RawJSONResponse(e.body().dump(), 422);
}

FASTAPI_DETAIL_INLINE Response internal_error_response(std::exception_ptr error, std::string_view where) {
  std::string place = where.empty() ? std::string("a request") : std::string(where);
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log(LogLevel::error, "exception in " + place + ": " + detail::type_name(typeid(e)) + ": " + e.what());
  } catch (...) {
    log(LogLevel::error, "exception in " + place + ": " + detail::current_exception_type_name());
  }
  return RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
#undef FASTAPI_DETAIL_HAS_CXXABI

namespace detail {

/// What escaped an endpoint that runs inside a RequestScope (a dependency with teardown, a background task):
/// the error, and the scope's teardown, which must run after the response is sent (FastAPI's order: the
/// exception is answered, the answer sent, then the `yield` dependencies finish). The endpoint throws it after
/// its function-scope teardown; ExceptionHandlers::answer answers it and hangs `after_send` on the answer.
struct ScopedError {
  std::exception_ptr error;                ///< what the handler, a dependency or validation threw
  std::function<Task<void>()> after_send;  ///< the request-scope teardown, then the background tasks
  bool pending = false;                    ///< after_send has work to do (else only a streamed answer needs it)
};

/// The exception handlers of one app: `handle(req, error)` answers with the handler of the most derived
/// registered type that `error` is (a handler for `std::exception` catches what nothing more precise does),
/// or rethrows `error` when no handler fits. Handlers may also be keyed by a status code (Starlette's
/// `exception_handlers={404: fn}`), looked up as Starlette 0.26's ExceptionMiddleware and ServerErrorMiddleware
/// do: an HTTPException goes to the handler of its status code first, then to the type handlers; the 500 handler
/// is not among them (an HTTPException(500) goes to the HTTPException handler): it answers what no type handler
/// fits, the last resort's place. Filled before the app serves; read-only while it does.
class ExceptionHandlers {
 public:
  /// FastAPI's defaults for HTTPException and RequestValidationError.
  ExceptionHandlers();

  /// Registers (or replaces) the handler for exceptions of type E (and types derived from it):
  /// `handler(fa::Request&, const E&)` returns fa::Response or fa::Task<fa::Response>.
  template <class E, class F>
  void add(F&& handler, bool builtin = false);

  /// Registers (or replaces) the handler for status code `status_code`: `handler(fa::Request&, const
  /// fa::HTTPException&)`, or `handler(fa::Request&, const std::exception&)` to be given the exception itself
  /// (for 500: what no handler fitted; a thrown non-exception, or an HTTPException handler for 500, gets
  /// HTTPException(500, "Internal Server Error")). Returns fa::Response or fa::Task<fa::Response>.
  template <class F>
  void add_status(int status_code, F&& handler);

  /// The response of the best handler for `error`; rethrows `error` when none fits.
  Task<Response> handle(Request& req, std::exception_ptr error) const;

  /// The exception layer (inside the user's middleware, around the router and the endpoint): the answer of
  /// the best handler for `error`. A ScopedError (from a route `route` with teardown) is answered here, or
  /// with a logged 500 when no handler fits, and carries its teardown; any other error no handler fits is
  /// rethrown, out through the user's middleware to the server-errors layer.
  Task<Response> answer(Request& req, std::exception_ptr error, std::string_view route) const;
  /// The router's own refusal (404, 405 + Allow), answered without a throw: through the user's HTTPException
  /// handler when there is one, else FastAPI's `{"detail": ...}`.
  Task<Response> answer_http_exception(Request& req, HTTPException error) const;
  /// The server-errors layer (outermost, around the user's middleware): the handlers once more for what
  /// escaped everything below, else 500 {"detail":"Internal Server Error"}, logged naming the loop's route.
  Task<Response> answer_server_error(Request& req, std::exception_ptr error) const;

  /// True when the user replaced the HTTPException handler (then the router's own 404/405 go through it).
  bool custom_http_exception() const noexcept { return custom_http_; }

 private:
  struct Entry {
    virtual ~Entry() = default;
    /// Throws a null `E*`: `catch (X*)` catches it exactly when E is X or derives from it.
    virtual void throw_pointer() const = 0;
    /// The handler's response task when `error` is an E, else nothing.
    virtual std::optional<Task<Response>> try_handle(Request& req, const std::exception_ptr& error) const = 0;
    virtual const std::type_info& type() const = 0;
    /// True when this entry's type is a public base of `other`'s (or the same): other's null pointer is
    /// caught as a pointer to ours.
    virtual bool catches_pointer(const Entry& other) const = 0;
  };
  template <class E, class F>
  struct EntryOf;
  /// A handler keyed by a status code. `e` is the exception (null: not a std::exception), kept alive by `keep`.
  struct StatusEntry {
    virtual ~StatusEntry() = default;
    virtual Task<Response> call(Request& req, std::exception_ptr keep, const std::exception* e) const = 0;
  };
  template <class F>
  struct StatusEntryOf;
  /// The handler for `status_code`, or null.
  const StatusEntry* status_handler(int status_code) const noexcept {
    for (const auto& [code, entry] : status_)
      if (code == status_code) return entry.get();
    return nullptr;
  }
  /// The handler keyed by `e`'s status code, or null; never the 500 handler (Starlette: an HTTPException(500)
  /// goes to the HTTPException handler; the 500 handler answers what nothing else did).
  const StatusEntry* status_handler_for(const HTTPException& e) const noexcept {
    return e.status_code == 500 ? nullptr : status_handler(e.status_code);
  }
  /// The server-errors answer to `error`, which no type handler fitted: logged naming `where`, then the 500
  /// handler's answer when there is one (a 500 handler that throws is logged too), else the default 500.
  Task<Response> server_error(Request& req, std::exception_ptr error, std::string_view where) const;

  std::vector<std::unique_ptr<Entry>> entries_;  // a derived type before its bases
  std::vector<std::pair<int, std::unique_ptr<StatusEntry>>> status_;
  bool custom_http_ = false;
};

template <class F>
struct ExceptionHandlers::StatusEntryOf final : StatusEntry {
  /// A handler taking `const std::exception&` is given every exception; one taking `const HTTPException&`
  /// the HTTPException (or, for 500, HTTPException(500) in place of what was thrown).
  static constexpr bool generic = std::is_invocable_v<const F&, Request&, const std::exception&>;
  using Arg = std::conditional_t<generic, std::exception, HTTPException>;
  using R = std::invoke_result_t<const F&, Request&, const Arg&>;
  explicit StatusEntryOf(F f) : f_(std::move(f)) {}
  Task<Response> call(Request& req, [[maybe_unused]] std::exception_ptr keep, const std::exception* e) const override {
    const Arg* arg = nullptr;
    if constexpr (generic) {
      arg = e;
    } else {
      arg = dynamic_cast<const HTTPException*>(e);
    }
    HTTPException internal(500, "Internal Server Error");  // in place of what was thrown
    if (!arg) arg = &internal;
    if constexpr (std::is_same_v<R, Task<Response>>) {
      co_return co_await f_(req, *arg);
    } else {
      co_return f_(req, *arg);
    }
  }
  F f_;
};

template <class F>
void ExceptionHandlers::add_status(int status_code, F&& handler) {
  using H = std::decay_t<F>;
  static_assert(std::is_invocable_v<const H&, Request&, const HTTPException&>,
                "fastapi: a status-code exception handler is called as handler(fa::Request& req, const "
                "fa::HTTPException& error), or with const std::exception& to be given any exception"
                " (docs/compile_errors.md#app-exception-handler-wrong-signature)");
  using R = typename StatusEntryOf<H>::R;
  static_assert(std::is_same_v<R, Response> || std::is_same_v<R, Task<Response>>,
                "fastapi: an exception handler returns fa::Response or fa::Task<fa::Response>"
                " (docs/compile_errors.md#app)");
  if (status_code < 100 || status_code > 599)
    throw ConfigurationError("fastapi: exception_handler(" + std::to_string(status_code) +
                             "): a status code is between 100 and 599");
  std::unique_ptr<StatusEntry> entry(new StatusEntryOf<H>(std::forward<F>(handler)));  // one unique_ptr type for all
  for (auto& [code, e] : status_)
    if (code == status_code) {
      e = std::move(entry);
      return;
    }
  status_.emplace_back(status_code, std::move(entry));
}

template <class E, class F>
struct ExceptionHandlers::EntryOf final : Entry {
  using R = std::invoke_result_t<const F&, Request&, const E&>;
  explicit EntryOf(F f) : f_(std::move(f)) {}
  void throw_pointer() const override { throw static_cast<E*>(nullptr); }
  const std::type_info& type() const override { return typeid(E); }
  bool catches_pointer(const Entry& other) const override {
    try {
      other.throw_pointer();
    } catch (const E*) {
      return true;
    } catch (...) {
    }
    return false;
  }
  std::optional<Task<Response>> try_handle(Request& req, const std::exception_ptr& error) const override {
    const E* caught = nullptr;
    try {
      std::rethrow_exception(error);
    } catch (const E& e) {
      caught = &e;  // the object lives as long as `error` does
    } catch (...) {
      return std::nullopt;
    }
    return call(f_, req, error, *caught);
  }
  /// `keep` holds the exception object alive while the handler runs.
  static Task<Response> call(const F& f, Request& req, std::exception_ptr keep, const E& e) {
    if constexpr (std::is_same_v<R, Task<Response>>) {
      co_return co_await f(req, e);
    } else {
      co_return f(req, e);
    }
    (void)keep;
  }
  F f_;
};

template <class E, class F>
void ExceptionHandlers::add(F&& handler, bool builtin) {
  using H = std::decay_t<F>;
  static_assert(std::is_class_v<E> && !std::is_const_v<E>,
                "fastapi: exception_handler<E>: E is the exception class to catch (std::exception, fa::HTTPException, "
                "your own), without const or reference (docs/compile_errors.md#app)");
  static_assert(std::is_invocable_v<const H&, Request&, const E&>,
                "fastapi: an exception handler is called as handler(fa::Request& req, const E& error)"
                " (docs/compile_errors.md#app-exception-handler-wrong-signature)");
  using R = std::invoke_result_t<const H&, Request&, const E&>;
  static_assert(std::is_same_v<R, Response> || std::is_same_v<R, Task<Response>>,
                "fastapi: an exception handler returns fa::Response or fa::Task<fa::Response>"
                " (docs/compile_errors.md#app)");
  std::unique_ptr<Entry> entry(new EntryOf<E, H>(std::forward<F>(handler)));  // one unique_ptr type for all
  if (!builtin && std::is_same_v<E, HTTPException>) custom_http_ = true;
  for (auto& e : entries_)
    if (e->type() == typeid(E)) {
      e = std::move(entry);
      return;
    }
  // Before the first registered type that E derives from, so that a derived type is tried first.
  auto at = entries_.begin();
  while (at != entries_.end() && !(*at)->catches_pointer(*entry)) ++at;
  entries_.insert(at, std::move(entry));
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
// Out of the class: the two default handlers' coroutines are compiled once with separate compilation.
FASTAPI_DETAIL_INLINE ExceptionHandlers::ExceptionHandlers() {
  add<HTTPException>([](Request&, const HTTPException& e) { return http_exception_response(e); }, true);
  add<RequestValidationError>(
      [](Request&, const RequestValidationError& e) { return request_validation_error_response(e); }, true);
}

FASTAPI_DETAIL_INLINE Task<Response> ExceptionHandlers::handle(Request& req, std::exception_ptr error) const {
  if (!status_.empty()) {  // Starlette: an HTTPException's status handler before any type handler
    const HTTPException* http = nullptr;
    try {
      std::rethrow_exception(error);
    } catch (const HTTPException& e) {
      http = &e;  // lives as long as `error` does
    } catch (...) {
    }
    const StatusEntry* by_status = http ? status_handler_for(*http) : nullptr;
    if (by_status) co_return co_await by_status->call(req, error, http);
  }
  for (const auto& entry : entries_) {
    if (std::optional<Task<Response>> answer = entry->try_handle(req, error)) co_return co_await std::move(*answer);
  }
  std::rethrow_exception(error);
}

FASTAPI_DETAIL_INLINE Task<Response> ExceptionHandlers::answer(Request& req, std::exception_ptr error,
                                                               std::string_view route) const {
  ScopedError* scoped = nullptr;
  try {
    std::rethrow_exception(error);
  } catch (ScopedError& e) {
    scoped = &e;  // lives as long as `error` does
  } catch (...) {
  }
  if (!scoped) co_return co_await handle(req, std::move(error));  // none fits: rethrown
  Response res;
  std::exception_ptr unhandled;
  try {
    res = co_await handle(req, scoped->error);
  } catch (...) {
    unhandled = std::current_exception();  // no handler fits, or the handler itself threw
  }
  if (unhandled) res = co_await server_error(req, std::move(unhandled), route);
  // A streamed body may still read the dependencies' values: the scope lives until it has been sent.
  if (scoped->pending || res.stream) res.after_send = std::move(scoped->after_send);
  co_return res;
}

FASTAPI_DETAIL_INLINE Task<Response> ExceptionHandlers::answer_http_exception(Request& req, HTTPException error) const {
  if (const StatusEntry* by_status = status_handler_for(error))
    co_return co_await by_status->call(req, nullptr, &error);
  if (custom_http_) co_return co_await handle(req, std::make_exception_ptr(std::move(error)));
  co_return http_exception_response(error);
}

FASTAPI_DETAIL_INLINE Task<Response> ExceptionHandlers::answer_server_error(Request& req,
                                                                            std::exception_ptr error) const {
  try {
    co_return co_await handle(req, error);
  } catch (...) {
    error = std::current_exception();
  }
  co_return co_await server_error(req, std::move(error), this_loop().route);
}

FASTAPI_DETAIL_INLINE Task<Response> ExceptionHandlers::server_error(Request& req, std::exception_ptr error,
                                                                     std::string_view where) const {
  Response res = internal_error_response(error, where);  // logged whether or not a 500 handler answers
  const StatusEntry* on_500 = status_handler(500);
  if (!on_500) co_return res;
  const std::exception* e = nullptr;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& caught) {
    e = &caught;  // lives as long as `error` does
  } catch (...) {
  }
  std::exception_ptr failed;
  try {
    co_return co_await on_500->call(req, error, e);
  } catch (...) {
    failed = std::current_exception();
  }
  co_return internal_error_response(failed, "the 500 exception handler");
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
