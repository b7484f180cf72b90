// tests/http/test_writer.cpp: http/writer.hpp byte for byte: status line and phrases, Content-Length,
// HEAD, 1xx/204/304 without framing, the framing headers a handler may not set, unsafe header fields,
// chunk framing, Connection on 1.0/1.1, the Date line for a fixed time, and head_error(): the one check a
// response passes before its head is written (status range, token names, control bytes in any value).
#include <doctest/doctest.h>

#include <ctime>
#include <string>

#include "fastapi/http/response.hpp"
#include "fastapi/http/writer.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_writer_file {

namespace fa = fastapi;

// A named namespace, not an anonymous one: the test target is a unity build.
namespace writer_test {

using fastapi::detail::BodyFraming;
using fastapi::detail::DateCache;
using fastapi::detail::head_error;
using fastapi::detail::WriteOptions;
using fastapi::detail::write_chunk;
using fastapi::detail::write_head;

constexpr std::string_view date = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";

std::string head_of(const fa::Response& res, WriteOptions o = {}, BodyFraming framing = BodyFraming::length) {
  if (o.date_line.empty()) o.date_line = date;
  std::string out;
  write_head(out, res, o, framing);
  return out;
}

TEST_SUITE("http/writer") {

  TEST_CASE("a plain response has status line, Date, Server, Content-Length, Content-Type in that order") {
    auto out = head_of(fa::PlainTextResponse("hello"), {.server = "fastapi.hpp"});
    CHECK(out == "HTTP/1.1 200 OK\r\n"
                 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                 "Server: fastapi.hpp\r\n"
                 "Content-Length: 5\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "\r\n");
  }

  TEST_CASE("status lines carry Python's reason phrases, and an unknown code has an empty phrase") {
    CHECK(head_of(fa::Response{.status = 404}).rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
    CHECK(head_of(fa::Response{.status = 413}).rfind("HTTP/1.1 413 Request Entity Too Large\r\n", 0) == 0);
    CHECK(head_of(fa::Response{.status = 422}).rfind("HTTP/1.1 422 Unprocessable Entity\r\n", 0) == 0);
    CHECK(head_of(fa::Response{.status = 500}).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
    CHECK(head_of(fa::Response{.status = 299}).rfind("HTTP/1.1 299 \r\n", 0) == 0);
  }

  TEST_CASE("no Server line when the server name is empty") {
    auto out = head_of(fa::PlainTextResponse("x"), {.server = ""});
    CHECK(out.find("Server:") == std::string::npos);
  }

  TEST_CASE("Content-Length is the body size, zero included, and HEAD keeps the GET length") {
    CHECK(head_of(fa::Response{.body = std::string(1234, 'a')}).find("\r\nContent-Length: 1234\r\n") !=
          std::string::npos);
    CHECK(head_of(fa::Response{}).find("\r\nContent-Length: 0\r\n") != std::string::npos);
    auto head = head_of(fa::Response{.body = "abcdef"}, {.head_only = true});
    CHECK(head.find("\r\nContent-Length: 6\r\n") != std::string::npos);
    CHECK(head.ends_with("\r\n\r\n"));  // write_head never writes the body
  }

  TEST_CASE("1xx, 204 and 304 responses carry neither Content-Length nor Transfer-Encoding") {
    for (int status : {101, 204, 304}) {
      auto out = head_of(fa::Response{.status = status}, {}, BodyFraming::length);
      CHECK(out.find("Content-Length") == std::string::npos);
      auto chunked = head_of(fa::Response{.status = status}, {}, BodyFraming::chunked);
      CHECK(chunked.find("Transfer-Encoding") == std::string::npos);
    }
  }

  TEST_CASE("a handler's Content-Length, Transfer-Encoding, Connection and Date headers are dropped") {
    fa::Response res{.body = "abc"};
    res.headers.add("Content-Length", "999");
    res.headers.add("transfer-encoding", "chunked");
    res.headers.add("CONNECTION", "keep-alive");
    res.headers.add("date", "yesterday");
    res.headers.add("X-Kept", "yes");
    auto out = head_of(res);
    CHECK(out == "HTTP/1.1 200 OK\r\n"
                 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                 "Content-Length: 3\r\n"
                 "X-Kept: yes\r\n"
                 "\r\n");
  }

  TEST_CASE("write_head never writes a field head_error refuses: control bytes, non-token names (its last guard)") {
    fa::Response res;
    res.headers.add("X-Evil", "a\r\nSet-Cookie: stolen=1");
    res.headers.add("X-Evil2", "a\nb");
    res.headers.add("X-Evil3", "a\x01b");
    res.headers.add("X-Evil4", "a\x7f");
    res.headers.add("X-Evil5", std::string("a\0b", 3));
    res.headers.add("Bad Name", "v");
    res.headers.add("", "v");
    res.headers.add("X-Good", "tab\tand spaces ok");
    auto out = head_of(res);
    CHECK(out.find("stolen") == std::string::npos);
    CHECK(out.find("X-Evil") == std::string::npos);
    CHECK(out.find("Bad Name") == std::string::npos);
    CHECK(out.find("\r\n: v") == std::string::npos);
    CHECK(out.find("X-Good: tab\tand spaces ok\r\n") != std::string::npos);
    fa::Response typed;
    typed.set_media_type("text/html\r\nX-Injected: 1");
    CHECK(head_of(typed).find("X-Injected") == std::string::npos);
  }

  TEST_CASE(
      "head_error accepts a final status with token names and values free of control bytes (HTAB and UTF-8 kept)") {
    fa::Response res = fa::PlainTextResponse("x");
    res.headers.add("X-Tab", "a\tb");
    res.headers.add("X-Utf8", "caf\xC3\xA9");
    res.headers.add("!#$%&'*+-.^_`|~09azAZ", "v");
    res.headers.add("X-Empty", "");
    CHECK(head_error(res) == "");
    for (int status : {200, 204, 299, 304, 404, 599}) CHECK(head_error(fa::Response{.status = status}) == "");
  }

  TEST_CASE("head_error names the header and the byte for every control byte but HTAB, and for DEL") {
    for (int b = 0; b < 0x80; ++b) {
      if (b >= 0x20 && b < 0x7F) continue;
      CAPTURE(b);
      fa::Response res;
      res.headers.add("X-A", std::string("ab") + static_cast<char>(b));
      std::string why = head_error(res);
      if (b == '\t') {
        CHECK(why == "");
      } else {
        CHECK(why.starts_with("header 'X-A': its value holds the control byte 0x"));
        CHECK(why.find(" at offset 2 ") != std::string::npos);
      }
    }
    fa::Response media;
    media.set_media_type("text/html\r\nSet-Cookie: a=1");
    CHECK(head_error(media).starts_with("header 'content-type': its value holds the control byte 0x0D at offset 9"));
    CHECK(head_error(media).find("Set-Cookie") == std::string::npos);  // the value is never repeated
  }

  TEST_CASE("head_error refuses a name that is not a token, showing its bytes escaped") {
    fa::Response res;
    res.headers.add("x\r\ny", "1");
    CHECK(head_error(res).starts_with("header 'x\\x0D\\x0Ay': the name is not a token"));
    for (std::string name : {"", "a b", "a:b", "a/b", "caf\xC3\xA9"}) {
      fa::Response r;
      r.headers.add(name, "1");
      CHECK(head_error(r).find("the name is not a token") != std::string::npos);
    }
  }

  TEST_CASE("head_error refuses a status outside 200-599, 1xx with its own sentence") {
    for (int status : {-5, 0, 99, 600, 1000}) {
      CAPTURE(status);
      CHECK(head_error(fa::Response{.status = status}) ==
            "status " + std::to_string(status) + " is not a final HTTP status (200-599)");
    }
    for (int status : {100, 101, 199})
      CHECK(head_error(fa::Response{.status = status}).find("is an interim (1xx) status") != std::string::npos);
  }

  TEST_CASE("Content-Type from the media type wins over a handler's content-type header") {
    fa::Response res = fa::RawJSONResponse("{}");
    res.headers.add("content-type", "text/html");
    auto out = head_of(res);
    CHECK(out.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(out.find("text/html") == std::string::npos);
    fa::Response custom;
    custom.headers.add("Content-Type", "image/png");
    CHECK(head_of(custom).find("Content-Type: image/png\r\n") != std::string::npos);
  }

  TEST_CASE("Connection: close when not keeping alive; keep-alive spelled out only on HTTP/1.0") {
    CHECK(head_of(fa::Response{}, {.keep_alive = false}).ends_with("Connection: close\r\n\r\n"));
    CHECK(head_of(fa::Response{}, {.keep_alive = true}).find("Connection") == std::string::npos);
    auto v10 = head_of(fa::Response{}, {.version_minor = 0, .keep_alive = true});
    CHECK(v10.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(v10.ends_with("Connection: keep-alive\r\n\r\n"));
    auto v10_close = head_of(fa::Response{}, {.version_minor = 0, .keep_alive = false});
    CHECK(v10_close.ends_with("Connection: close\r\n\r\n"));
  }

  TEST_CASE("chunked framing replaces Content-Length; none sends neither") {
    auto chunked = head_of(fa::Response{.body = "ignored"}, {}, BodyFraming::chunked);
    CHECK(chunked.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(chunked.find("Content-Length") == std::string::npos);
    auto none = head_of(fa::Response{.body = "ignored"}, {}, BodyFraming::none);
    CHECK(none.find("Transfer-Encoding") == std::string::npos);
    CHECK(none.find("Content-Length") == std::string::npos);
  }

  TEST_CASE("chunks are framed in hex with CRLFs, and the last chunk is 0 CRLF CRLF") {
    std::string out;
    write_chunk(out, "hello");
    write_chunk(out, std::string(26, 'z'));
    write_chunk(out, {});
    CHECK(out == "5\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\n\r\n");
    std::string big;
    write_chunk(big, std::string(4096, 'q'));
    CHECK(big.rfind("1000\r\n", 0) == 0);
  }

  TEST_CASE("the Date line is the IMF-fixdate of the given time, in GMT") {
    DateCache dates;
    dates.update(784111777);  // RFC 9110's example instant
    CHECK(dates.line() == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
    dates.update(0);
    CHECK(dates.line() == "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n");
    dates.update(951782400);  // a leap day
    CHECK(dates.line() == "Date: Tue, 29 Feb 2000 00:00:00 GMT\r\n");
    dates.update(4102444799);  // the last second of 2099
    CHECK(dates.line() == "Date: Thu, 31 Dec 2099 23:59:59 GMT\r\n");
  }

}  // TEST_SUITE

}  // namespace writer_test

}  // namespace test_writer_file
