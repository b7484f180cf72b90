// params/bind_context.hpp: one request's binding state (BindContext: the request, the errors so far, the body parsed once, the form fields) and the helpers every binder shares: the body's media type, 422 error entries, text -> value with its Rule. Fed by app/endpoint and di/ (which make one per request); feeds params/body and params/binding. Knows nothing of handlers or routes.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/url.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/params/convert.hpp"
#include "fastapi/params/form_data.hpp"
#include "fastapi/params/markers.hpp"

namespace fastapi {
class WebSocket;  // app/websocket.hpp: what a WebSocket route's handler and its dependencies may take

namespace detail {

class RequestScope;  // di/scope.hpp: the per-request dependency cache, exit stack and background tasks
class StateStore;    // di/state.hpp: the app's fa::State<T> objects

/// One parameter's slot among a call's bound arguments: its value once bound, else empty (the binding failed,
/// or has not run). What std::optional<P> was, cut to what a slot needs: std::optional's layers compile to ~15
/// functions for each parameter type at -O0 (every route's every marker type, in every file that registers it);
/// this is 4. Made empty in place, filled at most once by its Binder, destroyed with the call's arguments.
template <class T>
class ParamSlot {
 public:
  using value_type = T;
  ParamSlot() noexcept {}
  ParamSlot(ParamSlot&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {  // bind_one's return
    if (other.engaged_) emplace(std::move(other.value_));
  }
  ParamSlot(const ParamSlot&) = delete;
  ParamSlot& operator=(const ParamSlot&) = delete;
  ~ParamSlot() {
    if (engaged_) value_.~T();
  }
  template <class... A>
  T& emplace(A&&... args) {
    if (engaged_) {
      engaged_ = false;
      value_.~T();
    }
    ::new (static_cast<void*>(std::addressof(value_))) T(std::forward<A>(args)...);
    engaged_ = true;
    return value_;
  }
  explicit operator bool() const noexcept { return engaged_; }
  T& operator*() noexcept { return value_; }
  const T& operator*() const noexcept { return value_; }

 private:
  union {
    T value_;
  };
  bool engaged_ = false;
};
template <class T>
inline constexpr bool is_param_slot = false;
template <class T>
inline constexpr bool is_param_slot<ParamSlot<T>> = true;

/// One request's binding: the request, the sub-response for Response& parameters, the errors so far,
/// and the body read once however many parameters ask for it.
class BindContext {
 public:
  BindContext(Request& req, Response& sub) : request(req), response(sub) {}

  Request& request;
  Response& response;
  RequestValidationError errors;       ///< path, query, header, cookie (and dependencies') errors, in order
  RequestValidationError body_errors;  ///< body and form errors: reported after all the others, as FastAPI
  bool embed_bodies = false;           ///< two or more bodies: each is read from the body under its name
  RequestScope* scope = nullptr;       ///< set when the plan has dependencies (di/): Depends, BackgroundTasks&
  const StateStore* states = nullptr;  ///< the app's fa::State<T> objects (di/state.hpp)
  const MultipartLimits* multipart_limits = nullptr;  ///< the route's (or the app's); nullptr: the defaults
  WebSocket* websocket = nullptr;  ///< a WebSocket route's socket (for fa::WebSocket& parameters); nullptr on HTTP
  /// The OAuth2 scopes of the dependency being bound, as FastAPI keeps them: those its callers asked for along the
  /// chain (`fa::Security<f, "me">` ... each one's own, in order, repeats kept) and its own. Read by
  /// fa::SecurityScopes and by the dependency cache (di/depends.hpp sets them around each dependency).
  std::vector<std::string_view> oauth_parent_scopes;
  std::span<const std::string_view> oauth_own_scopes;

  bool failed() const { return !errors.empty() || !body_errors.empty(); }
  /// Every error in FastAPI's order; a malformed JSON body alone (FastAPI answers it before anything else).
  RequestValidationError take_errors();

  /// The decoded fields of an application/x-www-form-urlencoded body, or the non-file parts of a
  /// multipart/form-data one (none for another content type).
  const QueryParams& form();
  /// Reads a multipart/form-data body (params/form_data.hpp's read_multipart) as it arrives, once. Awaited
  /// before the parameters of a plan with fa::Form or fa::File are bound; a body the parser refuses throws an
  /// HTTPException (400, or 413 over the size limit). Another content type on a streamed route (such a route
  /// streams: Endpoint::streams_body) is read whole into the request's arena, for the readers of req.body.
  Task<void> load_form();
  /// The file parts of a multipart body, in order (empty otherwise); binders move the UploadFiles out.
  std::vector<std::pair<std::string, UploadFile>>& form_files();
  /// The JSON body parsed once (for embedded bodies); nullptr when absent, not JSON, or malformed
  /// (json_invalid is then recorded once).
  const Json* json_body();
  /// True once json_body() found the body malformed.
  bool json_body_invalid() const { return json_state_ == BodyState::invalid; }

 private:
  std::optional<QueryParams> form_;
  std::optional<FormData> form_data_;  // a multipart body's parts
  void use_form_data();                // form_ <- views of form_data_'s fields
  std::vector<std::pair<std::string, UploadFile>> no_files_;
  std::optional<Arena> own_arena_;  // when the request has no arena (a Request built by hand)
  Json json_;
  enum class BodyState : unsigned char { unread, absent, invalid, parsed } json_state_ = BodyState::unread;
};

/// The media type of the request, lower-cased words compared: "application/json; charset=utf-8" -> json.
enum class BodyKind : unsigned char { json, form, other };
FASTAPI_DETAIL_INLINE BodyKind body_kind(const Request& req);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE BodyKind body_kind(const Request& req) {
  auto ct = req.headers.get("content-type");
  if (!ct) return BodyKind::json;  // FastAPI reads a body without Content-Type as JSON
  std::string_view t = trim(ct->substr(0, ct->find(';')));
  if (iequals(t, "application/x-www-form-urlencoded")) return BodyKind::form;
  if (t.size() >= 12 && iequals(t.substr(0, 12), "application/")) {
    std::string_view sub = t.substr(12);
    if (iequals(sub, "json") || (sub.size() >= 5 && iequals(sub.substr(sub.size() - 5), "+json")))
      return BodyKind::json;
  }
  return BodyKind::other;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- errors -------------------------------------------------------------------------------------

/// ["query", "q"] / ["query", "tag", 2] / ["body"]
FASTAPI_DETAIL_INLINE Json param_loc(Source source, std::string_view name,
                                     std::size_t index = static_cast<std::size_t>(-1));
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json param_loc(Source source, std::string_view name, std::size_t index) {
  Json loc = Json::array({source_name(source)});
  if (!name.empty()) loc.push_back(name);
  if (index != static_cast<std::size_t>(-1)) loc.push_back(static_cast<std::uint64_t>(index));
  return loc;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// {"type":"missing","loc":loc,"msg":"Field required","input":null}
FASTAPI_DETAIL_INLINE void add_missing(RequestValidationError& errors, Json loc);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void add_missing(RequestValidationError& errors, Json loc) {
  errors.add({"missing", std::move(loc), "Field required", nullptr, nullptr});
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

FASTAPI_DETAIL_INLINE void add_conversion_error(RequestValidationError& errors, ConversionError& e, Json loc,
                                                std::string_view input);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void add_conversion_error(RequestValidationError& errors, ConversionError& e, Json loc,
                                                std::string_view input) {
  errors.add({std::string(e.type), std::move(loc), std::move(e.msg), Json(input), std::move(e.ctx)});
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

FASTAPI_DETAIL_INLINE void add_rule_violation(RequestValidationError& errors, const RuleViolation& v, Json loc,
                                              Json input);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void add_rule_violation(RequestValidationError& errors, const RuleViolation& v, Json loc,
                                              Json input) {
  Json ctx = Json::object({});
  for (const RuleContext& c : v.context()) ctx[c.key] = c.is_text ? Json(c.text) : ctx_number(c.number);
  errors.add({std::string(v.type), std::move(loc), v.msg, std::move(input), std::move(ctx)});
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- converting text ---------------------------------------------------------------------------

/// Converts one text to V and checks Rule R; records errors at `loc` and returns false when it fails.
template <class V, Rule R>
bool convert_checked(std::string_view text, V& out, RequestValidationError& errors, Source source,
                     std::string_view name, std::size_t index = static_cast<std::size_t>(-1)) {
  ConversionError e;
  std::optional<V> v = from_string<V>(text, e);
  if (!v) {
    add_conversion_error(errors, e, param_loc(source, name, index), text);
    return false;
  }
  if (auto broken = check_value<R>(*v)) {
    add_rule_violation(errors, *broken, param_loc(source, name, index), Json(text));
    return false;
  }
  out = std::move(*v);
  return true;
}

// ---- BindContext bodies ---------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE RequestValidationError BindContext::take_errors() {
  for (const auto& e : body_errors.errors())
    if (e.type == "json_invalid") return RequestValidationError({e});
  RequestValidationError out = std::move(errors);
  out.merge(std::move(body_errors));
  return out;
}

FASTAPI_DETAIL_INLINE Task<void> BindContext::load_form() {
  if (form_) co_return;
  if (!is_multipart(request)) {
    if (request.body_streamed && request.body.empty()) {
      // The connection checks the route's limit as the bytes arrive; next() throws its 413/400/408.
      std::string whole;
      RequestStream& stream = request.stream();
      while (std::optional<std::string_view> chunk = co_await stream.next()) whole.append(*chunk);
      Arena* arena = request.arena ? request.arena : &own_arena_.emplace();
      request.body = arena->copy(whole);
    }
    co_return;
  }
  const MultipartLimits limits = multipart_limits ? *multipart_limits : MultipartLimits{};
  form_data_.emplace(limits.spool_max_size);
  co_await read_multipart(request, limits, *form_data_);
  use_form_data();
}

FASTAPI_DETAIL_INLINE void BindContext::use_form_data() {
  form_.emplace();
  for (const auto& [name, value] : form_data_->fields) form_->add(name, value);
}

FASTAPI_DETAIL_INLINE std::vector<std::pair<std::string, UploadFile>>& BindContext::form_files() {
  if (!form_) (void)form();
  return form_data_ ? form_data_->files : no_files_;
}

FASTAPI_DETAIL_INLINE const QueryParams& BindContext::form() {
  if (!form_ && is_multipart(request)) {  // not loaded by load_form(): read the buffered body now
    const MultipartLimits limits = multipart_limits ? *multipart_limits : MultipartLimits{};
    form_data_.emplace(limits.spool_max_size);
    read_multipart_now(request, limits, *form_data_);
    use_form_data();
  }
  if (!form_) {
    form_.emplace();
    if (!request.body.empty() && body_kind(request) == BodyKind::form) {
      Arena* arena = request.arena;
      if (!arena) arena = &own_arena_.emplace();
      parse_query(request.body, *form_, *arena);  // a bad %-escape ends the fields read so far
    }
  }
  return *form_;
}

FASTAPI_DETAIL_INLINE const Json* BindContext::json_body() {
  if (json_state_ == BodyState::unread) {
    json_state_ = BodyState::absent;
    if (!trim(request.body).empty() && body_kind(request) == BodyKind::json) {
      LocPath loc;
      loc.push("body");
      if (auto parsed = read_json<Json>(request.body, body_errors, loc)) {
        json_ = std::move(*parsed);
        json_state_ = BodyState::parsed;
      } else {
        json_state_ = BodyState::invalid;
      }
    }
  }
  return json_state_ == BodyState::parsed ? &json_ : nullptr;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi