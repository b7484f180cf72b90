// examples/13_calling_services.cpp: calling another HTTP service from a handler, the right way and the wrong way.
//   GET /price?sku=A1           -> {"sku":"A1","price":12.5,"via":"async"}     awaits the upstream: the loop
//                                   serves other requests meanwhile (hundreds of calls in flight on one worker)
//   GET /price-blocking?sku=A1  -> {"sku":"A1","price":12.5,"via":"blocking"}  a blocking socket call on the
//                                   loop: while it waits, this worker serves NOTHING else (the classic outage)
//   GET /health                 -> {"status":"ok"}
// The upstream is a second fa::App in this process (its own thread and port), started in the lifespan: its
// GET /slow?sku=... answers after 400 ms (an `await asyncio.sleep(0.4)` in FastAPI terms).
// Run: ./13_calling_services [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
// Both apps print `Listening on http://127.0.0.1:<port>` (the upstream first); the log (stderr) says which is
// the upstream.
// bench/upstream.sh measures both routes with wrk -c200: about 500 req/s against 2.5 req/s on one worker.
#include <chrono>
#include <string>
#include <thread>

#include "fastapi.hpp"

#include <asio.hpp>  // the blocking call below is plain Asio (fastapi.hpp, built separately, does not include it)

namespace fa = fastapi;
using namespace std::chrono_literals;

struct Quote {
  std::string sku;
  double price = 0;
};

struct PricedQuote {
  std::string sku;
  double price = 0;
  std::string via;
};

/// The upstream service: an app of its own, on a free port, in a thread of its own.
struct Upstream {
  fa::App app{{.title = "Slow pricing service"}};
  std::thread thread;
  std::uint16_t port = 0;

  void start() {
    app.get("/slow", [](fa::Query<"sku", std::string, fa::Literal{"A1"}> sku) -> fa::Task<Quote> {
      co_await fa::sleep(400ms);  // a slow dependency of its own: a database, a model, another service
      co_return Quote{*sku, 12.5};
    });
    fa::Config config;
    config.port = 0;
    config.workers = 1;
    config.handle_signals = false;  // the main app owns SIGINT/SIGTERM and stops this one in its lifespan
    thread = std::thread([this, config] { app.run(config); });
    port = app.wait_until_listening();
    fa::log(fa::LogLevel::info, "upstream (answers after 400 ms) on http://127.0.0.1:" + std::to_string(port));
  }
  void stop() {
    app.stop();
    if (thread.joinable()) thread.join();
  }
};

/// The wrong way, on purpose: a plain blocking HTTP call (what `requests.get` is inside an `async def`).
/// Each call holds the event loop for the whole 400 ms.
Quote blocking_quote(std::uint16_t port, const std::string& sku) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string request =
      "GET /slow?sku=" + fa::percent_encode(sku, true) + " HTTP/1.1\r\nHost: upstream\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::string response;
  asio::error_code ec;
  char buffer[4096];
  for (std::size_t n; (n = socket.read_some(asio::buffer(buffer), ec)) > 0 || !ec;) response.append(buffer, n);
  std::size_t body = response.find("\r\n\r\n");
  if (!response.starts_with("HTTP/1.1 200") || body == std::string::npos) throw fa::HTTPException(502, "Bad Gateway");
  return fa::read_json<Quote>(std::string_view(response).substr(body + 4));
}

int main(int argc, char** argv) {
  fa::App app{
      {.title = "Prices", .description = "Calls a slow upstream with fa::HttpClient (and, to compare, without)"}};

  app.lifespan([](fa::App& app) -> fa::Yield<void> {
    Upstream& upstream = app.state<Upstream>();
    upstream.start();
    // One client for the whole app, shared by every worker; enough connections for 200 calls in flight.
    app.state<fa::HttpClient>(fa::ClientOptions{.base_url = "http://127.0.0.1:" + std::to_string(upstream.port),
                                                .timeout = 5s,
                                                .max_connections_per_host = 1024,
                                                .max_idle_per_host = 1024});
    co_yield {};
    upstream.stop();  // after this app has drained: no call to it is in flight any more
  });

  // The right way: the handler is suspended while the upstream works; the loop serves others.
  app.get("/price",
          [](fa::State<fa::HttpClient> client,
             fa::Query<"sku", std::string, fa::Literal{"A1"}> sku) -> fa::Task<PricedQuote> {
            fa::ClientResponse r = co_await client->get("/slow", {.params = {{"sku", *sku}}});
            if (r.status != 200) throw fa::HTTPException(502, "Bad Gateway");
            Quote q = r.json<Quote>();  // a body that does not fit: fa::UpstreamValidationError (a 500, logged)
            co_return PricedQuote{q.sku, q.price, "async"};
          });

  // The wrong way: a plain (non-blocking-route) handler runs on the loop and blocks it for 400 ms.
  // In a debug build the loop-stall warning names this route in the log.
  app.get("/price-blocking", [](fa::State<Upstream> upstream, fa::Query<"sku", std::string, fa::Literal{"A1"}> sku) {
    Quote q = blocking_quote(upstream->port, *sku);
    return PricedQuote{q.sku, q.price, "blocking"};
  });

  app.get("/health", [] { return fa::Json{{"status", "ok"}}; });

  // Upstream failures become 502/504 for our clients instead of a bare 500.
  app.exception_handler<fa::ClientError>([](fa::Request&, const fa::ClientError& e) {
    fa::log(fa::LogLevel::warning, e.what());
    int status = e.is_timeout() ? 504 : 502;
    return fa::JSONResponse(fa::Json{{"detail", e.is_timeout() ? "Upstream timed out" : "Bad Gateway"}}, status);
  });

  return app.run(argc, argv);
}
