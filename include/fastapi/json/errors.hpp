// json/errors.hpp: validation errors in Pydantic v2's shape, collected (never just the first) and rendered
// as FastAPI's 422 body. Fed by json/read.hpp (bodies) and params/ (path, query, header, cookie, form);
// rendered by the app. Knows nothing of sockets or routes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// One validation error, as Pydantic v2 reports it and FastAPI sends it (without Pydantic's "url").
/// `{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}`
struct ValidationErrorItem {
  std::string type;  ///< "missing", "int_parsing", "string_too_short", ...
  Json loc;          ///< array of strings and integers: ["body", "items", 2, "price"]
  std::string msg;   ///< Pydantic v2's exact words: "Field required"
  Json input;        ///< the offending input (for a missing body field: the object that lacks it)
  Json ctx;          ///< null when the error has none: {"min_length": 3}

  /// The error as FastAPI writes it: keys in the order type, loc, msg, input, ctx (ctx only when set).
  Json to_json() const;
};

/// Thrown (or collected into) when a request does not validate; the app answers
/// 422 `{"detail": [errors...]}`. Handlers never run when it is raised by binding.
class RequestValidationError : public std::exception {
 public:
  RequestValidationError() = default;
  explicit RequestValidationError(std::vector<ValidationErrorItem> errors) : errors_(std::move(errors)) {}
  const char* what() const noexcept override { return "request validation failed"; }

  const std::vector<ValidationErrorItem>& errors() const { return errors_; }
  bool empty() const { return errors_.empty(); }
  void add(ValidationErrorItem item) { errors_.push_back(std::move(item)); }
  /// Appends every error of `other` (sources are collected in FastAPI's order: path, query, header,
  /// cookie, body).
  void merge(RequestValidationError&& other);
  /// `{"detail":[...]}`, the body of the 422 response.
  Json body() const;

 private:
  std::vector<ValidationErrorItem> errors_;
};

namespace detail {

/// One step of a location while reading: an object key or a list index.
using LocStep = std::variant<std::string_view, std::size_t>;

/// The current location while reading nested input: pushed and popped as the reader descends, turned
/// into a Json array only when an error is recorded (so valid input costs no allocation for it).
class LocPath {
 public:
  void push(std::string_view key) { steps_.emplace_back(key); }
  void push(std::size_t index) { steps_.emplace_back(index); }
  void pop() { steps_.pop_back(); }
  std::size_t depth() const { return steps_.size(); }
  /// ["body", "items", 2, "price"]
  Json to_json() const;

 private:
  std::vector<LocStep> steps_;
};

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json ValidationErrorItem::to_json() const {
  Json j = Json::object({});
  j["type"] = type;
  j["loc"] = loc;
  j["msg"] = msg;
  j["input"] = input;
  if (!ctx.is_null()) j["ctx"] = ctx;
  return j;
}

FASTAPI_DETAIL_INLINE void RequestValidationError::merge(RequestValidationError&& other) {
  for (auto& e : other.errors_) errors_.push_back(std::move(e));
  other.errors_.clear();
}

FASTAPI_DETAIL_INLINE Json RequestValidationError::body() const {
  Json list = Json::array({});
  for (const auto& e : errors_) list.push_back(e.to_json());
  Json j = Json::object({});
  j["detail"] = std::move(list);
  return j;
}

FASTAPI_DETAIL_INLINE Json detail::LocPath::to_json() const {
  Json loc = Json::array({});
  for (const auto& step : steps_) {
    if (const auto* key = std::get_if<std::string_view>(&step)) {
      loc.push_back(std::string(*key));
    } else {
      loc.push_back(static_cast<std::uint64_t>(std::get<std::size_t>(step)));
    }
  }
  return loc;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
