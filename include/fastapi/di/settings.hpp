// di/settings.hpp: fa::load_settings<S>(), a struct read from environment variables and a `.env` file as
// pydantic-settings' BaseSettings reads it: case-insensitive names, a prefix, nested structs through `__`, the
// lax text conversions of query parameters (params/convert.hpp) and the Rules of json/rules.hpp, every error
// listed in Pydantic's words. Fed by the process environment and a file; feeds main (and app/cli's fa::Config).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/params/convert.hpp"

extern char** environ;  // POSIX: the process environment (<unistd.h> declares it too)

namespace fastapi {

/// Where load_settings looks, as pydantic-settings' SettingsConfigDict.
/// `fa::load_settings<Settings>({.env_prefix = "APP_", .env_file = ".env"})`
struct SettingsOptions {
  std::string env_prefix{};  ///< "APP_": APP_NAME fills `name`; matched case-insensitively; not put before aliases
  std::string env_file{};    ///< a dotenv file read under the environment; empty = none; a missing file is skipped
  std::string env_nested_delimiter = "__";  ///< APP_DB__HOST fills `db.host` (pydantic-settings' default: none)
};

/// Reads S from the environment (and options.env_file): member `max_items` from the variable APP_MAX_ITEMS (any
/// case), member `db` (a struct) from APP_DB__HOST, APP_DB__PORT...; a Field's alias is the whole variable name.
/// Members follow the models' rules (docs/models.md): a plain member is required, std::optional and
/// fa::Default<T, Rule> keep their default member initializer when their variable is absent. Values convert as
/// query parameters do (`"yes"` is true, `" 42 "` is 42); a std::vector, std::map or other container is read
/// from JSON text (`APP_TAGS='["a","b"]'`), as pydantic-settings reads complex fields.
/// A variable in the environment wins over the same name in the file. Throws fa::ConfigurationError listing
/// every error as pydantic-settings prints them:
///   2 validation errors for Settings
///   max_items
///     Input should be less than or equal to 1000 [type=less_than_equal, input_value='5000', input_type=str]
///   db.host
///     Field required [type=missing, input_value={'port': '5432'}, input_type=dict]
/// and fa::ConfigurationError("fastapi: ...") for an unreadable or oversized (> 1 MiB) env_file.
template <class S>
S load_settings(const SettingsOptions& options = {});

/// load_settings<S>, but an error is printed to stderr and the process exits with status 1 (as a Python app
/// whose BaseSettings fails at import): `const auto settings = fa::load_settings_or_exit<Settings>({...});`
template <class S>
S load_settings_or_exit(const SettingsOptions& options = {});

namespace detail {
template <class S>
S load_settings_named(const SettingsOptions& options, std::string_view model);
}  // namespace detail

/// `base` with the FASTAPI_ variables of the environment applied: FASTAPI_HOST, FASTAPI_PORT, FASTAPI_WORKERS,
/// FASTAPI_MAX_BODY_SIZE, ... one per fa::Config member, named as the member (any case); durations in seconds
/// (FASTAPI_KEEP_ALIVE_TIMEOUT=2.5), multipart limits nested (FASTAPI_MULTIPART__MAX_FILES=10). App::run(argc,
/// argv) applies it before the PORT variable and the flags, which win. Throws fa::ConfigurationError with every
/// error, as load_settings ("2 validation errors for Config\nport\n  Input should be less than or equal to
/// 65535 [type=less_than_equal, ...").
Config load_config(Config base = {});

/// The `KEY=value` pairs of a dotenv file's text, as python-dotenv reads them: blank lines and `# comments`
/// skipped, an optional `export ` before the key, spaces around `=`; 'single quotes' taken literally,
/// "double quotes" with \n \t \" \\ escapes, both spanning lines; an unquoted value ends at ` #`. A line it
/// cannot read (no `=`, an unterminated quote, a quoted key) is skipped, like python-dotenv's "could not parse statement".
/// No ${VAR} interpolation.
std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text);

namespace detail {

/// One settings error, ready to print: `loc\n  msg [type=..., input_value=..., input_type=...]`.
struct SettingsError {
  std::string loc;  ///< dotted: "db.host", "tags.0"
  std::string msg;
  std::string type;
  std::string input_repr;  ///< Python's repr of the input, truncated as Pydantic prints it
  std::string input_type;  ///< str, dict, int, ...
};

/// The variables that may fill settings: lowercased names; the environment over the dotenv file.
class SettingsSource {
 public:
  explicit SettingsSource(const SettingsOptions& options);
  const std::string* find(std::string_view lowercase_name) const;
  const SettingsOptions& options() const { return options_; }

 private:
  SettingsOptions options_;
  std::map<std::string, std::string, std::less<>> values_;
};

std::string ascii_lower(std::string_view s);
/// Python's repr() of a str: 'abc', "it's", '\n' escaped.
std::string python_str_repr(std::string_view s);
/// Python's repr() of what a fa::Json holds: {'a': '1'}, [1, 2], True, None.
std::string python_repr(const Json& j);
std::string_view python_type(const Json& j);
/// Pydantic's display of an input: reprs longer than 50 characters keep their first 25 and last 24.
std::string truncate_repr(std::string repr);
/// "1 validation error for Settings\n..." with every error.
std::string format_settings_errors(std::string_view model, const std::vector<SettingsError>& errors);
/// Turns the JSON reader's errors for a complex member (read from `text`) into settings errors under `loc`;
/// malformed JSON is one error on the member, as Pydantic words a Json field's: "Invalid JSON: ...".
void add_json_errors(std::vector<SettingsError>& out, std::string_view loc, std::string_view text,
                     const RequestValidationError& errors);

template <class V>
inline constexpr bool is_settings_struct =
    std::is_class_v<V> && !text_convertible<V> && reflectable<V> && !requires(const V& v) {
  v.begin();
};

/// Pass 1: the variables that name a member of S, as a tree of strings keyed by wire name.
template <class S>
Json gather_settings(const SettingsSource& source, const std::string& prefix) {
  Json level = Json::object({});
  constexpr std::size_t n = field_count<S>;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using M = std::remove_cvref_t<decltype(field_at<I>(std::declval<S&>()))>;
          using V = typename unwrap_optional<field_value_t<M>>::type;
          constexpr std::string_view wire = wire_names<S>[I];
          std::string name = !field_rule<M>.alias.empty() ? ascii_lower(wire) : prefix + ascii_lower(wire);
          if constexpr (is_settings_struct<V>) {
            Json nested = gather_settings<V>(source, name + ascii_lower(source.options().env_nested_delimiter));
            if (nested.size() != 0) level[wire] = std::move(nested);
          } else if (const std::string* value = source.find(name)) {
            level[wire] = *value;
          }
        }(),
        ...);
  }
  (std::make_index_sequence<n>{});
  return level;
}

/// Pass 2: the gathered strings converted into `out`, every error recorded.
template <class S>
void validate_settings(const Json& level, S& out, const std::string& loc, std::vector<SettingsError>& errors) {
  for_each_field(out, [&](auto& member, auto index) {
    using M = std::remove_cvref_t<decltype(member)>;
    using T = field_value_t<M>;
    using V = typename unwrap_optional<T>::type;
    constexpr std::string_view wire = wire_names<S>[decltype(index)::value];
    const std::string where = loc + std::string(wire);
    const Json* input = level.find(wire);
    if (!input) {
      if constexpr (is_required<M>)
        errors.push_back({where, "Field required", "missing", truncate_repr(python_repr(level)), "dict"});
      return;
    }
    T& target = [&]() -> T& {
      if constexpr (is_field<M>) return member.value;
      else return member;
    }();
    if constexpr (is_settings_struct<V>) {
      V nested{};
      std::size_t before = errors.size();
      validate_settings<V>(*input, nested, where + ".", errors);
      if (errors.size() == before) target = std::move(nested);
    } else if constexpr (text_convertible<V>) {
      const std::string& text = input->as_string();
      ConversionError error;
      std::optional<V> value = from_string<V>(text, error);
      if (!value) {
        errors.push_back(
            {where, std::move(error.msg), std::string(error.type), truncate_repr(python_str_repr(text)), "str"});
        return;
      }
      if constexpr (std::is_same_v<V, std::string_view>) {
        static_assert(dependent_false<V>, "fastapi: a settings member must own its text: use std::string"
                                          " (docs/compile_errors.md#di-settings-string-view-member)");
      }
      target = std::move(*value);
      if (auto broken = check_member(member)) {
        errors.push_back(
            {where, std::move(broken->msg), std::string(broken->type), truncate_repr(python_str_repr(text)), "str"});
      }
    } else {
      RequestValidationError json_errors;
      LocPath json_loc;
      std::optional<V> value = read_json<V>(input->as_string(), json_errors, json_loc);
      if (!value) {
        add_json_errors(errors, where, input->as_string(), json_errors);
        return;
      }
      target = std::move(*value);
      if (auto broken = check_member(member)) {
        errors.push_back({where, std::move(broken->msg), std::string(broken->type),
                          truncate_repr(python_str_repr(input->as_string())), "str"});
      }
    }
  });
}

/// "Settings" from "app::Settings": Pydantic names the class alone.
template <class S>
std::string_view settings_model_name() {
  std::string_view name = spelled_type_name<S>();
  if (std::size_t colon = name.rfind("::"); colon != std::string_view::npos) name.remove_prefix(colon + 2);
  return name;
}

}  // namespace detail

template <class S>
S load_settings(const SettingsOptions& options) {
  return detail::load_settings_named<S>(options, detail::settings_model_name<S>());
}

namespace detail {
template <class S>
S load_settings_named(const SettingsOptions& options, std::string_view model) {
  static_assert(reflectable<S>, "fastapi: load_settings<S> reads a plain struct: public data members, no base class"
                                " (docs/compile_errors.md#di-settings-not-struct)");
  static_assert(std::is_default_constructible_v<S>,
                "fastapi: load_settings<S> value-initializes S, then assigns the members it finds"
                " (docs/compile_errors.md#settings)");
  detail::SettingsSource source(options);
  Json gathered = detail::gather_settings<S>(source, detail::ascii_lower(options.env_prefix));
  S out{};
  std::vector<detail::SettingsError> errors;
  detail::validate_settings<S>(gathered, out, "", errors);
  if (!errors.empty()) throw ConfigurationError(detail::format_settings_errors(model, errors));
  return out;
}
}  // namespace detail

template <class S>
S load_settings_or_exit(const SettingsOptions& options) {
  try {
    return load_settings<S>(options);
  } catch (const ConfigurationError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::fflush(stderr);
    std::exit(1);
  }
}

namespace detail {
/// fa::Config as the environment may give it: every member optional (absent keeps the base's value).
struct MultipartFromEnv {
  std::optional<std::size_t> max_fields, max_files, max_part_header_bytes, max_part_headers, max_field_bytes,
      max_body_bytes, spool_max_size;
};
using Seconds = Field<std::optional<double>, Rule{.ge = 0}>;
struct ConfigFromEnv {
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<unsigned> workers, blocking_threads;
  std::optional<std::size_t> blocking_queue, max_body_size, max_request_line, max_header_bytes, max_headers,
      max_connections;
  Seconds header_timeout, body_timeout, keep_alive_timeout, write_timeout, graceful_timeout, stall_warning;
  std::optional<std::string> server_header;
  std::optional<bool> handle_signals, reuse_port, redirect_slashes, access_log;
  std::optional<MultipartFromEnv> multipart;
  std::optional<std::size_t> ws_max_size;
  Seconds ws_ping_interval, ws_ping_timeout;
  std::optional<bool> ws_per_message_deflate;
  Field<std::optional<int>, Rule{.ge = 9, .le = 15}> ws_deflate_max_window_bits;
  std::optional<std::string> uds, ssl_certfile, ssl_keyfile, ssl_keyfile_password, ssl_ca_certs;
  Field<std::optional<int>, Rule{.ge = 0, .le = 2}> ssl_cert_reqs;
  std::optional<std::string> root_path;
};
}  // namespace detail

// ---- implementation --------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
namespace detail {

FASTAPI_DETAIL_INLINE std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// A dotenv file's whole text; ConfigurationError beyond 1 MiB (a settings file, not a data file).
FASTAPI_DETAIL_INLINE std::optional<std::string> read_env_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;  // pydantic-settings skips a missing env_file
  constexpr std::size_t limit = 1 << 20;
  std::string text;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    text.append(buffer, got);
    if (text.size() > limit) {
      std::fclose(f);
      throw ConfigurationError("fastapi: the env_file '" + path + "' is larger than 1 MiB");
    }
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw ConfigurationError("fastapi: the env_file '" + path + "' could not be read");
  return text;
}

FASTAPI_DETAIL_INLINE SettingsSource::SettingsSource(const SettingsOptions& options) : options_(options) {
  if (!options_.env_file.empty()) {
    if (std::optional<std::string> text = read_env_file(options_.env_file))
      for (auto& [key, value] : parse_dotenv(*text)) values_[ascii_lower(key)] = std::move(value);
  }
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view e = *entry;
    std::size_t eq = e.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    values_[ascii_lower(e.substr(0, eq))] = std::string(e.substr(eq + 1));
  }
}

FASTAPI_DETAIL_INLINE const std::string* SettingsSource::find(std::string_view lowercase_name) const {
  auto it = values_.find(lowercase_name);
  return it == values_.end() ? nullptr : &it->second;
}

FASTAPI_DETAIL_INLINE std::string python_str_repr(std::string_view s) {
  char quote = (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

FASTAPI_DETAIL_INLINE std::string python_repr(const Json& j) {
  switch (j.kind()) {
    case Json::Kind::null: return "None";
    case Json::Kind::boolean: return j.as_bool() ? "True" : "False";
    case Json::Kind::string: return python_str_repr(j.as_string());
    case Json::Kind::array: {
      std::string out = "[";
      for (const Json& e : j.as_array()) {
        if (out.size() > 1) out += ", ";
        out += python_repr(e);
      }
      return out + "]";
    }
    case Json::Kind::object: {
      std::string out = "{";
      for (const auto& [key, value] : j.items()) {
        if (out.size() > 1) out += ", ";
        out += python_str_repr(key) + ": " + python_repr(value);
      }
      return out + "}";
    }
    default: return j.dump();
  }
}

FASTAPI_DETAIL_INLINE std::string_view python_type(const Json& j) {
  switch (j.kind()) {
    case Json::Kind::null: return "NoneType";
    case Json::Kind::boolean: return "bool";
    case Json::Kind::integer:
    case Json::Kind::unsigned_integer: return "int";
    case Json::Kind::floating: return "float";
    case Json::Kind::string: return "str";
    case Json::Kind::array: return "list";
    default: return "dict";
  }
}

FASTAPI_DETAIL_INLINE std::string truncate_repr(std::string repr) {
  if (repr.size() <= 50) return repr;
  return repr.substr(0, 25) + "..." + repr.substr(repr.size() - 24);
}

FASTAPI_DETAIL_INLINE std::string format_settings_errors(std::string_view model,
                                                         const std::vector<SettingsError>& errors) {
  std::string out =
      std::to_string(errors.size()) + (errors.size() == 1 ? " validation error for " : " validation errors for ");
  out += model;
  for (const SettingsError& e : errors) {
    out += "\n" + e.loc + "\n  " + e.msg + " [type=" + e.type + ", input_value=" + e.input_repr +
           ", input_type=" + e.input_type + "]";
  }
  return out;
}

FASTAPI_DETAIL_INLINE void add_json_errors(std::vector<SettingsError>& out, std::string_view loc, std::string_view text,
                                           const RequestValidationError& errors) {
  for (const ValidationErrorItem& item : errors.errors()) {
    if (item.type == "json_invalid") {
      const Json* why = item.ctx.find("error");
      out.push_back({std::string(loc), "Invalid JSON: " + (why && why->is_string() ? why->as_string() : item.msg),
                     "json_invalid", truncate_repr(python_str_repr(text)), "str"});
      continue;
    }
    std::string where(loc);
    if (item.loc.is_array()) {
      for (const Json& step : item.loc.as_array()) where += "." + (step.is_string() ? step.as_string() : step.dump());
    }
    out.push_back({std::move(where), item.msg, item.type, truncate_repr(python_repr(item.input)),
                   std::string(python_type(item.input))});
  }
}

}  // namespace detail

FASTAPI_DETAIL_INLINE Config load_config(Config base) {
  auto env = detail::load_settings_named<detail::ConfigFromEnv>({.env_prefix = "FASTAPI_"}, "Config");
  auto set = [](auto& target, const auto& value) {
    if (value) target = *value;
  };
  auto set_seconds = [](std::chrono::milliseconds& target, const detail::Seconds& value) {
    if (*value) target = std::chrono::milliseconds(static_cast<std::int64_t>(std::min(**value, 1e12) * 1000.0));
  };
  set(base.host, env.host);
  set(base.port, env.port);
  set(base.workers, env.workers);
  set(base.blocking_threads, env.blocking_threads);
  set(base.blocking_queue, env.blocking_queue);
  set(base.max_body_size, env.max_body_size);
  set(base.max_request_line, env.max_request_line);
  set(base.max_header_bytes, env.max_header_bytes);
  set(base.max_headers, env.max_headers);
  set(base.max_connections, env.max_connections);
  set_seconds(base.header_timeout, env.header_timeout);
  set_seconds(base.body_timeout, env.body_timeout);
  set_seconds(base.keep_alive_timeout, env.keep_alive_timeout);
  set_seconds(base.write_timeout, env.write_timeout);
  set_seconds(base.graceful_timeout, env.graceful_timeout);
  set_seconds(base.stall_warning, env.stall_warning);
  set(base.server_header, env.server_header);
  set(base.handle_signals, env.handle_signals);
  set(base.reuse_port, env.reuse_port);
  set(base.redirect_slashes, env.redirect_slashes);
  set(base.access_log, env.access_log);
  if (env.multipart) {
    const detail::MultipartFromEnv& m = *env.multipart;
    set(base.multipart.max_fields, m.max_fields);
    set(base.multipart.max_files, m.max_files);
    set(base.multipart.max_part_header_bytes, m.max_part_header_bytes);
    set(base.multipart.max_part_headers, m.max_part_headers);
    set(base.multipart.max_field_bytes, m.max_field_bytes);
    set(base.multipart.max_body_bytes, m.max_body_bytes);
    set(base.multipart.spool_max_size, m.spool_max_size);
  }
  set(base.ws_max_size, env.ws_max_size);
  set_seconds(base.ws_ping_interval, env.ws_ping_interval);
  set_seconds(base.ws_ping_timeout, env.ws_ping_timeout);
  set(base.ws_per_message_deflate, env.ws_per_message_deflate);
  set(base.ws_deflate_max_window_bits, *env.ws_deflate_max_window_bits);
  set(base.uds, env.uds);
  set(base.ssl_certfile, env.ssl_certfile);
  set(base.ssl_keyfile, env.ssl_keyfile);
  set(base.ssl_keyfile_password, env.ssl_keyfile_password);
  set(base.ssl_ca_certs, env.ssl_ca_certs);
  set(base.ssl_cert_reqs, *env.ssl_cert_reqs);
  set(base.root_path, env.root_path);
  return base;
}

FASTAPI_DETAIL_INLINE std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip_blanks = [&] {
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  auto skip_line = [&] {
    while (i < n && text[i] != '\n') ++i;
    if (i < n) ++i;
  };
  while (i < n) {
    skip_blanks();
    if (i >= n) break;
    if (text[i] == '\n' || text[i] == '\r' || text[i] == '#') {
      skip_line();
      continue;
    }
    if (text.substr(i, 7) == "export " || text.substr(i, 7) == "export\t") {
      i += 7;
      skip_blanks();
    }
    if (i >= n) break;
    if (text[i] == '\'' || text[i] == '"') {  // a quoted key: python-dotenv reads some; skipped here
      skip_line();
      continue;
    }
    std::size_t key_start = i;
    while (i < n && text[i] != '=' && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r' &&
           text[i] != '#')
      ++i;
    std::string key(text.substr(key_start, i - key_start));
    skip_blanks();
    if (key.empty() || i >= n || text[i] != '=') {  // no `=`: python-dotenv gives None, pydantic-settings skips it
      skip_line();
      continue;
    }
    ++i;  // '='
    skip_blanks();
    std::string value;
    bool ok = true;
    if (i < n && (text[i] == '\'' || text[i] == '"')) {
      const std::size_t quote_at = i;
      const char quote = text[i++];
      ok = false;
      while (i < n) {
        char c = text[i++];
        if (c == quote) {
          ok = true;
          break;
        }
        if (c == '\\' && i < n) {
          char next = text[i];
          if (quote == '\'' && (next == '\'' || next == '\\')) {
            value += next;
            ++i;
            continue;
          }
          if (quote == '"') {
            ++i;
            switch (next) {
              case 'n': value += '\n'; break;
              case 't': value += '\t'; break;
              case 'r': value += '\r'; break;
              case '"': value += '"'; break;
              case '\\': value += '\\'; break;
              case '\'': value += '\''; break;
              default: value += '\\'; value += next;
            }
            continue;
          }
        }
        value += c;
      }
      if (ok) {  // after the closing quote: blanks and a comment only
        skip_blanks();
        if (i < n && text[i] != '#' && text[i] != '\n' && text[i] != '\r') ok = false;
      } else {
        i = quote_at;  // unterminated: only this line is lost, the next ones are read
      }
      skip_line();
    } else {
      std::size_t start = i;
      while (i < n && text[i] != '\n') {
        if (text[i] == '#' && i > start && (text[i - 1] == ' ' || text[i - 1] == '\t')) break;
        ++i;
      }
      value = std::string(text.substr(start, i - start));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.pop_back();
      skip_line();
    }
    if (ok) out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
