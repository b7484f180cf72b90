// app/cli.hpp: the command line an app reads, as uvicorn reads it: `--host H --port N --workers N --log-level L
// --access-log --root-path P`, PORT from the environment, `--help`, `--version`; an app's own flags declared by a settings
// struct (fa::load_settings_or_exit<S>(argc, argv)), or passed after `--`. Fed by main's argc/argv
// (App::run(argc, argv)); feeds fa::Config, the app's Logger and the app's settings. Knows nothing of requests or
// routes.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/version.hpp"
#include "fastapi/di/settings.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"

namespace fastapi {

/// Reads the server's flags (detail::server_flags: `--host H`, `--port N` or `--port=N`, `--workers N`,
/// `--log-level L`, `--access-log` / `--no-access-log`), the FASTAPI_ variables (fa::load_config; a bad one throws
/// fa::ConfigurationError) and the PORT variable into `base`; flags win, and of a repeated flag the last wins (as
/// uvicorn's click). `--log-level` is applied by App::run(argc, argv). Stops at `--`: what follows is the app's own
/// (app_args()). An unknown argument, a missing value or a bad one throws std::invalid_argument with a sentence.
Config parse_args(int argc, char** argv, Config base = {});
/// The arguments after `--`, the app's own: `./app --port 9000 -- --db ./data.sqlite` -> {"--db", "./data.sqlite"}.
std::vector<std::string_view> app_args(int argc, char** argv);
/// What `--help` lists: every server flag, one line each, with its default.
std::string command_line_help();

/// load_settings<S> (the environment and options.env_file), with each member also read from the command line,
/// which wins over both (pydantic-settings' cli_parse_args): member `max_items` from `--max-items N` (or
/// `--max-items=N`, `--max_items N`), a bool from `--debug` / `--no-debug` (or `--debug=false`), a nested
/// struct's member from `--db.host H`, a container from JSON text (`--tags '["a","b"]'`).
///   int main(int argc, char** argv) {
///     const auto settings = fa::load_settings_or_exit<Settings>(argc, argv, {.env_prefix = "APP_"});
///     fa::App app;  ...  return app.run(argc, argv);   // ./app --port 9000 --db ./data.sqlite
/// The app's flags are taken out of argv (argc shrinks, as gtest's InitGoogleTest does), so run(argc, argv) then
/// reads the server's own; a flag both declare (a member `port`) is read by both. `--help` lists the server's
/// flags and the app's (type, default, variable, the Rule's description) and exits 0; `--version` exits 0.
/// An unknown flag, a missing value, or a flag's value that does not validate: a sentence on stderr, exit
/// status 2 (a usage error, as click's); a bad variable alone: exit status 1, as load_settings_or_exit<S>().
template <class S>
S load_settings_or_exit(int& argc, char** argv, const SettingsOptions& options = {});

namespace detail {

/// What the command line sets beyond fa::Config.
struct CommandLine {
  Config config;
  std::optional<LogLevel> log_level;
};

/// One server flag: its name, its value's name (empty: a switch, which takes no value), one line of help, and
/// what it sets (throwing std::invalid_argument with a sentence). A new flag is one entry of server_flags.
struct ServerFlag {
  std::string_view name;
  std::string_view metavar;
  std::string_view help;
  void (*apply)(CommandLine&, std::string_view value);  ///< nullptr: --help and --version, read before
};

/// `text` as a number up to `max`, or std::invalid_argument naming `flag`.
unsigned long flag_number(std::string_view flag, std::string_view text, unsigned long max);
/// `text`, or std::invalid_argument when it is empty (`--host=`).
std::string flag_text(std::string_view flag, std::string_view text);
/// `--log-level`'s value as a level (uvicorn's names; trace reads as debug), or nullopt.
std::optional<LogLevel> log_level_from_name(std::string_view name);
/// `--reload`: a compiled binary cannot reload itself; std::invalid_argument saying what does (scripts/dev.sh).
void reload_unsupported(CommandLine&, std::string_view);

inline constexpr ServerFlag server_flags[] = {
    {"--host", "HOST", "bind to this address (default 127.0.0.1; 0.0.0.0: every IPv4 address)",
     [](CommandLine& c, std::string_view v) { c.config.host = flag_text("--host", v); }},
    {"--port", "PORT", "bind to this port (default 8000, or $PORT; 0 picks a free one)",
     [](CommandLine& c, std::string_view v) {
       c.config.port = static_cast<std::uint16_t>(flag_number("--port", v, 65535));
     }},
    {"--workers", "N", "event-loop threads (default 0: one per hardware thread)",
     [](CommandLine& c, std::string_view v) {
       c.config.workers = static_cast<unsigned>(flag_number("--workers", v, 1024));
     }},
    {"--log-level", "LEVEL", "critical, error, warning, info (default), debug or trace (read as debug)",
     [](CommandLine& c, std::string_view v) {
       c.log_level = log_level_from_name(v);
       if (!c.log_level)
         throw std::invalid_argument(
             "fastapi: --log-level expects critical, error, warning, info, debug or trace, got '" + std::string(v) +
             "'");
     }},
    {"--access-log", "", "one line per request: client, request line, status, bytes, time",
     [](CommandLine& c, std::string_view) { c.config.access_log = true; }},
    {"--no-access-log", "", "no line per request (the default)",
     [](CommandLine& c, std::string_view) { c.config.access_log = false; }},
    {"--root-path", "PATH",
     "the path prefix a proxy serves the app under and strips (the docs and OpenAPI servers "
     "use it; routes match the path as received)",
     [](CommandLine& c, std::string_view v) { c.config.root_path = std::string(v); }},
    {"--uds", "PATH", "listen on this Unix socket (mode 0666) instead of host:port",
     [](CommandLine& c, std::string_view v) { c.config.uds = flag_text("--uds", v); }},
    {"--ssl-certfile", "FILE", "serve HTTPS with this certificate chain (PEM; needs FASTAPI_ENABLE_TLS)",
     [](CommandLine& c, std::string_view v) { c.config.ssl_certfile = flag_text("--ssl-certfile", v); }},
    {"--ssl-keyfile", "FILE", "its private key (PEM; default: in the certfile)",
     [](CommandLine& c, std::string_view v) { c.config.ssl_keyfile = flag_text("--ssl-keyfile", v); }},
    {"--ssl-keyfile-password", "P", "the key's passphrase",
     [](CommandLine& c, std::string_view v) { c.config.ssl_keyfile_password = std::string(v); }},
    {"--ssl-ca-certs", "FILE", "CA certificates that client certificates are checked against",
     [](CommandLine& c, std::string_view v) { c.config.ssl_ca_certs = flag_text("--ssl-ca-certs", v); }},
    {"--ssl-cert-reqs", "N", "client certificate: 0 not asked (default), 1 checked if sent, 2 required",
     [](CommandLine& c, std::string_view v) {
       if (v != "0" && v != "1" && v != "2")
         throw std::invalid_argument("fastapi: --ssl-cert-reqs expects 0 (none), 1 (optional) or 2 (required), got '" +
                                     std::string(v) + "'");
       c.config.ssl_cert_reqs = v[0] - '0';
     }},
    {"--reload", "", "a compiled app cannot reload itself: says what does (scripts/dev.sh)", reload_unsupported},
    {"--version", "", "print the version of fastapi.hpp and exit", nullptr},
    {"--help", "", "print this and exit (also -h)", nullptr},
};

/// --help's lines end by this column (a terminal's 100, the width this project's code and docs keep).
inline constexpr std::size_t help_width = 100;
/// The column where every description of --help starts: two spaces after the longest server flag with its
/// value's name (`  --ssl-keyfile-password P`), computed so that a new, longer flag moves the column with it.
std::size_t help_column();
/// Appends one entry of --help: `left` (the flag), then `help` from `column` on, wrapped at spaces within
/// help_width (continuation lines start at `column` too); a `left` too long for the column (an app's long
/// flag) puts `help` on the next line, at the column, as Python's argparse does.
void append_help_entry(std::string& out, std::string_view left, std::string_view help, std::size_t column);
/// The entry named `name` (`-h` is --help's), or nullptr.
const ServerFlag* find_server_flag(std::string_view name);
/// The server's flags of argv, up to `--`, over `base`; std::invalid_argument with a sentence on a mistake.
CommandLine parse_command_line(int argc, char** argv, Config base);
/// The sentence for an argument nobody reads, with the hint to --help.
std::string unknown_argument(std::string_view program, std::string_view arg);
/// `--help` (usage, the server's flags, then `app_help`) or `--version` printed to stdout, and the exit code 0;
/// nullopt when neither comes before `--`.
std::optional<int> print_help_or_version(int argc, char** argv, std::string_view app_help = {});
/// This process's id, for the `Started server process [PID]` line.
inline long process_id() {
#ifdef _WIN32
  return static_cast<long>(::_getpid());
#else
  return static_cast<long>(::getpid());
#endif
}

/// One flag of an app's settings struct: what load_settings_or_exit(argc, argv) takes out of argv.
struct AppFlag {
  std::string name;               ///< "--max-items", "--db.host" (lowercase)
  std::vector<std::string> path;  ///< the members' wire names: {"db", "host"}
  bool is_switch = false;         ///< a bool member: `--name` / `--no-name`
  std::string metavar;            ///< INT, FLOAT, TEXT, JSON
  std::string help;               ///< the rest of its --help line: description, default, variable
};
/// The flags' values as given, by member path; a later one for the same path wins.
using AppFlagValues = std::vector<std::pair<std::vector<std::string>, std::string>>;
/// Takes the app's flags out of argv (argc shrinks); --help and --version print and exit 0; an unknown flag or a
/// missing value prints a sentence and exits 2. Server flags and everything from `--` on stay in argv.
AppFlagValues take_app_flags(int& argc, char** argv, const std::vector<AppFlag>& flags);
/// Puts the flags' values into the tree load_settings gathered from the environment, over it.
void overlay_flag_values(Json& gathered, const AppFlagValues& values);
/// Prints a settings failure and exits: 2 when a flag's value is among the errors, else 1.
[[noreturn]] void exit_on_settings_errors(std::string_view model, const std::vector<SettingsError>& errors,
                                          const AppFlagValues& values);

/// Where a member's flag goes: its name (the prefix, then the wire name in lower case with dashes for
/// underscores), its members' path, its environment variable (upper case; an alias is not prefixed).
struct AppFlagPlace {
  std::string name;
  std::vector<std::string> path;
  std::string env;
};
// collect_app_flags' route-independent parts, compiled once with separate compilation (not per member type).
FASTAPI_DETAIL_INLINE AppFlagPlace app_flag_place(const std::string& flag_prefix, const std::vector<std::string>& path,
                                                  std::string_view wire, bool aliased, const std::string& env_prefix);
/// Adds the flag at `place`, its --help line `help` ended by its environment variable.
FASTAPI_DETAIL_INLINE void add_app_flag(std::vector<AppFlag>& out, AppFlagPlace place, bool is_switch,
                                        std::string_view metavar, std::string help);

template <class V>
std::string_view app_flag_metavar() {
  if constexpr (std::is_integral_v<V>) return "INT";
  else if constexpr (std::is_floating_point_v<V>) return "FLOAT";
  else if constexpr (text_convertible<V>) return "TEXT";
  else return "JSON";
}

/// S's members as flags, nested structs flattened with dots; `defaults` gives the values --help shows.
template <class S>
void collect_app_flags(std::vector<AppFlag>& out, S& defaults, const std::string& flag_prefix,
                       const std::vector<std::string>& path, const std::string& env_prefix,
                       const SettingsOptions& options) {
  for_each_field(defaults, [&](auto& member, auto index) {
    using M = std::remove_cvref_t<decltype(member)>;
    using T = field_value_t<M>;
    using V = typename unwrap_optional<T>::type;
    constexpr std::string_view wire = wire_names<S>[decltype(index)::value];
    constexpr Rule rule = field_rule<M>;
    AppFlagPlace place = app_flag_place(flag_prefix, path, wire, !rule.alias.empty(), env_prefix);
    T& value = [&]() -> T& {
      if constexpr (is_field<M>) return member.value;
      else return member;
    }();
    if constexpr (is_settings_struct<V>) {
      V nested{};
      if constexpr (!std::is_same_v<T, V>) {
        if (value) nested = *value;
      } else {
        nested = value;
      }
      collect_app_flags<V>(out, nested, place.name + ".", place.path, place.env + options.env_nested_delimiter,
                           options);
    } else {
      std::string help;
      if (!rule.description.empty()) help = std::string(rule.description.view()) + " ";
      if constexpr (is_required<M>) {
        help += "(required; ";
      } else if constexpr (!std::is_same_v<T, V>) {
        if (value) help += "(default " + to_json_string(*value) + "; ";
        else help += "(default none; ";
      } else {
        help += "(default " + to_json_string(value) + "; ";
      }
      add_app_flag(out, std::move(place), std::is_same_v<V, bool>, app_flag_metavar<V>(), std::move(help));
    }
  });
}

}  // namespace detail

template <class S>
S load_settings_or_exit(int& argc, char** argv, const SettingsOptions& options) {
  static_assert(reflectable<S>, "fastapi: load_settings_or_exit<S> reads a plain struct: public data members"
                                " (docs/compile_errors.md#di-settings-not-struct)");
  static_assert(std::is_default_constructible_v<S>,
                "fastapi: load_settings_or_exit<S> value-initializes S, then assigns the members it finds"
                " (docs/compile_errors.md#settings)");
  std::vector<detail::AppFlag> flags;
  S defaults{};
  detail::collect_app_flags<S>(flags, defaults, "--", {}, options.env_prefix, options);
  detail::AppFlagValues values = detail::take_app_flags(argc, argv, flags);
  std::vector<detail::SettingsError> errors;
  S out{};
  try {
    detail::SettingsSource source(options);
    Json gathered = detail::gather_settings<S>(source, detail::ascii_lower(options.env_prefix));
    detail::overlay_flag_values(gathered, values);
    detail::validate_settings<S>(gathered, out, "", errors);
  } catch (const ConfigurationError& e) {  // an unreadable env_file
    std::fprintf(stderr, "%s\n", e.what());
    std::fflush(stderr);
    std::exit(1);
  }
  if (!errors.empty()) detail::exit_on_settings_errors(detail::settings_model_name<S>(), errors, values);
  return out;
}

// ---- implementation --------------------------------------------------------------------------

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE detail::AppFlagPlace detail::app_flag_place(const std::string& flag_prefix,
                                                                  const std::vector<std::string>& path,
                                                                  std::string_view wire, bool aliased,
                                                                  const std::string& env_prefix) {
  AppFlagPlace place{flag_prefix + ascii_lower(wire), path,
                     aliased ? std::string(wire) : env_prefix + std::string(wire)};
  for (std::size_t i = flag_prefix.size(); i < place.name.size(); ++i)
    if (place.name[i] == '_') place.name[i] = '-';
  place.path.emplace_back(wire);
  for (char& c : place.env)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return place;
}

FASTAPI_DETAIL_INLINE void detail::add_app_flag(std::vector<AppFlag>& out, AppFlagPlace place, bool is_switch,
                                                std::string_view metavar, std::string help) {
  help += "env " + place.env + ")";
  out.push_back(
      AppFlag{std::move(place.name), std::move(place.path), is_switch, std::string(metavar), std::move(help)});
}

FASTAPI_DETAIL_INLINE unsigned long detail::flag_number(std::string_view flag, std::string_view text,
                                                        unsigned long max) {
  unsigned long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v > max)
    throw std::invalid_argument("fastapi: " + std::string(flag) + " expects a number from 0 to " + std::to_string(max) +
                                ", got '" + std::string(text) + "'");
  return v;
}

FASTAPI_DETAIL_INLINE std::string detail::flag_text(std::string_view flag, std::string_view text) {
  if (text.empty()) throw std::invalid_argument("fastapi: " + std::string(flag) + " needs a value, got ''");
  return std::string(text);
}

FASTAPI_DETAIL_INLINE std::optional<LogLevel> detail::log_level_from_name(std::string_view name) {
  if (name == "trace" || name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warning") return LogLevel::warning;
  if (name == "error") return LogLevel::error;
  if (name == "critical") return LogLevel::critical;
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE void detail::reload_unsupported(CommandLine&, std::string_view) {
  throw std::invalid_argument(
      "fastapi: --reload: a compiled app cannot reload itself. Run its source under the edit loop, which rebuilds "
      "and restarts it on every save: bash scripts/dev.sh app.cpp [ARGS...] (docs/compile_time.md)");
}

namespace detail {
/// A server flag as --help shows it on the left: `  --port PORT`.
inline std::string help_left(const ServerFlag& flag) {
  std::string left = "  " + std::string(flag.name);
  if (!flag.metavar.empty()) left += " " + std::string(flag.metavar);
  return left;
}
inline constexpr std::string_view app_args_left = "  -- ARGS...";
}  // namespace detail

FASTAPI_DETAIL_INLINE std::size_t detail::help_column() {
  std::size_t longest = app_args_left.size();
  for (const ServerFlag& flag : server_flags) longest = std::max(longest, help_left(flag).size());
  return longest + 2;
}

FASTAPI_DETAIL_INLINE void detail::append_help_entry(std::string& out, std::string_view left, std::string_view help,
                                                     std::size_t column) {
  out += left;
  std::size_t at = left.size();  // the current line's length
  if (at + 2 > column) {
    out += '\n';
    at = 0;
  }
  out.append(column - at, ' ');
  at = column;
  bool first = true;
  for (std::size_t i = 0; i < help.size();) {
    std::size_t end = help.find(' ', i);
    if (end == std::string_view::npos) end = help.size();
    std::string_view word = help.substr(i, end - i);
    i = end + 1;
    if (word.empty()) continue;
    if (!first && at + 1 + word.size() > help_width) {  // a word longer than a whole line stays whole
      out += '\n';
      out.append(column, ' ');
      at = column;
    } else if (!first) {
      out += ' ';
      ++at;
    }
    out += word;
    at += word.size();
    first = false;
  }
  out += '\n';
}

FASTAPI_DETAIL_INLINE std::string command_line_help() {
  std::string out;
  const std::size_t column = detail::help_column();
  for (const detail::ServerFlag& flag : detail::server_flags)
    detail::append_help_entry(out, detail::help_left(flag), flag.help, column);
  detail::append_help_entry(out, detail::app_args_left, "everything after -- is the app's own (fa::app_args)", column);
  return out;
}

FASTAPI_DETAIL_INLINE const detail::ServerFlag* detail::find_server_flag(std::string_view name) {
  if (name == "-h") name = "--help";
  for (const ServerFlag& flag : server_flags)
    if (flag.name == name) return &flag;
  return nullptr;
}

FASTAPI_DETAIL_INLINE std::string detail::unknown_argument(std::string_view program, std::string_view arg) {
  std::string run = program.empty() ? std::string("app") : std::string(program);
  return "fastapi: unknown argument '" + std::string(arg) + "'. Try '" + run +
         " --help' for the options; an app's own flags are declared with fa::load_settings_or_exit<Settings>(argc, "
         "argv), or passed after --";
}

FASTAPI_DETAIL_INLINE std::optional<int> detail::print_help_or_version(int argc, char** argv,
                                                                       std::string_view app_help) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::string text = "Usage: " + std::string(argc > 0 && argv[0] ? argv[0] : "app") +
                         " [OPTIONS] [-- APP ARGS...]\n\nServer options:\n" + command_line_help();
      if (!app_help.empty()) text += "\nOptions of this app (flags win over the variables):\n" + std::string(app_help);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      return 0;
    }
    if (arg == "--version") {
      std::fputs("fastapi.hpp " FASTAPI_VERSION_STRING "\n", stdout);
      std::fflush(stdout);
      return 0;
    }
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE detail::CommandLine detail::parse_command_line(int argc, char** argv, Config base) {
  CommandLine out;
  out.config = load_config(std::move(base));  // FASTAPI_HOST, FASTAPI_PORT...: under PORT and the flags
  if (const char* env = std::getenv("PORT"); env && *env)
    out.config.port = static_cast<std::uint16_t>(flag_number("PORT", env, 65535));
  const std::string_view program = argc > 0 && argv[0] ? argv[0] : "";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;  // the rest is the app's own
    std::string_view key = arg;
    std::optional<std::string_view> value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const ServerFlag* flag = arg.starts_with("-") ? find_server_flag(key) : nullptr;
    if (!flag) throw std::invalid_argument(unknown_argument(program, arg));
    if (flag->metavar.empty() && value)
      throw std::invalid_argument("fastapi: " + std::string(key) + " takes no value, got '" + std::string(arg) + "'");
    if (!flag->metavar.empty() && !value) {
      if (i + 1 >= argc)
        throw std::invalid_argument("fastapi: " + std::string(key) + " needs a value (" + std::string(key) + " " +
                                    std::string(flag->metavar) + ")");
      value = argv[++i];
    }
    if (flag->apply) flag->apply(out, value.value_or(""));
  }
  return out;
}

FASTAPI_DETAIL_INLINE Config parse_args(int argc, char** argv, Config base) {
  return detail::parse_command_line(argc, argv, std::move(base)).config;
}

FASTAPI_DETAIL_INLINE std::vector<std::string_view> app_args(int argc, char** argv) {
  std::vector<std::string_view> out;
  int i = 1;
  while (i < argc && std::string_view(argv[i]) != "--") ++i;
  for (++i; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

FASTAPI_DETAIL_INLINE detail::AppFlagValues detail::take_app_flags(int& argc, char** argv,
                                                                   const std::vector<AppFlag>& flags) {
  auto fail = [](const std::string& sentence) {
    std::fprintf(stderr, "%s\n", sentence.c_str());
    std::fflush(stderr);
    std::exit(2);
  };
  std::string app_help;  // in the server flags' column, so that the two lists read as one table
  const std::size_t column = help_column();
  for (const AppFlag& flag : flags) {
    std::string left = "  " + flag.name + (flag.is_switch ? " / --no-" + flag.name.substr(2) : " " + flag.metavar);
    append_help_entry(app_help, left, flag.help, column);
  }
  if (std::optional<int> code = print_help_or_version(argc, argv, app_help)) std::exit(*code);
  const std::string_view program = argc > 0 && argv[0] ? argv[0] : "";
  AppFlagValues values;
  int kept = 1;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    std::string_view key = arg;
    std::optional<std::string_view> value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    // The app's name for the flag: lowercase, `_` read as `-` (pydantic-settings spells flags with `_`).
    std::string name = ascii_lower(key);
    for (std::size_t c = 2; c < name.size(); ++c)
      if (name[c] == '_') name[c] = '-';
    bool negated = false;
    const AppFlag* mine = nullptr;
    for (const AppFlag& flag : flags) {
      negated = flag.is_switch && name == "--no-" + flag.name.substr(2);
      if (flag.name == name || negated) {
        mine = &flag;
        break;
      }
    }
    const ServerFlag* server = key.starts_with("-") ? find_server_flag(key) : nullptr;
    if (!mine && !server) fail(unknown_argument(program, arg));
    if (server) {  // stays for run(argc, argv), which checks it; a member of the same name reads it too
      argv[kept++] = argv[i];
      if (!server->metavar.empty() && !value && i + 1 < argc) {
        value = argv[++i];
        argv[kept++] = argv[i];
      }
      if (mine && value) values.emplace_back(mine->path, std::string(*value));
      continue;
    }
    if (mine->is_switch) {
      if (negated && value) fail("fastapi: " + std::string(key) + " takes no value, got '" + std::string(arg) + "'");
      values.emplace_back(mine->path, negated ? "false" : value ? std::string(*value) : "true");
      continue;
    }
    if (!value) {
      if (i + 1 >= argc)
        fail("fastapi: " + std::string(key) + " needs a value (" + mine->name + " " + mine->metavar + ")");
      value = argv[++i];
    }
    values.emplace_back(mine->path, std::string(*value));
  }
  for (; i < argc; ++i) argv[kept++] = argv[i];  // `--` and the app's arguments after it
  if (kept < argc) argv[kept] = nullptr;         // argv[argc] is a null pointer, as main's
  argc = kept;
  return values;
}

FASTAPI_DETAIL_INLINE void detail::overlay_flag_values(Json& gathered, const AppFlagValues& values) {
  for (const auto& [path, value] : values) {
    Json* level = &gathered;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      Json& next = (*level)[path[i]];
      if (!next.is_object()) next = Json::object({});
      level = &next;
    }
    (*level)[path.back()] = value;
  }
}

FASTAPI_DETAIL_INLINE void detail::exit_on_settings_errors(std::string_view model,
                                                           const std::vector<SettingsError>& errors,
                                                           const AppFlagValues& values) {
  int code = 1;
  for (const SettingsError& error : errors) {
    for (const auto& [path, value] : values) {
      std::string loc;
      for (const std::string& step : path) loc += (loc.empty() ? "" : ".") + step;
      if (error.loc == loc || error.loc.starts_with(loc + ".")) code = 2;
    }
  }
  std::string text = format_settings_errors(model, errors);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  std::exit(code);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
