// bench/parser_bench.cpp: ns per request of fastapi::RequestParser beside Node's http_parser 2.9
// (Debian libhttp-parser-dev) on three requests: a browser GET, an API POST with a JSON body, and a
// batch of 16 pipelined small GETs. Both sides record the request line and every header as views and
// find the body, so they do comparable work; ours also validates strictly (RFC 9112), splits and
// percent-decodes the target and splits the query, which http_parser leaves to http_parser_parse_url
// (the third column, "http_parser+url", adds that call).
// Build: g++ -std=c++20 -O2 -DNDEBUG -Iinclude bench/parser_bench.cpp -o parser_bench -lhttp_parser
// Run:   ./parser_bench                    wall-clock table (best of 7 batches per cell)
//        ./parser_bench --callgrind PARSER CORPUS ITERS   one cell, instructions collected only inside
//        the loop (valgrind --tool=callgrind --collect-atstart=no); bench/parser_bench.sh does this.
// One machine-readable line per cell: BENCH parser corpus=... parser=... ns_per_request=...
#include <http_parser.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/http/request_parser.hpp"

namespace {

struct Corpus {
  const char* name;
  std::string data;
  int requests;  // requests in data
};

std::vector<Corpus> make_corpus() {
  std::vector<Corpus> c;
  c.push_back({"browser-get",
               "GET /wiki/Special:Search?search=fast%20api&go=Go&ns0=1 HTTP/1.1\r\n"
               "Host: en.wikipedia.org\r\n"
               "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
               "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
               "Accept-Language: en-US,en;q=0.5\r\n"
               "Accept-Encoding: gzip, deflate, br\r\n"
               "Referer: https://en.wikipedia.org/wiki/Main_Page\r\n"
               "Connection: keep-alive\r\n"
               "Cookie: enwikimwuser-sessionId=3f2a9c1b7e6d4a5f8b0c; WMF-Last-Access=23-Nov-2026; theme=dark\r\n"
               "Upgrade-Insecure-Requests: 1\r\n"
               "Sec-Fetch-Dest: document\r\n"
               "Sec-Fetch-Mode: navigate\r\n"
               "\r\n",
               1});
  std::string body =
      R"({"name":"Widget","description":"A small widget","price":12.5,"tags":["tools","home"],"in_stock":true})";
  c.push_back({"api-post",
               "POST /api/v1/items?dry_run=false HTTP/1.1\r\n"
               "Host: api.example.com\r\n"
               "User-Agent: python-httpx/0.27.0\r\n"
               "Accept: application/json\r\n"
               "Accept-Encoding: gzip, deflate\r\n"
               "Connection: keep-alive\r\n"
               "Content-Type: application/json\r\n"
               "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl\r\n"
               "Content-Length: " +
                   std::to_string(body.size()) +
                   "\r\n"
                   "\r\n" +
                   body,
               1});
  std::string one = "GET /plaintext HTTP/1.1\r\n"
                    "Host: 127.0.0.1:8080\r\n"
                    "User-Agent: wrk/4.1.0\r\n"
                    "Accept: text/plain,text/html;q=0.9\r\n"
                    "Connection: keep-alive\r\n"
                    "\r\n";
  std::string batch;
  for (int i = 0; i < 16; ++i) batch += one;
  c.push_back({"pipelined-16", batch, 16});
  return c;
}

// ---- ours ----

struct Ours {
  fastapi::detail::Arena arena;
  fastapi::Request req;
  fastapi::RequestParser parser;
  Ours() { req.arena = &arena; }

  std::size_t path_bytes = 0;
  // Parses every request in data; returns headers seen + body bytes (the same checksum as HttpParser's).
  std::size_t parse_all(std::string_view data) {
    std::size_t sum = 0;
    while (!data.empty()) {
      parser.reset();
      req.reset();
      arena.reset();
      if (parser.parse_head(data, req) != fastapi::RequestParser::Result::complete) {
        std::fprintf(stderr, "ours: parse failed: %d %.*s\n", parser.error().status,
                     static_cast<int>(parser.error().reason.size()), parser.error().reason.data());
        std::exit(1);
      }
      std::size_t used = parser.head_size();
      std::size_t body = req.content_length.value_or(0);
      req.body = data.substr(used, body);
      sum += req.headers.size() + req.body.size();
      path_bytes += req.path.size();
      data.remove_prefix(used + body);
    }
    return sum;
  }
};

// ---- http_parser ----

struct View {
  const char* p;
  std::size_t n;
};

struct HpState {
  View url{};
  View names[64];
  View values[64];
  std::size_t headers = 0;
  std::size_t body = 0;
  std::size_t messages = 0;
  std::size_t sum = 0;
  std::size_t path_bytes = 0;
  bool parse_url = false;
  http_parser_url u{};
};

int hp_on_message_begin(http_parser* p) {
  auto* s = static_cast<HpState*>(p->data);
  s->headers = 0;
  s->body = 0;
  return 0;
}
int hp_on_url(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<HpState*>(p->data);
  s->url = {at, n};
  return 0;
}
int hp_on_header_field(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<HpState*>(p->data);
  if (s->headers < 64) s->names[s->headers] = {at, n};
  return 0;
}
int hp_on_header_value(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<HpState*>(p->data);
  if (s->headers < 64) s->values[s->headers] = {at, n};
  ++s->headers;
  return 0;
}
int hp_on_headers_complete(http_parser* p) {
  auto* s = static_cast<HpState*>(p->data);
  if (s->parse_url) {
    http_parser_url_init(&s->u);
    if (http_parser_parse_url(s->url.p, s->url.n, p->method == HTTP_CONNECT, &s->u) != 0) return 1;
    s->path_bytes += s->u.field_data[UF_PATH].len;
  }
  return 0;
}
int hp_on_body(http_parser* p, const char*, std::size_t n) {
  static_cast<HpState*>(p->data)->body += n;
  return 0;
}
int hp_on_message_complete(http_parser* p) {
  auto* s = static_cast<HpState*>(p->data);
  s->sum += s->headers + s->body;
  ++s->messages;
  return 0;
}

struct HttpParser {
  http_parser_settings settings{};
  http_parser parser{};
  HpState state;
  explicit HttpParser(bool parse_url) {
    http_parser_settings_init(&settings);
    settings.on_message_begin = hp_on_message_begin;
    settings.on_url = hp_on_url;
    settings.on_header_field = hp_on_header_field;
    settings.on_header_value = hp_on_header_value;
    settings.on_headers_complete = hp_on_headers_complete;
    settings.on_body = hp_on_body;
    settings.on_message_complete = hp_on_message_complete;
    state.parse_url = parse_url;
  }
  std::size_t parse_all(std::string_view data) {
    http_parser_init(&parser, HTTP_REQUEST);
    parser.data = &state;
    state.sum = 0;
    std::size_t n = http_parser_execute(&parser, &settings, data.data(), data.size());
    if (n != data.size() || HTTP_PARSER_ERRNO(&parser) != HPE_OK) {
      std::fprintf(stderr, "http_parser: %s\n", http_errno_description(HTTP_PARSER_ERRNO(&parser)));
      std::exit(1);
    }
    return state.sum;
  }
};

volatile std::size_t sink;

template <class P>
__attribute__((noinline)) std::size_t loop(P& p, std::string_view data, long iters) {
  std::size_t sum = 0;
  for (long i = 0; i < iters; ++i) {
    sum += p.parse_all(data);
    asm volatile("" ::: "memory");
  }
  return sum;
}

// Best of 7 batches, each ~50 ms: ns per request.
template <class P>
double time_ns_per_request(P& p, const Corpus& c) {
  using clock = std::chrono::steady_clock;
  long iters = 1000;
  for (;;) {  // calibrate
    auto t0 = clock::now();
    sink = loop(p, c.data, iters);
    auto dt = std::chrono::duration<double>(clock::now() - t0).count();
    if (dt > 0.05) break;
    iters *= 2;
  }
  double best = 1e300;
  for (int b = 0; b < 7; ++b) {
    auto t0 = clock::now();
    sink = loop(p, c.data, iters);
    double ns = std::chrono::duration<double, std::nano>(clock::now() - t0).count();
    best = std::min(best, ns / (double(iters) * c.requests));
  }
  return best;
}

template <class P>
void callgrind_cell(P& p, const Corpus& c, long iters) {
  sink = loop(p, c.data, 10);  // warm (allocations of the first request happen outside collection)
  CALLGRIND_TOGGLE_COLLECT;
  sink = loop(p, c.data, iters);
  CALLGRIND_TOGGLE_COLLECT;
  std::printf("requests=%ld\n", iters * c.requests);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Corpus> corpus = make_corpus();
  if (argc == 5 && std::strcmp(argv[1], "--callgrind") == 0) {
    std::string_view parser = argv[2], name = argv[3];
    long iters = std::atol(argv[4]);
    for (const auto& c : corpus) {
      if (name != c.name) continue;
      if (parser == "ours") {
        Ours o;
        callgrind_cell(o, c, iters);
        return 0;
      }
      if (parser == "http_parser") {
        HttpParser h(false);
        callgrind_cell(h, c, iters);
        return 0;
      }
      if (parser == "http_parser+url") {
        HttpParser h(true);
        callgrind_cell(h, c, iters);
        return 0;
      }
    }
    std::fprintf(stderr, "unknown parser or corpus\n");
    return 2;
  }
  if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--callgrind ours|http_parser|http_parser+url CORPUS ITERS]\n", argv[0]);
    return 2;
  }

  std::printf("| request | bytes | ours ns/req | http_parser ns/req | http_parser+url ns/req | http_parser / ours |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  std::vector<std::string> lines;
  for (const auto& c : corpus) {
    Ours o;
    HttpParser h(false), hu(true);
    // Same answer from both sides first: the checksums count headers and body bytes.
    std::size_t a = o.parse_all(c.data), b = h.parse_all(c.data);
    if (a != b) {
      std::fprintf(stderr, "%s: ours counts %zu headers+body bytes, http_parser %zu\n", c.name, a, b);
      return 1;
    }
    double ours = time_ns_per_request(o, c);
    double hp = time_ns_per_request(h, c);
    double hpu = time_ns_per_request(hu, c);
    std::printf("| %s | %zu | %.1f | %.1f | %.1f | %.2fx |\n", c.name, c.data.size() / c.requests, ours, hp, hpu,
                hp / ours);
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "BENCH parser corpus=%s ours_ns=%.1f http_parser_ns=%.1f http_parser_url_ns=%.1f ratio=%.2f", c.name,
                  ours, hp, hpu, hp / ours);
    lines.emplace_back(buf);
  }
  std::printf("\n");
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  return 0;
}
