// json/read_fast.hpp: read_json's fast path: JSON text read with simdjson On-Demand straight into the struct, types, ranges and Rules checked on the way, no tree; it gives up at the first thing that is off, and json/read then runs the DOM reader that collects every error. Fed by json/read_scalars; feeds json/read. Knows nothing of error shapes, HTTP or routes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "fastapi/core/config.hpp"  // first: it pins simdjson's configuration
#include <simdjson.h>

#include "fastapi/json/errors.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/read_scalars.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/union.hpp"
#include "fastapi/json/validators.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {
namespace detail {

// How it stays equal to the DOM reader (json/read.hpp):
//  - it accepts only what the DOM reader accepts with no error, and then yields the same value: any
//    doubt (a type error, a Rule, a missing or repeated key, a forbidden extra key, malformed JSON,
//    a number simdjson cannot hold, nesting past fast_max_depth, trailing bytes) returns false, and
//    read_json starts over with the DOM reader, which reports every error in Pydantic's words;
//  - scalars go through the very functions the DOM reader uses (read_integer, read_floating,
//    read_bool: the lax table) and Fields through field_violation, so conversions cannot drift;
//  - everything is consumed: values under unknown keys are walked and checked (fast_skip), since
//    On-Demand would otherwise skip them unvalidated, and nothing may follow the root value;
//  - a repeated key (Python keeps the last value) and a map key seen twice leave to the DOM reader.
// Roots that are scalars (read_json<int>) take the DOM path directly.

/// Deepest nesting the fast path walks; valid documents nested deeper take the DOM path.
inline constexpr std::size_t fast_max_depth = json_max_depth - 4;

/// A scalar read by On-Demand, as the shared scalar readers see a node. Errors they record about it
/// are thrown away (the DOM path records them again, with the real input), hence the empty to_json.
struct FastScalar {
  Json::Kind k = Json::Kind::null;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view s;

  Json::Kind kind() const noexcept { return k; }
  bool boolean() const noexcept { return b; }
  std::int64_t i64() const noexcept { return i; }
  std::uint64_t u64() const noexcept { return u; }
  double f64() const noexcept { return d; }
  std::string_view str() const noexcept { return s; }
  Json to_json() const { return Json(); }
};

/// The walk's state: depth, and a scratch error list for the scalar readers (discarded).
struct FastContext {
  RequestValidationError scratch_errors;
  LocPath scratch_loc;
  ReadContext cx{scratch_errors, scratch_loc};
  std::size_t depth = 0;
};

/// This thread's On-Demand parser and the padded copy of the body it reads (simdjson reads up to
/// SIMDJSON_PADDING bytes past the end; a string_view from the connection's buffer promises none).
/// Both keep the capacity of the largest body seen: no allocation per request once warm.
struct FastParser {
  simdjson::ondemand::parser parser;
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;
};
inline FastParser& fast_parser() {
  thread_local FastParser p;
  return p;
}

inline bool fast_ok(simdjson::error_code e) noexcept { return e == simdjson::SUCCESS; }

/// Byte equality, inline: keys are short, and a call to memcmp costs more than the comparison.
FASTAPI_DETAIL_INLINE bool same_text(std::string_view a, std::string_view b) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool same_text(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The length of a string's text as written (from just after its opening quote), or npos when it
/// holds an escape. Stage 1 has checked that the string is closed, its UTF-8 and its control characters:
/// text without a backslash needs nothing more, and is its own unescaped value.
FASTAPI_DETAIL_INLINE std::size_t plain_string_length(const char* p) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::size_t plain_string_length(const char* p) noexcept {
  for (std::size_t n = 0;; ++n) {
    if (p[n] == '"') return n;
    if (p[n] == '\\') return std::string_view::npos;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// A member's key: read in place when it has no escape, else unescaped by simdjson.
inline bool fast_key(simdjson::ondemand::field& f, std::string_view& key) {
  const char* p = f.key().raw();
  if (const std::size_t n = plain_string_length(p); n != std::string_view::npos) return key = {p, n}, true;
  return fast_ok(f.unescaped_key().get(key));
}

/// A string value: in place in the (padded copy of the) input when it has no escape, else unescaped.
FASTAPI_DETAIL_INLINE bool fast_string(simdjson::ondemand::value& v, std::string_view& s);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool fast_string(simdjson::ondemand::value& v, std::string_view& s) {
  const std::string_view token = v.raw_json_token();
  if (!token.empty() && token[0] == '"') {
    const std::size_t n = plain_string_length(token.data() + 1);
    simdjson::ondemand::raw_json_string raw;
    if (n != std::string_view::npos) return s = {token.data() + 1, n}, fast_ok(v.get_raw_json_string().get(raw));
  }
  return fast_ok(v.get_string().get(s));
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Can On-Demand read this number token right? Not a float token whose mantissa, from its first digit
/// that is not 0, is longer than 19 characters (digits and the point: simdjson counts it): simdjson 3.0.1's
/// get_number() gives 0 for those ("3.14159265358979323846", "9.999999999999999999e18": its slow path
/// writes its result into a copy), and get_double() misreads "0.<20 or more digits>" (its overflow check
/// counts from the wrong place). Integer tokens are read exactly, or refused past 64 bits. The DOM parser
/// reads them all right: such a token leaves to the DOM reader. `p` points at the token; the parser's
/// padding guarantees a byte after it that is no digit.
FASTAPI_DETAIL_INLINE bool short_mantissa(const char* p) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool short_mantissa(const char* p) noexcept {
  const char* q = p + (*p == '-' ? 1 : 0);
  while (*q == '0' || *q == '.') ++q;
  const char* const first = q;
  while ((*q >= '0' && *q <= '9') || *q == '.') ++q;
  if (q - first <= 19) return true;
  for (++p; *p >= '0' && *p <= '9'; ++p) {
  }
  return *p != '.' && *p != 'e' && *p != 'E';  // past 19, only an integer token is read right
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Reads one scalar (number, string, bool, null); false for arrays, objects and malformed atoms.
FASTAPI_DETAIL_INLINE bool fast_scalar(simdjson::ondemand::value& v, FastScalar& n);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool fast_scalar(simdjson::ondemand::value& v, FastScalar& n) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (!fast_ok(v.type().get(t))) return false;
  switch (t) {
    case json_type::number: {
      simdjson::ondemand::number num;
      if (!short_mantissa(v.raw_json_token().data())) return false;  // the DOM reader reads long numbers right
      if (!fast_ok(v.get_number().get(num))) return false;           // integers past 64 bits too: DOM widens them
      switch (num.get_number_type()) {
        case simdjson::ondemand::number_type::signed_integer:
          n.k = Json::Kind::integer, n.i = num.get_int64();
          return true;
        case simdjson::ondemand::number_type::unsigned_integer:
          n.k = Json::Kind::unsigned_integer, n.u = num.get_uint64();
          return true;
        case simdjson::ondemand::number_type::floating_point_number:
          n.k = Json::Kind::floating, n.d = num.get_double();
          return true;
      }
      return false;
    }
    case json_type::string: n.k = Json::Kind::string; return fast_string(v, n.s);
    case json_type::boolean: n.k = Json::Kind::boolean; return fast_ok(v.get_bool().get(n.b));
    case json_type::null: {
      bool is_null = false;
      n.k = Json::Kind::null;
      return fast_ok(v.is_null().get(is_null)) && is_null;
    }
    default: return false;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Walks and validates a value nobody reads (an unknown key's): On-Demand alone would skip it unchecked.
FASTAPI_DETAIL_INLINE bool fast_skip(simdjson::ondemand::value& v, FastContext& fx);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool fast_skip(simdjson::ondemand::value& v, FastContext& fx) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (!fast_ok(v.type().get(t))) return false;
  if (t == json_type::array) {
    simdjson::ondemand::array array;
    if (!fast_ok(v.get_array().get(array)) || ++fx.depth > fast_max_depth) return false;
    for (auto element : array) {
      if (element.error() || !fast_skip(element.value_unsafe(), fx)) return false;
    }
    --fx.depth;
    return true;
  }
  if (t == json_type::object) {
    simdjson::ondemand::object object;
    if (!fast_ok(v.get_object().get(object)) || ++fx.depth > fast_max_depth) return false;
    for (auto member : object) {
      std::string_view key;  // an escaped key is unescaped: that checks its escapes, as the DOM parser does
      if (member.error() || !fast_key(member.value_unsafe(), key) || !fast_skip(member.value_unsafe().value(), fx))
        return false;
    }
    --fx.depth;
    return true;
  }
  FastScalar n;
  return fast_scalar(v, n);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// A fa::Json built from On-Demand, equal to json_from_element's (duplicate keys: first position, last value).
FASTAPI_DETAIL_INLINE bool fast_json(simdjson::ondemand::value& v, Json& out, FastContext& fx);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool fast_json(simdjson::ondemand::value& v, Json& out, FastContext& fx) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (!fast_ok(v.type().get(t))) return false;
  if (t == json_type::array) {
    simdjson::ondemand::array array;
    if (!fast_ok(v.get_array().get(array)) || ++fx.depth > fast_max_depth) return false;
    Json::Array a;
    for (auto element : array) {
      Json item;
      if (element.error() || !fast_json(element.value_unsafe(), item, fx)) return false;
      a.push_back(std::move(item));
    }
    --fx.depth;
    out = Json(std::move(a));
    return true;
  }
  if (t == json_type::object) {
    simdjson::ondemand::object object;
    if (!fast_ok(v.get_object().get(object)) || ++fx.depth > fast_max_depth) return false;
    Json::Object o;
    for (auto member : object) {
      if (member.error()) return false;
      simdjson::ondemand::field& f = member.value_unsafe();
      std::string_view key;
      Json item;
      if (!fast_key(f, key)) return false;
      std::string k(key);  // before the value: reading it may reuse the parser's string buffer
      if (!fast_json(f.value(), item, fx)) return false;
      o.emplace_back(std::move(k), std::move(item));
    }
    remove_duplicate_keys(o);
    --fx.depth;
    out = Json(std::move(o));
    return true;
  }
  FastScalar n;
  if (!fast_scalar(v, n)) return false;
  switch (n.k) {
    case Json::Kind::integer: out = Json(n.i); break;
    case Json::Kind::unsigned_integer: out = Json(n.u); break;
    case Json::Kind::floating: out = Json(n.d); break;
    case Json::Kind::string: out = Json(n.s); break;
    case Json::Kind::boolean: out = Json(n.b); break;
    default: out = Json(); break;
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Are the wire names of T all different? (Then a key found where the last one ended is the one
/// wire_index would find.)
template <class T>
consteval bool unique_wire_names() {
  for (std::size_t i = 0; i < field_count<T>; ++i)
    for (std::size_t j = i + 1; j < field_count<T>; ++j)
      if (wire_names<T>[i] == wire_names<T>[j]) return false;
  return true;
}

/// wire_index<T>, trying first the member after the last one found (keys usually come in order).
template <class T>
std::size_t fast_wire_index(std::string_view key, std::size_t hint) noexcept {
  if constexpr (unique_wire_names<T>()) {
    if (hint < field_count<T> && same_text(wire_names<T>[hint], key)) return hint;
  }
  for (std::size_t i = 0; i < field_count<T>; ++i)
    if (same_text(wire_names<T>[i], key)) return i;  // the first, as wire_index
  return field_count<T>;
}

template <class T, std::size_t I>
using member_type_t = std::remove_cvref_t<decltype(field_at<I>(std::declval<T&>()))>;

/// Bit I set when member I must be present.
template <class T, std::size_t... I>
consteval std::uint64_t required_mask(std::index_sequence<I...>) {
  return ((is_required<member_type_t<T, I>> ? std::uint64_t{1} << I : std::uint64_t{0}) | ... | std::uint64_t{0});
}

template <class T, bool Strict>
bool fast_value(simdjson::ondemand::value& v, T& out, FastContext& fx);

/// Reads member I of out, then runs its after-validators (a ValueError: false, and the DOM reader records it).
template <class T, std::size_t I>
bool fast_member_at(T& out, simdjson::ondemand::value& v, FastContext& fx) {
  if (!fast_value<member_type_t<T, I>, false>(v, field_at<I>(out), fx)) return false;
  if constexpr (has_validator<T, I, ValidatorMode::after>)
    return run_after_validators<T, I>(validated_value(field_at<I>(out)), nullptr, FastScalar{});
  return true;
}

/// Reads member number i (known at run time) of out.
template <class T, std::size_t... I>
bool fast_member(std::size_t i, T& out, simdjson::ondemand::value& v, FastContext& fx, std::index_sequence<I...>) {
  bool ok = false;
  (void)((i == I ? (ok = fast_member_at<T, I>(out, v, fx), true) : false) || ...);
  return ok;
}

/// Does T have a before-validator (for itself or a member)? Those see the raw value as a fa::Json: the DOM
/// reader's job.
template <class T, std::size_t... I>
consteval bool has_before_validators(std::index_sequence<I...>) {
  return has_validator<T, SIZE_MAX, ValidatorMode::before> || (has_validator<T, I, ValidatorMode::before> || ...);
}

/// Reads element number i (known at run time) of a std::tuple.
template <bool Strict, class T, std::size_t... I>
bool fast_tuple_element(std::size_t i, T& out, simdjson::ondemand::value& v, FastContext& fx,
                        std::index_sequence<I...>) {
  bool ok = false;
  (void)((i == I ? (ok = fast_value<std::tuple_element_t<I, T>, Strict>(v, std::get<I>(out), fx), true) : false) ||
         ...);
  return ok;
}

template <class T>
bool fast_struct_members(simdjson::ondemand::object& object, T& out, FastContext& fx, std::uint64_t* seen = nullptr);

template <class T>
bool fast_struct(simdjson::ondemand::value& v, T& out, FastContext& fx, std::uint64_t* seen = nullptr) {
  if constexpr (has_validators<T>) {
    if constexpr (has_before_validators<T>(std::make_index_sequence<field_count<T>>{})) return false;
  }
  simdjson::ondemand::object object;
  if (!fast_ok(v.get_object().get(object)) || ++fx.depth > fast_max_depth) return false;
  return fast_struct_members(object, out, fx, seen);
}

/// A fa::Discriminator: the tag found first (its value's text), then the object read again as that member.
/// No tag, a repeated or unknown tag, a tag that is not a plain string: the DOM reader words the error.
template <class T>
bool fast_discriminated(simdjson::ondemand::value& v, T& out, FastContext& fx) {
  simdjson::ondemand::object object;
  if (!fast_ok(v.get_object().get(object)) || ++fx.depth > fast_max_depth) return false;
  std::string_view tag;
  bool found = false;
  for (auto member : object) {
    if (member.error()) return false;
    simdjson::ondemand::field& f = member.value_unsafe();
    std::string_view key;
    if (!fast_key(f, key)) return false;
    if (!same_text(key, T::tag)) continue;  // its value is read (and checked) with the member below
    if (found || !fast_string(f.value(), tag)) return false;
    found = true;
  }
  if (!found) return false;
  bool reset = false;
  if (!fast_ok(object.reset().get(reset))) return false;
  bool ok = false, matched = false;
  [&]<class... M>(std::type_identity<std::variant<M...>>) {
    const auto attempt = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      using Member = std::variant_alternative_t<J, std::variant<M...>>;
      if (matched) return;
      for (std::string_view value : tag_choice_t<fixed_tag<T>, Member>::values) {
        if (!same_text(value, tag)) continue;
        matched = true;
        Member m{};
        if constexpr (has_validators<Member>) {
          if constexpr (has_before_validators<Member>(std::make_index_sequence<field_count<Member>>{})) return;
        }
        ++fx.depth;  // fast_struct_members leaves the object: one level, as fast_struct counts it
        ok = fast_struct_members(object, m, fx);
        if (ok) out.template emplace<J>(std::move(m));
        return;
      }
    };
    [&]<std::size_t... J>(std::index_sequence<J...>) { (attempt(std::integral_constant<std::size_t, J>{}), ...); }
    (std::index_sequence_for<M...>{});
  }(std::type_identity<typename T::variant_type>{});
  --fx.depth;
  return ok;
}

template <class T>
bool fast_struct_members(simdjson::ondemand::object& object, T& out, FastContext& fx, std::uint64_t* partial) {
  constexpr std::size_t count = field_count<T>;
  static_assert(count <= 64, "fastapi: the fast reader keeps one bit per member");
  std::uint64_t seen = 0;
  std::size_t next = 0;
  for (auto member : object) {
    if (member.error()) return false;
    simdjson::ondemand::field& f = member.value_unsafe();  // a reference: copying a field stalls store forwarding
    std::string_view key;
    if (!fast_key(f, key)) return false;
    const std::size_t i = fast_wire_index<T>(key, next);
    if (i >= count) {
      if constexpr (forbids_extra<T>) return false;
      if (!fast_skip(f.value(), fx)) return false;
      continue;
    }
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (seen & bit) return false;  // a repeated key: the DOM reader keeps the last value
    seen |= bit;
    next = i + 1;
    if (!fast_member(i, out, f.value(), fx, std::make_index_sequence<count>{})) return false;
  }
  --fx.depth;
  if (partial) {
    *partial = seen;
  } else {
    constexpr std::uint64_t required = required_mask<T>(std::make_index_sequence<count>{});
    if ((seen & required) != required) return false;
  }
  if constexpr (has_validator<T, SIZE_MAX, ValidatorMode::after>)
    return run_after_validators<T, SIZE_MAX>(out, nullptr, FastScalar{});
  return true;
}

/// Reads v into out exactly as read_value<T, Strict> would on a DOM node, or returns false.
template <class T, bool Strict>
bool fast_value(simdjson::ondemand::value& v, T& out, FastContext& fx) {
  if constexpr (is_field<T>) {
    if (!fast_value<field_value_t<T>, (Strict || field_rule<T>.strict)>(v, out.value, fx)) return false;
    return !field_violation(out);
  } else if constexpr (is_optional<T>) {
    bool is_null = false;
    if (!fast_ok(v.is_null().get(is_null))) return false;
    if (is_null) return out.reset(), true;
    if (!out) out.emplace();
    return fast_value<typename T::value_type, Strict>(v, *out, fx);
  } else if constexpr (std::is_same_v<T, Json>) {
    return fast_json(v, out, fx);
  } else if constexpr (is_discriminated<T>) {
    return fast_discriminated(v, out, fx);
  } else if constexpr (is_union<T>) {
    return false;  // a smart union tries its members one by one: the DOM reader's job
  } else if constexpr (is_scalar<T>) {
    FastScalar n;
    if (!fast_scalar(v, n)) return false;  // an array or an object: the DOM reader words the error
    ConversionError e;
    std::optional<T> r = read_scalar_node<T>(n, e);
    if (!r) return false;
    out = std::move(*r);
    return true;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Email>) {
    std::string_view s;
    if (!fast_string(v, s)) return false;
    if constexpr (std::is_same_v<T, Email>) {
      out.value = s;
      return !validate_email(out.value);
    } else {
      out = s;
      return true;
    }
  } else if constexpr (std::is_enum_v<T>) {
    std::string_view s;
    if (!fast_string(v, s)) return false;
    for (std::size_t i = 0; i < enum_count<T>(); ++i)
      if (same_text(enum_name_at<T>(i), s)) return out = enum_value_at<T>(i), true;
    return false;
  } else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_floating_point_v<T>) {
    FastScalar n;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // The common case first: get_int64 takes exactly the tokens the DOM tape holds as INT64.
      if (fast_ok(v.get_int64().get(n.i))) return n.k = Json::Kind::integer, read_integer<T, Strict>(n, out, fx.cx);
    } else if constexpr (std::is_floating_point_v<T>) {
      // get_double reads an integer token as static_cast<double> of it would (both round to nearest),
      // except "-0", an integer 0 for the DOM reader: a negative zero leaves to the DOM reader; and it
      // misreads some long mantissas (short_mantissa), which leave to it too.
      if (short_mantissa(v.raw_json_token().data()) && fast_ok(v.get_double().get(n.d))) {
        if (n.d == 0 && std::signbit(n.d)) return false;
        return n.k = Json::Kind::floating, read_floating<T, Strict>(n, out, fx.cx);
      }
    }
    if (!fast_scalar(v, n)) return false;
    if constexpr (std::is_same_v<T, bool>) return read_bool<Strict>(n, out, fx.cx);
    else if constexpr (std::is_integral_v<T>) return read_integer<T, Strict>(n, out, fx.cx);
    else return read_floating<T, Strict>(n, out, fx.cx);
  } else if constexpr (is_vector<T>) {
    simdjson::ondemand::array array;
    if (!fast_ok(v.get_array().get(array)) || ++fx.depth > fast_max_depth) return false;
    out.clear();
    // Counted first (one pass over the tokens) to spare the regrowth: for a list of structs the pass costs a
    // few more instructions than the regrowth (callgrind), but measures faster (no moves, no reallocation).
    std::size_t size = 0;
    if (!fast_ok(array.count_elements().get(size))) return false;
    out.reserve(size);
    for (auto element : array) {
      if (element.error()) return false;
      if (!fast_value<typename T::value_type, Strict>(element.value_unsafe(), out.emplace_back(), fx)) return false;
    }
    --fx.depth;
    return true;
  } else if constexpr (is_set<T> || is_fixed_array<T> || is_tuple<T>) {
    simdjson::ondemand::array array;
    if (!fast_ok(v.get_array().get(array)) || ++fx.depth > fast_max_depth) return false;
    if constexpr (is_set<T>) {
      out.clear();
    } else {
      std::size_t size = 0;  // a fixed length that does not match: the DOM reader words too_short / too_long
      constexpr std::size_t expected = std::tuple_size_v<T>;
      if (!fast_ok(array.count_elements().get(size)) || size != expected) return false;
    }
    std::size_t i = 0;
    for (auto element : array) {
      if (element.error()) return false;
      if constexpr (is_set<T>) {
        typename T::value_type item{};
        if (!fast_value<typename T::value_type, Strict>(element.value_unsafe(), item, fx)) return false;
        out.insert(std::move(item));
      } else if constexpr (is_fixed_array<T>) {
        if (!fast_value<typename T::value_type, Strict>(element.value_unsafe(), out[i], fx)) return false;
      } else {
        if (!fast_tuple_element<Strict>(i, out, element.value_unsafe(), fx,
                                        std::make_index_sequence<std::tuple_size_v<T>>{}))
          return false;
      }
      ++i;
    }
    --fx.depth;
    return true;
  } else if constexpr (is_string_map<T>) {
    simdjson::ondemand::object object;
    if (!fast_ok(v.get_object().get(object)) || ++fx.depth > fast_max_depth) return false;
    out.clear();
    for (auto member : object) {
      if (member.error()) return false;
      simdjson::ondemand::field& f = member.value_unsafe();
      std::string_view key;
      if (!fast_key(f, key)) return false;
      auto [it, inserted] = out.try_emplace(std::string(key));
      if (!inserted) return false;  // a repeated key: the DOM reader keeps the last value
      if (!fast_value<typename T::mapped_type, Strict>(f.value(), it->second, fx)) return false;
    }
    --fx.depth;
    return true;
  } else if constexpr (is_partial<T>) {
    return fast_struct(v, PartialAccess::value(out), fx, &PartialAccess::bits(out));
  } else if constexpr (std::is_class_v<T> && std::is_aggregate_v<T>) {
    return fast_struct(v, out, fx);
  } else {
    return false;  // the DOM reader says why the type cannot be read
  }
}

/// Roots the fast path reads: a struct, list, map or fa::Json (or an optional of one); scalar
/// roots take the DOM path.
template <class T>
inline constexpr bool fast_root = [] {
  using U = typename unwrap_optional<T>::type;
  return !is_field<U> && (std::is_same_v<U, Json> || is_vector<U> || is_string_map<U> || is_partial<U> ||
                          (std::is_class_v<U> && std::is_aggregate_v<U>));
}();

/// The fast path: true when `text` is valid JSON that reads into `out` with no error at all; false
/// (out then holds a partial value, to be thrown away) when the DOM reader must decide.
template <class T>
bool read_json_fast(std::string_view text, T& out) {
  if (text.empty()) return false;
  FastParser& p = fast_parser();
  const std::size_t need = text.size() + simdjson::SIMDJSON_PADDING;
  if (p.capacity < need) {
    const std::size_t capacity = std::max<std::size_t>({need, 2 * p.capacity, 4096});
    p.buffer.reset(new char[capacity]);
    p.capacity = capacity;
  }
  std::memcpy(p.buffer.get(), text.data(), text.size());
  std::memset(p.buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  simdjson::ondemand::value root;
  if (!fast_ok(p.parser.iterate(p.buffer.get(), text.size(), p.capacity).get(doc))) return false;
  if (!fast_ok(doc.get_value().get(root))) return false;  // a scalar root, or malformed
  FastContext fx;
  if constexpr (is_optional<
                    T>) {  // the root is an object or an array here, never null (On-Demand: no is_null at the root)
    if (!fast_value<typename T::value_type, false>(root, out.emplace(), fx)) return false;
  } else {
    if (!fast_value<T, false>(root, out, fx)) return false;
  }
  const char* rest = nullptr;
  return !fast_ok(doc.current_location().get(rest));  // OUT_OF_BOUNDS: nothing follows the root value
}

}  // namespace detail
}  // namespace fastapi
