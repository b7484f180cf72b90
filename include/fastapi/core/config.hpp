// core/config.hpp: every FASTAPI_ macro and the runtime fa::Config. Feeds every station; knows nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>

// Clang 14 with libstdc++: Asio 1.22 does not detect C++20 coroutines on its own.
#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT)
#define ASIO_HAS_CO_AWAIT 1
#endif
#if defined(__clang__) && !defined(ASIO_HAS_STD_COROUTINE)
#define ASIO_HAS_STD_COROUTINE 1
#endif

// Where the library's non-template functions are compiled (docs/compile_time.md). Header-only by default:
// every translation unit that includes fastapi.hpp compiles those it uses. With FASTAPI_SEPARATE_COMPILATION
// defined for every translation unit of the program, only the one that also defines FASTAPI_IMPLEMENTATION
// compiles them (the server, the parser, the app, OpenAPI, the client...), and the others see declarations:
//
//   // fastapi_impl.cpp: the whole file                   CMake: link fastapi::impl instead of fastapi::fastapi
//   #define FASTAPI_IMPLEMENTATION
//   #include "fastapi.hpp"
//
// Templates are compiled where they are used, in both modes. FASTAPI_DETAIL_INLINE marks the functions
// concerned; FASTAPI_DETAIL_DEFINE_FUNCTIONS is 1 where their bodies are compiled. Both are internal:
// core/macro_unscope.hpp, the umbrella's last module, undoes them.
//
// A virtual function defined below its class carries FASTAPI_DETAIL_INLINE on its declaration in the class
// too. The Itanium C++ ABI (g++, clang++) emits a class's vtable, and so every virtual function and all they
// call, in each file that defines the class's key function: its first virtual function that is neither pure
// nor inline where the class is defined. Inline only at its definition below, that function would be a key
// function defined in every header-only file: each would compile the server, App::handle and all they reach
// (~4,900 functions at clang++ -O0 for an empty file), whether it uses the class or not. Declared inline, the
// class has no key function and its vtable is emitted where an object of it is made; in separate mode the
// macro is empty and the key function keeps the vtable in fastapi_impl.o. tests/tools/test_key_functions.py
// checks it.
#if defined(FASTAPI_SEPARATE_COMPILATION)
#define FASTAPI_DETAIL_INLINE
#if defined(FASTAPI_IMPLEMENTATION)
#define FASTAPI_DETAIL_DEFINE_FUNCTIONS 1
#if defined(__GNUC__) && !defined(__clang__)
// g++ 12 warns that the frame of a coroutine defined in a header, outside an inline function, holds a local
// lambda's type (which has no linkage). The frame is private to this one translation unit: harmless.
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
#else
#define FASTAPI_DETAIL_DEFINE_FUNCTIONS 0
#endif
#else
#define FASTAPI_DETAIL_INLINE inline
#define FASTAPI_DETAIL_DEFINE_FUNCTIONS 1
#endif
// FASTAPI_DETAIL_ASIO is 1 where Asio is included, with the declarations that name its types (the server, the
// connection, the client's sockets): where the library's functions are compiled. A file of the separate mode sees
// neither (its compile skips Asio's headers) unless it defines FASTAPI_TESTING_INTERNALS (the suite's files that
// drive the internals do); the classes' layouts never depend on it.
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS || defined(FASTAPI_TESTING_INTERNALS)
#define FASTAPI_DETAIL_ASIO 1
#else
#define FASTAPI_DETAIL_ASIO 0
#endif

// simdjson's configuration, pinned for every translation unit. simdjson chooses the layout of its parsers
// from the compiler's flags: `-pthread` (_REENTRANT) adds a member to dom::parser
// (SIMDJSON_THREADS_ENABLED), and a build without -O adds one to ondemand::parser
// (SIMDJSON_DEVELOPMENT_CHECKS). Their functions are inline, so two translation units built with different
// flags (fastapi_impl.cpp without -pthread, app.cpp with it) link into one program whose parsers have two
// layouts: every app with a model crashed at startup. Pinned here, before <simdjson.h>, every combination of
// flags gives one layout. To change either, define it for the whole program.
#if !defined(SIMDJSON_H)
#if !defined(SIMDJSON_THREADS_ENABLED)
#define SIMDJSON_THREADS_ENABLED 1
#endif
#if !defined(SIMDJSON_DEVELOPMENT_CHECKS)
#define SIMDJSON_DEVELOPMENT_CHECKS 0
#endif
#elif !defined(SIMDJSON_THREADS_ENABLED) || (defined(SIMDJSON_DEVELOPMENT_CHECKS) && SIMDJSON_DEVELOPMENT_CHECKS)
#error \
    "fastapi: <simdjson.h> was included before fastapi.hpp, with another configuration than fastapi.hpp pins (SIMDJSON_THREADS_ENABLED on, SIMDJSON_DEVELOPMENT_CHECKS 0): include fastapi.hpp first, or define both macros so for the whole program"
#endif
#if defined(SIMDJSON_DEVELOPMENT_CHECKS) && SIMDJSON_DEVELOPMENT_CHECKS
#define FASTAPI_DETAIL_SIMDJSON_CONFIGURATION simdjson_threads_on_development_checks_on
#else
#define FASTAPI_DETAIL_SIMDJSON_CONFIGURATION simdjson_threads_on_development_checks_off
#endif
// With separate compilation, a translation unit whose simdjson configuration differs from fastapi_impl.cpp's
// (a SIMDJSON_ macro given to one of them only) fails to link, naming the configuration it was built with:
//   undefined reference to `fastapi::detail::configuration_of_fastapi_impl_differs::simdjson_threads_on_...'
#if defined(FASTAPI_SEPARATE_COMPILATION)
namespace fastapi::detail::configuration_of_fastapi_impl_differs {
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
extern const int FASTAPI_DETAIL_SIMDJSON_CONFIGURATION;
const int FASTAPI_DETAIL_SIMDJSON_CONFIGURATION = 1;
#else
extern const int FASTAPI_DETAIL_SIMDJSON_CONFIGURATION;
// One reference per translation unit, kept by the compiler even though nothing reads it.
[[maybe_unused]] __attribute__((used)) static const int* const simdjson_configuration_check =
    &FASTAPI_DETAIL_SIMDJSON_CONFIGURATION;
#endif
}  // namespace fastapi::detail::configuration_of_fastapi_impl_differs
#endif
#undef FASTAPI_DETAIL_SIMDJSON_CONFIGURATION  // used above only

/// Largest request body accepted by default, in bytes (413 above it). Per app: Config::max_body_size.
#ifndef FASTAPI_MAX_BODY_SIZE
#define FASTAPI_MAX_BODY_SIZE (1u << 20)
#endif
/// Largest request line (method, target, version), in bytes (414 above it).
#ifndef FASTAPI_MAX_REQUEST_LINE
#define FASTAPI_MAX_REQUEST_LINE 8192u
#endif
/// Largest header block (request line included), in bytes (431 above it).
#ifndef FASTAPI_MAX_HEADER_BYTES
#define FASTAPI_MAX_HEADER_BYTES 16384u
#endif
/// Most header field lines in one request, every line counted (Host included; 431 above it). As generous
/// as Node's maxHeadersCount (2000); nginx and h11 count bytes only: FASTAPI_MAX_HEADER_BYTES is the main guard.
#ifndef FASTAPI_MAX_HEADERS
#define FASTAPI_MAX_HEADERS 2000u
#endif
/// Most `{name}` parameters one route template may capture.
#ifndef FASTAPI_MAX_PATH_PARAMS
#define FASTAPI_MAX_PATH_PARAMS 16u
#endif
/// Default port of app.run() when neither --port nor PORT says otherwise.
#ifndef FASTAPI_DEFAULT_PORT
#define FASTAPI_DEFAULT_PORT 8000
#endif

// Opt-in features (define them for the whole program, every translation unit, not per file):
// FASTAPI_ENABLE_GZIP     fa::GZipMiddleware (middleware/gzip.hpp) and WebSocket permessage-deflate
//                         (websocket/deflate.hpp); link zlib (-lz, CMake ZLIB::ZLIB).
// FASTAPI_ENABLE_TLS      https:// for fa::HttpClient (client/tls.hpp); link OpenSSL (-lssl -lcrypto, CMake
//                         OpenSSL::SSL).

namespace fastapi {

/// Limits of one `multipart/form-data` body (http/multipart.hpp's parser) and where its files are kept
/// (http/upload.hpp). The counts and the field size are Starlette's defaults. App-wide in Config::multipart,
/// per route in RouteOptions::multipart: `{.multipart = fa::MultipartLimits{.max_files = 1}}`.
struct MultipartLimits {
  std::size_t max_fields = 1000;              ///< parts without a filename (Starlette's max_fields); 400 above
  std::size_t max_files = 1000;               ///< parts with a filename (Starlette's max_files); 400 above
  std::size_t max_part_header_bytes = 16384;  ///< one part's header block, CRLFs included; 400 above
  std::size_t max_part_headers = 64;          ///< header lines of one part; 400 above
  std::size_t max_field_bytes = 1 << 20;      ///< a non-file part's value (Starlette's max_part_size); 400 above
  std::size_t max_body_bytes = std::numeric_limits<std::size_t>::max();  ///< every byte fed; 413 above
  /// An UploadFile is kept in memory up to this many bytes, then in a temporary file (Starlette's
  /// SpooledTemporaryFile threshold, 1 MiB). Not a limit: the parser does not read it.
  std::size_t spool_max_size = 1 << 20;
};

/// Runtime settings of a server. Every field has a production-safe default;
/// `fa::App app{{.title = "..."}}; app.run({.port = 9000, .workers = 2});`
struct Config {
  std::string host = "127.0.0.1";                           ///< address to bind
  std::uint16_t port = FASTAPI_DEFAULT_PORT;                ///< 0 picks a free port
  unsigned workers = 0;                                     ///< event-loop threads; 0 = hardware concurrency
  unsigned blocking_threads = 8;                            ///< pool for to_thread() and .blocking routes
  std::size_t blocking_queue = 1024;                        ///< queued blocking jobs beyond the pool; more -> 503
  std::size_t max_body_size = FASTAPI_MAX_BODY_SIZE;        ///< 413 above it
  std::size_t max_request_line = FASTAPI_MAX_REQUEST_LINE;  ///< 414 above it
  std::size_t max_header_bytes = FASTAPI_MAX_HEADER_BYTES;  ///< 431 above it
  std::size_t max_headers = FASTAPI_MAX_HEADERS;            ///< field lines, Host included; 431 above it
  std::size_t max_connections = 10000;                      ///< accepting pauses at this many open connections
  std::chrono::milliseconds header_timeout{10000};          ///< whole head must arrive within it (408)
  std::chrono::milliseconds body_timeout{30000};            ///< whole body must arrive within it (408)
  std::chrono::milliseconds keep_alive_timeout{5000};       ///< idle keep-alive connection is closed after it
  std::chrono::milliseconds write_timeout{30000};           ///< a client that reads no response is dropped
  std::chrono::milliseconds graceful_timeout{30000};        ///< SIGTERM: in-flight requests get this long
#ifdef NDEBUG
  std::chrono::milliseconds stall_warning{0};  ///< log when a handler holds the loop longer; 0 = off
#else
  std::chrono::milliseconds stall_warning{100};
#endif
  std::size_t ws_max_size = 16 * 1024 * 1024;         ///< largest WebSocket message accepted (uvicorn's); 1009 above it
  std::chrono::milliseconds ws_ping_interval{20000};  ///< a keep-alive ping to each WebSocket this often; 0 = none
  std::chrono::milliseconds ws_ping_timeout{20000};   ///< no pong within it: closed with 1011 (as uvicorn)
  bool ws_per_message_deflate = true;         ///< negotiate permessage-deflate (uvicorn's); needs FASTAPI_ENABLE_GZIP
  int ws_deflate_max_window_bits = 15;        ///< 9..15: zlib window; ~300 KiB per socket at 15, ~50 KiB at 12
  std::string server_header = "fastapi.hpp";  ///< `Server:` value; empty = no header
  bool handle_signals = true;                 ///< SIGINT/SIGTERM drain and stop run()
  bool reuse_port = true;                     ///< one SO_REUSEPORT acceptor per worker; false: one shared acceptor
  bool redirect_slashes = true;               ///< /items/ <-> /items answered with 307
  std::string root_path{};      ///< the prefix a proxy strips (uvicorn's --root-path): req.root_path; AppOptions' wins
  MultipartLimits multipart{};  ///< multipart/form-data bodies: parts, files, sizes, spooling
  bool access_log = false;      ///< uvicorn's access line per request via the app's logger (--access-log); for JSON
                                ///< lines or a sink of your own, add fa::AccessLogMiddleware yourself
  // Where else to listen, and TLS (uvicorn's names and meanings; docs/deployment.md). TLS needs
  // FASTAPI_ENABLE_TLS (OpenSSL); without it, setting an ssl_ field is an error at startup.
  std::string uds{};                   ///< listen on this Unix socket (mode 0666) instead of host:port (--uds)
  std::string ssl_certfile{};          ///< PEM certificate chain: serve HTTPS (--ssl-certfile)
  std::string ssl_keyfile{};           ///< PEM private key; empty: in ssl_certfile (--ssl-keyfile)
  std::string ssl_keyfile_password{};  ///< the key's passphrase, when it is encrypted (--ssl-keyfile-password)
  std::string ssl_ca_certs{};  ///< CA certificates that client certificates are checked against (--ssl-ca-certs)
  int ssl_cert_reqs = 0;       ///< client certificates: 0 not asked, 1 checked if sent, 2 required (--ssl-cert-reqs)

  /// The number of worker threads run() will start.
  unsigned worker_count() const {
    if (workers) return workers;
    unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
  }
};

}  // namespace fastapi
