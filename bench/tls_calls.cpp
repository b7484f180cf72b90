// bench/tls_calls.cpp: outbound HTTPS calls per second through fa::HttpClient, for bench/tls.sh: CONCURRENCY
// callers on one event loop, each calling URL again and again for SECONDS over kept-alive TLS connections (the
// client's pool). Prints "calls_per_second errors". Trust: SSL_CERT_FILE, as any OpenSSL client.
// Usage: tls_calls URL CONCURRENCY SECONDS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;
using Clock = std::chrono::steady_clock;

fa::Task<void> caller(fa::HttpClient& client, std::string url, Clock::time_point end, long& calls, long& errors) {
  while (Clock::now() < end) {
    try {
      fa::ClientResponse r = co_await client.get(url);
      ++(r.status == 200 ? calls : errors);
    } catch (const fa::ClientError&) {
      ++errors;
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: tls_calls URL CONCURRENCY SECONDS\n");
    return 2;
  }
  std::string url = argv[1];
  int concurrency = std::atoi(argv[2]);
  auto seconds = std::chrono::duration<double>(std::atof(argv[3]));
  asio::io_context io;
  fa::detail::LoopScope scope(fa::detail::LoopContext{&io, nullptr, {}, {}});  // one loop, as a worker's
  fa::HttpClient client(fa::ClientOptions{.max_connections_per_host = static_cast<std::size_t>(concurrency),
                                          .max_idle_per_host = static_cast<std::size_t>(concurrency)});
  long calls = 0, errors = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(seconds);
  for (int i = 0; i < concurrency; ++i) fa::detail::spawn(caller(client, url, end, calls, errors));
  io.run();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%.0f %ld\n", calls / elapsed, errors);
  return errors ? 1 : 0;
}
