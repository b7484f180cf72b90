// examples/tutorial/40_server_sent_events.cpp: a stream of events to the browser over one response, as
// text/event-stream (docs/tutorial/40_server_sent_events.md).
// Run: ./40_server_sent_events [--port 8000]; its test: tests/tutorial/test_40_server_sent_events.cpp
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace server_sent_events {

struct Item {
  std::string name;
  std::optional<std::string> description;
};

const std::vector<Item>& items() {
  static const std::vector<Item> all{{"Plumbus", "A multi-purpose household device."},
                                     {"Portal Gun", "A portal opening device."},
                                     {"Meeseeks Box", "A box that summons a Meeseeks."}};
  return all;
}

// Each item as one event: its JSON is the event's data.
fa::AsyncGenerator<fa::ServerSentEvent> item_events() {
  for (const Item& item : items()) {
    fa::ServerSentEvent event{.data = fa::to_json_string(item)};
    co_yield std::move(event);  // a named value, not a temporary (g++ 12; see the page)
  }
}

// Numbered events of a named type, from `first` on; the stream waits between them without holding a thread.
fa::AsyncGenerator<fa::ServerSentEvent> price_events(int first) {
  for (int i = first; i < 5; ++i) {
    co_await fa::sleep(std::chrono::milliseconds(10));
    fa::ServerSentEvent event{.data = R"({"price":)" + std::to_string(100 + i) + "}",
                              .event = "price",
                              .id = std::to_string(i),
                              .retry = 5000};
    co_yield std::move(event);
  }
}

void build(fa::App& app) {
  app.get("/items/stream", [] { return fa::EventSourceResponse(item_events()); });
  app.get("/prices/stream", [](fa::Header<"last-event-id", std::optional<int>> last_event_id) {
    return fa::EventSourceResponse(price_events(*last_event_id ? **last_event_id + 1 : 0));
  });
}

}  // namespace server_sent_events

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  server_sent_events::build(app);
  return app.run(argc, argv);
}
#endif
