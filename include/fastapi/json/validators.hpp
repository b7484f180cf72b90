// json/validators.hpp: field and model validators (Pydantic v2's field_validator / model_validator, modes before and
// after) as plain C++ functions a struct lists in `static auto validators()`; a validator rejects by throwing
// fa::ValueError (422 value_error) and normalises by returning the cleaned value. Fed by json/reflect and
// json/read_scalars (the error context); feeds json/read and json/read_fast. Knows nothing of JSON text or HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/json/read_scalars.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// Thrown by a validator to reject a value (Python's ValueError): the request gets 422
/// `{"type":"value_error","loc":[...],"msg":"Value error, <what>","input":...,"ctx":{"error":{}}}`.
/// (`ctx.error` is `{}` because FastAPI's jsonable_encoder turns the exception object into an empty dict.)
class ValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// When a validator runs: `before` the member's own conversion (it sees the raw JSON value, a fa::Json), or
/// `after` it (it sees the converted C++ value, Rules already checked). Pydantic's `mode="before"|"after"`.
enum class ValidatorMode { before, after };
inline constexpr ValidatorMode before = ValidatorMode::before;
inline constexpr ValidatorMode after = ValidatorMode::after;

/// One field validator: `fa::field_validator<&Signup::name>(fn)` (after) or `<&Signup::name, fa::before>(fn)`.
template <auto Member, ValidatorMode Mode, class Fn>
struct FieldValidator {
  Fn fn;
};
/// One model validator: `fa::model_validator(fn)` (after) or `fa::model_validator<fa::before>(fn)`.
template <ValidatorMode Mode, class Fn>
struct ModelValidator {
  Fn fn;
};

/// The validators of a struct, returned by its `static auto validators()`:
///   struct Signup {
///     std::string name;
///     std::string password, password_repeat;
///     static auto validators() {
///       return fa::Validators{
///           fa::field_validator<&Signup::name>([](std::string v) { return trim(v); }),  // normalises
///           fa::model_validator([](const Signup& s) {
///             if (s.password != s.password_repeat) throw fa::ValueError("passwords do not match");
///           })};
///     }
///   };
/// After-validators run in the order listed, before-validators in the reverse order (as Pydantic v2).
template <class... V>
struct Validators {
  std::tuple<V...> list;
  constexpr Validators(V... v) : list(std::move(v)...) {}
};

namespace detail {
template <class P>
struct member_pointer_traits {
  static constexpr bool valid = false;
};
template <class C, class M>
struct member_pointer_traits<M C::*> {
  static constexpr bool valid = !std::is_function_v<M>;
  using owner = C;
  using member = M;
};

/// What a before-validator may be: `fa::Json fn(const fa::Json& raw)` (returns the value to read instead), or
/// `void fn(const fa::Json& raw)` (only checks).
template <class Fn>
inline constexpr bool before_signature = [] {
  if constexpr (std::is_invocable_v<const Fn&, const Json&>) {
    using R = std::invoke_result_t<const Fn&, const Json&>;
    return std::is_void_v<R> || std::is_convertible_v<R, Json>;
  } else {
    return false;
  }
}();

/// What an after-validator on a value of type V may be: `V fn(V)` / `V fn(const V&)` (returns the cleaned
/// value), or `void fn(const V&)` (only checks), or `void fn(V&)` (cleans in place).
template <class Fn, class V>
inline constexpr bool after_signature = [] {
  if constexpr (std::is_invocable_v<const Fn&, V&>) {
    using R = std::invoke_result_t<const Fn&, V&>;
    return std::is_void_v<R> || std::is_convertible_v<R, V>;
  } else {
    return false;
  }
}();
}  // namespace detail

/// A field validator for the member `Member` (a pointer to member: `&Signup::name`). After (the default): called
/// with the member's value (a fa::Field's `.value`) once it has converted and passed its Rule. Before: called
/// with the raw JSON value, returns the JSON to convert instead.
template <auto Member, ValidatorMode Mode = ValidatorMode::after, class Fn>
constexpr FieldValidator<Member, Mode, Fn> field_validator(Fn fn) {
  using Traits = detail::member_pointer_traits<decltype(Member)>;
  static_assert(Traits::valid,
                "fastapi: field_validator<Member> takes a pointer to a data member, `&Signup::name`; a member "
                "function or anything else cannot be validated"
                " (docs/compile_errors.md#json-validator-not-data-member)");
  if constexpr (Traits::valid) {
    using V = field_value_t<typename Traits::member>;
    if constexpr (Mode == ValidatorMode::before) {
      static_assert(detail::before_signature<Fn>,
                    "fastapi: a before field_validator must be callable as `fa::Json fn(const fa::Json& raw)` (it "
                    "returns the value to read instead) or `void fn(const fa::Json& raw)` (it only checks)"
                    " (docs/compile_errors.md#json-validator-before-wrong-signature)");
    } else {
      static_assert(detail::after_signature<Fn, V>,
                    "fastapi: an after field_validator must be callable with the member's value type V as "
                    "`V fn(V)` (it returns the cleaned value), `void fn(const V&)` (it only checks) or `void "
                    "fn(V&)`; for a fa::Field<T, Rule> member V is T"
                    " (docs/compile_errors.md#json-validator-after-wrong-signature)");
    }
  }
  return {std::move(fn)};
}

/// A model validator. After (the default): called with the struct once every member has been read without
/// error; `void fn(const T&)`, `void fn(T&)` or `T fn(T)`. Before: `fa::Json fn(const fa::Json& raw)` sees the raw
/// JSON object and returns the one to read instead. A ValueError is located at the struct (["body"] for a body).
template <ValidatorMode Mode = ValidatorMode::after, class Fn>
constexpr ModelValidator<Mode, Fn> model_validator(Fn fn) {
  if constexpr (Mode == ValidatorMode::before)
    static_assert(detail::before_signature<Fn>,
                  "fastapi: a before model_validator must be callable as `fa::Json fn(const fa::Json& raw)` (it "
                  "returns the object to read instead) or `void fn(const fa::Json& raw)` (it only checks)"
                  " (docs/compile_errors.md#json-validator-before-wrong-signature)");
  return {std::move(fn)};
}

namespace detail {

template <class T>
inline constexpr bool is_validators = false;
template <class... V>
inline constexpr bool is_validators<Validators<V...>> = true;

/// Does T list validators (`static auto validators()` returning fa::Validators{...})?
template <class T>
inline constexpr bool has_validators = [] {
  // A non-static data member named `validators` is a member like any other; a member function or a static data
  // member would be ignored without a word.
  if constexpr (requires { &T::validators; }) {
    using P = decltype(&T::validators);
    static_assert(!std::is_member_function_pointer_v<P> &&
                      !(std::is_pointer_v<P> && !std::is_function_v<std::remove_pointer_t<P>>),
                  "fastapi: a struct's validators() must be a static member function: `static auto validators() { "
                  "return fa::Validators{...}; }` (docs/compile_errors.md#json-validators-not-static)");
  }
  if constexpr (requires { T::validators(); }) {
    static_assert(is_validators<std::remove_cvref_t<decltype(T::validators())>>,
                  "fastapi: a struct's `static auto validators()` must return fa::Validators{...} of "
                  "fa::field_validator<&T::member>(fn) and fa::model_validator(fn)"
                  " (docs/compile_errors.md#json-validators-wrong-return)");
    return true;
  } else {
    return false;
  }
}();

template <class T>
using validator_list_t = std::remove_cvref_t<decltype(T::validators().list)>;

/// The index of the member `Member` points to in T, found by comparing addresses in the reflection's fake object.
template <class T, auto Member>
consteval std::size_t member_index() {
  constexpr std::size_t n = field_count<T>;
  std::size_t found = n;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((static_cast<const void*>(member_pointer<T, I, n>().pointer) ==
              static_cast<const void*>(std::addressof(fake<T>().*Member))
          ? (found = I, 0)
          : 0),
     ...);
  }
  (std::make_index_sequence<n>{});
  return found;
}

template <class T, class V>
struct validator_traits {
  static_assert(dependent_false<V>,
                "fastapi: fa::Validators{...} holds fa::field_validator<&T::member>(fn) and fa::model_validator(fn) "
                "only (docs/compile_errors.md#json-validators-foreign-item)");
  static constexpr ValidatorMode mode = ValidatorMode::after;
  static constexpr std::size_t index = SIZE_MAX - 1;
};
template <class T, auto Member, ValidatorMode Mode, class Fn>
struct validator_traits<T, FieldValidator<Member, Mode, Fn>> {
  using Owner = typename member_pointer_traits<decltype(Member)>::owner;
  static_assert(std::is_same_v<Owner, T>,
                "fastapi: a field_validator in T::validators() names a member of another struct: write "
                "fa::field_validator<&T::member> (docs/compile_errors.md#json-validator-other-struct)");
  static constexpr ValidatorMode mode = Mode;
  static constexpr std::size_t index = member_index<T, Member>();
};
template <class T, ValidatorMode Mode, class Fn>
struct validator_traits<T, ModelValidator<Mode, Fn>> {
  static_assert(Mode == ValidatorMode::before || after_signature<Fn, T>,
                "fastapi: an after model_validator must be callable with the struct as `void fn(const T&)` (it "
                "only checks), `void fn(T&)` (it cleans in place) or `T fn(T)` (it returns the cleaned struct)"
                " (docs/compile_errors.md#json-validator-model-wrong-signature)");
  static constexpr ValidatorMode mode = Mode;
  static constexpr std::size_t index = SIZE_MAX;
};

/// Is there a validator of this mode for member I (I = SIZE_MAX: for the model itself)?
template <class T, std::size_t I, ValidatorMode Mode>
inline constexpr bool has_validator = [] {
  if constexpr (!has_validators<T>) {
    return false;
  } else {
    return []<class... V>(std::type_identity<std::tuple<V...>>) {
      return ((validator_traits<T, V>::index == I && validator_traits<T, V>::mode == Mode) || ... || false);
    }(std::type_identity<validator_list_t<T>>{});
  }
}();

/// The error of a ValueError, as FastAPI answers it.
inline void add_value_error(ReadContext& cx, const ValueError& e, Json input) {
  add_error(cx, "value_error", std::string("Value error, ") + e.what(), std::move(input),
            Json{{"error", Json::object({})}});
}

/// Runs T's before-validators for member I (SIZE_MAX: the model's) on `raw`, last listed first. A ValueError is
/// recorded (when cx is given) and stops the chain: false.
template <class T, std::size_t I>
bool run_before_validators(Json& raw, ReadContext* cx) {
  const auto validators = T::validators();
  bool ok = true;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    constexpr std::size_t n = sizeof...(K);
    const auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
      using V = std::tuple_element_t<J, validator_list_t<T>>;
      if constexpr (validator_traits<T, V>::index == I && validator_traits<T, V>::mode == ValidatorMode::before) {
        if (!ok) return;
        const auto& fn = std::get<J>(validators.list).fn;
        try {
          if constexpr (std::is_void_v<std::invoke_result_t<decltype(fn), const Json&>>) fn(std::as_const(raw));
          else raw = Json(fn(std::as_const(raw)));
        } catch (const ValueError& e) {
          if (cx) add_value_error(*cx, e, raw);
          ok = false;
        }
      }
    };
    (one(std::integral_constant<std::size_t, n - 1 - K>{}), ...);
  }
  (std::make_index_sequence<std::tuple_size_v<validator_list_t<T>>>{});
  return ok;
}

/// Runs T's after-validators for member I (SIZE_MAX: the model's) on `value`, in the order listed. A ValueError
/// is recorded (when cx is given; `input` makes the error's input) and stops the chain: false.
template <class T, std::size_t I, class V, class Input>
bool run_after_validators(V& value, ReadContext* cx, const Input& input) {
  const auto validators = T::validators();
  bool ok = true;
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    const auto one = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
      using W = std::tuple_element_t<K, validator_list_t<T>>;
      if constexpr (validator_traits<T, W>::index == I && validator_traits<T, W>::mode == ValidatorMode::after) {
        if (!ok) return;
        const auto& fn = std::get<K>(validators.list).fn;
        try {
          if constexpr (std::is_void_v<std::invoke_result_t<decltype(fn), V&>>) fn(value);
          else value = static_cast<V>(fn(value));
        } catch (const ValueError& e) {
          if (cx) add_value_error(*cx, e, input.to_json());
          ok = false;
        }
      }
    };
    (one(std::integral_constant<std::size_t, J>{}), ...);
  }
  (std::make_index_sequence<std::tuple_size_v<validator_list_t<T>>>{});
  return ok;
}

/// The value an after field-validator of member type M sees: a fa::Field's value, else the member.
template <class M>
auto& validated_value(M& member) {
  if constexpr (is_field<M>) return member.value;
  else return member;
}

}  // namespace detail
}  // namespace fastapi
