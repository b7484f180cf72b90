// app/cli.hpp: the command line an app reads, as uvicorn reads it: `--host H --port N --workers N
// --access-log --log-level L`, PORT from the environment, `--help`, `--version`, and everything after `--` the
// app's own. Fed by main's argc/argv (App::run(argc, argv)); feeds fa::Config and the app's Logger. Knows
// nothing of requests or routes.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/version.hpp"
#include "fastapi/di/settings.hpp"

namespace fastapi {

/// Reads `--host H`, `--port N` (also `--port=N` forms), `--workers N`, `--access-log` / `--no-access-log` and
/// the FASTAPI_ variables (fa::load_config; a bad one throws fa::ConfigurationError) and the PORT variable into
/// `base`; `--log-level L` is checked here and applied by App::run(argc, argv). Stops at
/// `--`: what follows is the app's own (app_args()).
/// Unknown arguments or bad numbers throw std::invalid_argument with a sentence.
Config parse_args(int argc, char** argv, Config base = {});
/// The arguments after `--`, the app's own: `./app --port 9000 -- --db ./data.sqlite` -> {"--db", "./data.sqlite"}.
std::vector<std::string_view> app_args(int argc, char** argv);
/// What `--help` prints: the flags App::run(argc, argv) reads, one line each.
inline constexpr std::string_view command_line_help =
    "Options:\n"
    "  --host HOST             bind to this address (default 127.0.0.1)\n"
    "  --port PORT             bind to this port (default 8000, or the PORT variable; 0 picks a free one)\n"
    "  --workers N             event-loop threads (default: one per hardware thread)\n"
    "  --access-log            one line per request (--no-access-log: none, the default)\n"
    "  --log-level LEVEL       debug, info, warning or error (uvicorn's trace and critical also read)\n"
    "  --uds PATH              listen on this Unix socket instead of host:port\n"
    "  --ssl-certfile FILE     serve HTTPS with this certificate chain (PEM; needs FASTAPI_ENABLE_TLS)\n"
    "  --ssl-keyfile FILE      its private key (PEM; default: in the certfile)\n"
    "  --ssl-keyfile-password P  the key's passphrase\n"
    "  --ssl-ca-certs FILE     CA certificates that client certificates are checked against\n"
    "  --ssl-cert-reqs N       client certificates: 0 none (default), 1 optional, 2 required\n"
    "  --version               print the version of fastapi.hpp and exit\n"
    "  --help                  print this and exit\n"
    "  -- ARGS...              everything after -- is the app's own\n";
namespace detail {
/// `--log-level`'s value as a level (uvicorn's names; trace reads as debug, critical as error), or nullopt.
std::optional<LogLevel> log_level_from_name(std::string_view name);
}  // namespace detail
namespace detail {
/// `--help` (usage and command_line_help) or `--version` printed, and the exit code 0; nullopt when neither
/// comes before `--`.
std::optional<int> print_help_or_version(int argc, char** argv);
/// The level of the last `--log-level` before `--` (parse_args has checked its value), or nullopt.
std::optional<LogLevel> log_level_argument(int argc, char** argv);
/// uvicorn's transport flags, which take a value: --uds and the --ssl-* ones.
inline bool is_transport_flag(std::string_view key) {
  return key == "--uds" || key == "--ssl-certfile" || key == "--ssl-keyfile" || key == "--ssl-keyfile-password" ||
         key == "--ssl-ca-certs" || key == "--ssl-cert-reqs";
}
/// Sets the Config field of a transport flag (is_transport_flag); --ssl-cert-reqs must be 0, 1 or 2.
inline void apply_transport_flag(Config& c, std::string_view key, std::string_view value) {
  if (key == "--ssl-cert-reqs") {
    if (value != "0" && value != "1" && value != "2")
      throw std::invalid_argument("fastapi: --ssl-cert-reqs expects 0 (none), 1 (optional) or 2 (required), got '" +
                                  std::string(value) + "'");
    c.ssl_cert_reqs = value[0] - '0';
    return;
  }
  std::string& field = key == "--uds"            ? c.uds
                       : key == "--ssl-certfile" ? c.ssl_certfile
                       : key == "--ssl-keyfile"  ? c.ssl_keyfile
                       : key == "--ssl-ca-certs" ? c.ssl_ca_certs
                                                 : c.ssl_keyfile_password;
  field = std::string(value);
}
/// This process's id, for the `Started server process [PID]` line.
inline long process_id() {
#ifdef _WIN32
  return static_cast<long>(::_getpid());
#else
  return static_cast<long>(::getpid());
#endif
}
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<int> detail::print_help_or_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::cout << "Usage: " << (argc > 0 ? argv[0] : "app") << " [OPTIONS] [-- APP ARGS...]\n\n" << command_line_help;
      return 0;
    }
    if (arg == "--version") {
      std::cout << "fastapi.hpp " << FASTAPI_VERSION_STRING << "\n";
      return 0;
    }
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE std::optional<LogLevel> detail::log_level_argument(int argc, char** argv) {
  std::optional<LogLevel> level;
  for (int i = 1; i < argc; ++i) {  // the last --log-level wins
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--log-level" && i + 1 < argc) {
      level = log_level_from_name(argv[++i]);
    } else if (arg.starts_with("--log-level=")) {
      level = log_level_from_name(arg.substr(12));
    }
  }
  return level;
}

FASTAPI_DETAIL_INLINE std::vector<std::string_view> app_args(int argc, char** argv) {
  std::vector<std::string_view> out;
  int i = 1;
  while (i < argc && std::string_view(argv[i]) != "--") ++i;
  for (++i; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

FASTAPI_DETAIL_INLINE std::optional<LogLevel> detail::log_level_from_name(std::string_view name) {
  if (name == "trace" || name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warning") return LogLevel::warning;
  if (name == "error" || name == "critical") return LogLevel::error;
  return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

inline Config parse_args(int argc, char** argv, Config base) {
  auto number = [](std::string_view name, std::string_view text, unsigned long max) {
    unsigned long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v > max)
      throw std::invalid_argument("fastapi: " + std::string(name) + " expects a number up to " + std::to_string(max) +
                                  ", got '" + std::string(text) + "'");
    return v;
  };
  base = load_config(std::move(base));  // FASTAPI_HOST, FASTAPI_PORT...: under PORT and the flags
  if (const char* env = std::getenv("PORT"); env && *env)
    base.port = static_cast<std::uint16_t>(number("PORT", env, 65535));
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;  // the rest is the app's own
    std::string_view value;
    std::string_view key = arg;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (arg == "--host" || arg == "--port" || arg == "--workers" || arg == "--log-level" ||
               detail::is_transport_flag(arg)) {
      if (i + 1 >= argc) throw std::invalid_argument("fastapi: " + std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (key == "--host") {
      base.host = std::string(value);
    } else if (key == "--port") {
      base.port = static_cast<std::uint16_t>(number("--port", value, 65535));
    } else if (key == "--workers") {
      base.workers = static_cast<unsigned>(number("--workers", value, 1024));
    } else if (arg == "--access-log" || arg == "--no-access-log") {
      base.access_log = arg == "--access-log";
    } else if (detail::is_transport_flag(key)) {
      detail::apply_transport_flag(base, key, value);
    } else if (key == "--log-level") {
      if (!detail::log_level_from_name(value))
        throw std::invalid_argument("fastapi: --log-level expects debug, info, warning or error, got '" +
                                    std::string(value) + "'");
    } else {
      throw std::invalid_argument("fastapi: unknown argument '" + std::string(arg) +
                                  "' (known: --host HOST, --port PORT, --workers N, --access-log, --log-level LEVEL, "
                                  "--uds PATH, --ssl-certfile FILE, --ssl-keyfile FILE, --ssl-keyfile-password P, "
                                  "--ssl-ca-certs FILE, --ssl-cert-reqs N, "
                                  "--version, --help; the app's own arguments go after --)");
    }
  }
  return base;
}

}  // namespace fastapi
