// params/file.hpp: fa::File<"name", T>, a file part of a multipart/form-data body (FastAPI's File), and its
// binder: T is fa::UploadFile, std::string (the bytes), std::vector of either (repeated parts) or
// std::optional of either. Fed by params/bind_context.hpp's BindContext (the parts read by params/form_data.hpp);
// feeds the handler. Knows nothing of routes or sockets; a filename is data, never a path.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/http/upload.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"

namespace fastapi {

/// A file part `Name` of a multipart/form-data body (FastAPI's `file: UploadFile = File()`):
/// ```
/// app.post("/files", [](fa::File<"file", fa::UploadFile> file, fa::Form<"note", std::string> note) {...});
/// ```
/// T: fa::UploadFile (the file, spooled; see http/upload.hpp), std::string (its bytes, FastAPI's `bytes`),
/// std::vector<fa::UploadFile> / std::vector<std::string> (every part of that name, in order),
/// std::optional<...> of these (absent -> empty). Absent and required -> 422 {"type":"missing",
/// "loc":["body","file"],"msg":"Field required","input":null}; a text part where an UploadFile is expected ->
/// 422 value_error, as FastAPI. The only option is a fa::Rule for `alias`, `title` and `description`.
template <FixedString Name, class T, auto... Options>
struct File : detail::ParamValue<T> {
  static_assert(detail::ParamOptions<T, Options...>::default_count == 0,
                "fastapi: a fa::File has no default value; make it optional: fa::File<\"name\", "
                "std::optional<fa::UploadFile>> (docs/compile_errors.md#params-file-default)");
  static constexpr detail::Source param_source = detail::Source::form;
  static constexpr std::string_view param_name = Name.view();
  static constexpr Rule rule = detail::ParamOptions<T, Options...>::rule;
  static constexpr bool has_default = false;
  static constexpr bool file_param = true;
  using detail::ParamValue<T>::ParamValue;
};

namespace detail {

template <class T>
inline constexpr bool is_file_value = std::is_same_v<T, UploadFile> || std::is_same_v<T, std::string>;

/// One part for a File parameter of item type V (UploadFile or std::string): a file part as is; a text part
/// as its bytes for std::string, a value_error for UploadFile (FastAPI: "Expected UploadFile, received:
/// <class 'str'>").
template <class V>
std::optional<V> file_item(BindContext& ctx, Json loc, UploadFile* file, std::string_view text) {
  if (file) {
    if constexpr (std::is_same_v<V, UploadFile>) return std::move(*file);
    else return upload_bytes(*file);
  }
  if constexpr (std::is_same_v<V, std::string>) {
    return std::string(text);
  } else {
    ctx.body_errors.add({"value_error", std::move(loc), "Value error, Expected UploadFile, received: <class 'str'>",
                         Json(text), Json{{"error", Json::object({})}}});
    return std::nullopt;
  }
}

template <class P>
struct FileBinder {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::form;
  static constexpr std::size_t body_count = 0;
  using Slot = ParamSlot<P>;
  using T = typename P::value_type;
  using Item = typename unwrap_optional<T>::type;
  static constexpr bool repeated = is_vector<Item>;
  using V = typename vector_item_of<Item>::type;
  static_assert(is_file_value<V>, "fastapi: a fa::File<\"name\", T> holds fa::UploadFile or std::string (the bytes), "
                                  "a std::vector of one (repeated parts) or a std::optional of one"
                                  " (docs/compile_errors.md#parameters)");

  static void bind(BindContext& ctx, Slot& slot);
  static P& get(Slot& slot) { return *slot; }
};

template <class P>
void FileBinder<P>::bind(BindContext& ctx, Slot& slot) {
  constexpr std::string_view name = WireName<P>::value;
  auto& files = ctx.form_files();
  std::vector<std::string_view> texts = find_all_text(ctx, Source::form, name);
  std::erase_if(texts, [](std::string_view t) { return t.empty(); });  // FastAPI: an empty text is absent
  std::vector<UploadFile*> mine;
  for (auto& [n, f] : files)
    if (n == name) mine.push_back(&f);
  if (mine.empty() && texts.empty()) {
    if constexpr (is_optional<T>) slot.emplace();
    else add_missing(ctx.body_errors, param_loc(Source::form, name));
    return;
  }
  if constexpr (repeated) {
    Item items;
    bool ok = true;
    std::size_t i = 0;
    for (UploadFile* f : mine) items.push_back(std::move(*file_item<V>(ctx, {}, f, {}))), ++i;
    for (std::string_view t : texts) {
      if (auto v = file_item<V>(ctx, param_loc(Source::form, name, i++), nullptr, t)) items.push_back(std::move(*v));
      else ok = false;
    }
    if (ok) slot.emplace(T(std::move(items)));
  } else {
    // The last part of that name wins, as Starlette's FormData.get; a file before a text of the same name.
    auto v = mine.empty() ? file_item<V>(ctx, param_loc(Source::form, name), nullptr, texts.back())
                          : file_item<V>(ctx, {}, mine.back(), {});
    if (v) slot.emplace(T(std::move(*v)));
  }
}

template <FixedString N, class T, auto... O>
struct Binder<File<N, T, O...>> : FileBinder<File<N, T, O...>> {};

}  // namespace detail
}  // namespace fastapi
