// tests/tutorial/test_40_server_sent_events.cpp: what docs/tutorial/40_server_sent_events.md says, checked on its
// example: the events' bytes, the headers, and the resumption from Last-Event-ID.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/40_server_sent_events.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/40_server_sent_events") {
  TEST_CASE("each item is one event whose data is its JSON, as text/event-stream") {
    fa::App app;
    server_sent_events::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/stream");
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "text/event-stream; charset=utf-8");
    CHECK(r.header("cache-control") == "no-cache");
    CHECK(r.header("x-accel-buffering") == "no");
    CHECK(r.text == "data: {\"name\":\"Plumbus\",\"description\":\"A multi-purpose household device.\"}\r\n\r\n"
                    "data: {\"name\":\"Portal Gun\",\"description\":\"A portal opening device.\"}\r\n\r\n"
                    "data: {\"name\":\"Meeseeks Box\",\"description\":\"A box that summons a Meeseeks.\"}\r\n\r\n");
  }

  TEST_CASE("events with an id, a type and a retry; a client that says Last-Event-ID resumes after it") {
    fa::App app;
    server_sent_events::build(app);
    fa::testing::TestClient client{app};
    auto all = client.get("/prices/stream");
    CHECK(all.text.starts_with("id: 0\r\nevent: price\r\ndata: {\"price\":100}\r\nretry: 5000\r\n\r\n"));
    CHECK(all.text.ends_with("id: 4\r\nevent: price\r\ndata: {\"price\":104}\r\nretry: 5000\r\n\r\n"));
    auto resumed = client.get("/prices/stream", {.headers = {{"Last-Event-ID", "2"}}});
    CHECK(resumed.text == "id: 3\r\nevent: price\r\ndata: {\"price\":103}\r\nretry: 5000\r\n\r\n"
                          "id: 4\r\nevent: price\r\ndata: {\"price\":104}\r\nretry: 5000\r\n\r\n");
  }
}
