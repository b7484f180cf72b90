// json/partial.hpp: fa::Partial<T>, a body of model T in which every member may be left out, remembering which
// members the client sent (Pydantic's model_fields_set), so a PATCH handler applies only those (FastAPI's
// `stored.model_copy(update=item.model_dump(exclude_unset=True))`). Fed by json/reflect; feeds json/read (which
// fills it), json/write (exclude_unset) and json/schema. Knows nothing of JSON text or HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/json/reflect.hpp"

namespace fastapi {

namespace detail {
struct PartialAccess;
}

/// A body of model T whose members may each be absent: what was sent is read and validated as T's members are
/// (Rules, validators, types); what was not keeps T{}'s value and is not "set".
///   app.patch("/items/{id}", [&](fa::Path<"id", int> id, fa::Partial<Item> patch) {
///     Item& stored = find_or_404(*id);
///     patch.apply_to(stored);                 // only the members the client sent
///     return stored;
///   });
/// `patch.is_set(&Item::price)`, `patch.fields_set()` (C++ names, declaration order), `patch.value()` (a T).
/// Errors are T's: `{"price": -1}` -> greater_than at ["body","price"]; a missing member is never an error.
/// OpenAPI: T's schema without `required`, under the name "<T>Partial". Returned from a handler it writes as T,
/// or only its set members with `{.response_model_exclude_unset = true}`.
template <class T>
class Partial {
  static_assert(reflectable<T> && std::is_class_v<T>,
                "fastapi: fa::Partial<T> needs a plain struct T (a reflectable aggregate): it is a body in which "
                "each of T's members may be left out (docs/compile_errors.md#json-partial-not-struct)");
  static_assert(field_count<T> <= 64, "fastapi: fa::Partial<T> keeps one bit per member: at most 64 members"
                                      " (docs/compile_errors.md#json-reflect-too-many-members)");

 public:
  using model_type = T;

  Partial() = default;
  const T& value() const& noexcept { return value_; }
  T& value() & noexcept { return value_; }
  T value() && noexcept { return std::move(value_); }
  const T& operator*() const noexcept { return value_; }
  const T* operator->() const noexcept { return &value_; }

  /// Did the body hold this member? `patch.is_set(&Item::price)`.
  template <class M>
  bool is_set(M T::*member) const noexcept;
  /// Did the body hold the member of this C++ name? `patch.is_set("price")`.
  bool is_set(std::string_view name) const noexcept;
  /// The C++ names of the members the body held, in declaration order (Pydantic's model_fields_set).
  std::vector<std::string_view> fields_set() const;
  /// Copies the members the body held into target, leaves the others alone.
  void apply_to(T& target) const&;
  void apply_to(T& target) &&;
  /// Marks a member set or not (a handler building a partial value to return with exclude_unset).
  template <class M>
  void set(M T::*member, bool is_set = true) noexcept;

 private:
  friend struct detail::PartialAccess;
  template <class M>
  std::size_t index_of(M T::*member) const noexcept;

  T value_{};
  std::uint64_t set_ = 0;
};

namespace detail {
template <class T>
inline constexpr bool is_partial = false;
template <class T>
inline constexpr bool is_partial<Partial<T>> = true;

/// The reader and the writer reach a Partial's value and its bits through here.
struct PartialAccess {
  template <class T>
  static T& value(Partial<T>& p) noexcept {
    return p.value_;
  }
  template <class T>
  static const T& value(const Partial<T>& p) noexcept {
    return p.value_;
  }
  template <class T>
  static std::uint64_t& bits(Partial<T>& p) noexcept {
    return p.set_;
  }
  template <class T>
  static std::uint64_t bits(const Partial<T>& p) noexcept {
    return p.set_;
  }
};
}  // namespace detail

template <class T>
template <class M>
std::size_t Partial<T>::index_of(M T::*member) const noexcept {
  const void* target = std::addressof(value_.*member);
  std::size_t found = field_count<T>;
  for_each_field(value_, [&](const auto& m, auto index) {
    if (static_cast<const void*>(std::addressof(m)) == target) found = decltype(index)::value;
  });
  return found;
}

template <class T>
template <class M>
bool Partial<T>::is_set(M T::*member) const noexcept {
  const std::size_t i = index_of(member);
  return i < field_count<T> && (set_ >> i & 1) != 0;
}

template <class T>
bool Partial<T>::is_set(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < field_count<T>; ++i)
    if (field_names<T>[i] == name) return (set_ >> i & 1) != 0;
  return false;
}

template <class T>
std::vector<std::string_view> Partial<T>::fields_set() const {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < field_count<T>; ++i)
    if (set_ >> i & 1) names.push_back(field_names<T>[i]);
  return names;
}

template <class T>
void Partial<T>::apply_to(T& target) const& {
  for_each_field(target, [&](auto& m, auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (set_ >> I & 1) m = field_at<I>(value_);
  });
}

template <class T>
void Partial<T>::apply_to(T& target) && {
  for_each_field(target, [&](auto& m, auto index) {
    constexpr std::size_t I = decltype(index)::value;
    if (set_ >> I & 1) m = std::move(field_at<I>(value_));
  });
}

template <class T>
template <class M>
void Partial<T>::set(M T::*member, bool is_set) noexcept {
  const std::size_t i = index_of(member);
  if (i >= field_count<T>) return;
  if (is_set) set_ |= std::uint64_t{1} << i;
  else set_ &= ~(std::uint64_t{1} << i);
}

}  // namespace fastapi
