// bench/json_bench.cpp: decode+validate and serialize a ~1 KiB order: fa::read_json / fa::write_json vs a hand-written
// simdjson On-Demand loop and vs nlohmann-json3 (Debian package, bench only). Prints ns/op and ratios.
// Targets (issue 4): ours >= 0.8x the On-Demand loop's speed, >= 5x nlohmann's decode, >= 4x nlohmann's serialize.
// Also: a small event (a UUID, a datetime, a discriminated union) against its own hand-written loop (issue 21:
// >= 0.8x). Also timed: the DOM reader alone (detail::read_json_dom, what read_json falls back to), and an invalid order
// (one bad price) through read_json (fast attempt, then the DOM reader's 422) and through the DOM reader alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "fastapi/json/read.hpp"  // first: it pins simdjson's configuration
#include "fastapi/json/write.hpp"

#include <simdjson.h>

namespace fa = fastapi;

namespace bench {

enum class Status { pending, paid, shipped };
struct Customer {
  fa::Field<std::string, fa::Rule{.min_length = 1, .max_length = 100}> name;
  std::string email;
  std::optional<std::string> phone;
};
struct Item {
  fa::Field<std::string, fa::Rule{.min_length = 1}> sku;
  std::string name;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  fa::Default<int, fa::Rule{.ge = 1, .le = 1000}> quantity = 1;
  std::vector<std::string> tags;
};
struct Order {
  std::int64_t id;
  Status status;
  Customer customer;
  fa::Field<std::vector<Item>, fa::Rule{.min_length = 1}> items;
  std::optional<std::string> note;
};

// The event row (issue 21): a datetime, a UUID and a discriminated union, decoded and validated.
struct Click {
  fa::Choice<"click"> type;
  fa::Field<int, fa::Rule{.ge = 0}> x;
  fa::Field<int, fa::Rule{.ge = 0}> y;
};
struct Key {
  fa::Choice<"key"> type;
  fa::Field<std::string, fa::Rule{.min_length = 1, .max_length = 16}> key;
};
struct Event {
  fa::UUID id;
  std::chrono::sys_time<std::chrono::microseconds> at;
  fa::Discriminator<"type", Click, Key> kind;
};
const std::string event_text =
    R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T10:20:30.123456+02:00",)"
    R"("kind":{"type":"click","x":120,"y":45}})";

/// The hand-written On-Demand loop for Event: the same checks, and the same text parsers for the UUID and the
/// datetime (the conversions any hand-written loop needs; what is compared is everything around them).
bool ondemand_event(simdjson::ondemand::parser& parser, const simdjson::padded_string& json, Event& e) {
  using namespace simdjson;
  ondemand::document doc;
  ondemand::object root;
  if (parser.iterate(json).get(doc) || doc.get_object().get(root)) return false;
  for (auto field : root) {
    std::string_view key, s;
    if (field.unescaped_key().get(key)) return false;
    ondemand::value v = field.value();
    if (key == "id") {
      if (v.get_string().get(s)) return false;
      auto id = fa::UUID::parse(s);
      if (!id) return false;
      e.id = *id;
    } else if (key == "at") {
      fa::detail::CivilParts p;
      if (v.get_string().get(s) || !fa::detail::parse_datetime_text(s, p).empty()) return false;
      e.at = fa::detail::civil_to_utc(p);
    } else if (key == "kind") {
      ondemand::object k;
      if (v.get_object().get(k)) return false;
      std::string_view type;
      if (k["type"].get_string().get(type)) return false;
      if (k.reset().error()) return false;
      if (type == "click") {
        Click c;
        std::int64_t x = -1, y = -1;
        for (auto kf : k) {
          std::string_view kk;
          if (kf.unescaped_key().get(kk)) return false;
          if (kk == "x" && kf.value().get_int64().get(x)) return false;
          if (kk == "y" && kf.value().get_int64().get(y)) return false;
        }
        if (x < 0 || y < 0 || x > INT32_MAX || y > INT32_MAX) return false;
        c.x.value = static_cast<int>(x), c.y.value = static_cast<int>(y);
        e.kind = c;
      } else if (type == "key") {
        Key c;
        std::string_view text;
        if (k["key"].get_string().get(text) || text.empty() || text.size() > 16) return false;
        c.key.value = std::string(text);
        e.kind = c;
      } else {
        return false;
      }
    }
  }
  return true;
}

std::string payload() {
  std::string s = R"({"id":1234567,"status":"paid","customer":{"name":"Ada Lovelace","email":"ada@example.org",)"
                  R"("phone":"+44 20 7946 0958"},"items":[)";
  for (int i = 0; i < 7; ++i) {
    if (i) s += ',';
    s += R"({"sku":"SKU-)" + std::to_string(1000 + i) + R"(","name":"Widget number )" + std::to_string(i) +
         R"(","price":)" + std::to_string(9.5 + i) + R"(,"quantity":)" + std::to_string(i + 1) +
         R"(,"tags":["blue","large","gift"]})";
  }
  s += R"(],"note":"Leave the parcel at the door, please."})";
  return s;
}

template <class T>
inline void keep(const T& v) {
  asm volatile("" : : "g"(&v) : "memory");
}

// ---- hand-written simdjson On-Demand: the same fields, the same checks, the same struct --------
Status status_of(std::string_view s, bool& ok) {
  if (s == "pending") return Status::pending;
  if (s == "paid") return Status::paid;
  if (s == "shipped") return Status::shipped;
  ok = false;
  return Status::pending;
}

bool ondemand_read(simdjson::ondemand::parser& parser, const simdjson::padded_string& json, Order& o) {
  using namespace simdjson;
  ondemand::document doc;
  if (parser.iterate(json).get(doc)) return false;
  ondemand::object root;
  if (doc.get_object().get(root)) return false;
  bool ok = true;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    ondemand::value v = field.value();
    if (key == "id") {
      if (v.get_int64().get(o.id)) ok = false;
    } else if (key == "status") {
      std::string_view s;
      if (v.get_string().get(s)) ok = false;
      else o.status = status_of(s, ok);
    } else if (key == "customer") {
      ondemand::object c;
      if (v.get_object().get(c)) return false;
      for (auto cf : c) {
        std::string_view ck, cv;
        if (cf.unescaped_key().get(ck)) return false;
        if (ck == "name") {
          if (cf.value().get_string().get(cv)) ok = false;
          else o.customer.name.value = cv;
        } else if (ck == "email") {
          if (cf.value().get_string().get(cv)) ok = false;
          else o.customer.email = cv;
        } else if (ck == "phone") {
          if (cf.value().get_string().get(cv)) ok = false;
          else o.customer.phone = std::string(cv);
        }
      }
      ok = ok && !o.customer.name->empty() && o.customer.name->size() <= 100;
    } else if (key == "items") {
      ondemand::array a;
      if (v.get_array().get(a)) return false;
      o.items->clear();
      for (auto x : a) {
        Item& it = o.items->emplace_back();
        ondemand::object io;
        if (x.get_object().get(io)) return false;
        for (auto f : io) {
          std::string_view k, sv;
          if (f.unescaped_key().get(k)) return false;
          ondemand::value fv = f.value();
          if (k == "sku") {
            if (fv.get_string().get(sv)) ok = false;
            else it.sku.value = sv;
          } else if (k == "name") {
            if (fv.get_string().get(sv)) ok = false;
            else it.name = sv;
          } else if (k == "price") {
            if (fv.get_double().get(it.price.value)) ok = false;
          } else if (k == "quantity") {
            int64_t q;
            if (fv.get_int64().get(q)) ok = false;
            else it.quantity.value = int(q);
          } else if (k == "tags") {
            ondemand::array ta;
            if (fv.get_array().get(ta)) return false;
            for (auto t : ta) {
              if (t.get_string().get(sv)) ok = false;
              else it.tags.emplace_back(sv);
            }
          }
        }
        ok = ok && !it.sku->empty() && it.price > 0 && it.quantity >= 1 && it.quantity <= 1000;
      }
      ok = ok && !o.items->empty();
    } else if (key == "note") {
      std::string_view s;
      if (v.get_string().get(s)) ok = false;
      else o.note = std::string(s);
    }
  }
  return ok;
}

// ---- nlohmann: parse, then get<> the same fields with the same checks --------------------------
bool nlohmann_read(const std::string& text, Order& o) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return false;
  try {
    o.id = j.at("id").get<std::int64_t>();
    bool ok = true;
    o.status = status_of(j.at("status").get_ref<const std::string&>(), ok);
    const auto& c = j.at("customer");
    o.customer.name.value = c.at("name").get<std::string>();
    o.customer.email = c.at("email").get<std::string>();
    if (auto p = c.find("phone"); p != c.end() && !p->is_null()) o.customer.phone = p->get<std::string>();
    o.items->clear();
    for (const auto& x : j.at("items")) {
      Item& it = o.items->emplace_back();
      it.sku.value = x.at("sku").get<std::string>();
      it.name = x.at("name").get<std::string>();
      it.price.value = x.at("price").get<double>();
      if (auto q = x.find("quantity"); q != x.end()) it.quantity.value = q->get<int>();
      it.tags = x.at("tags").get<std::vector<std::string>>();
      ok = ok && !it.sku->empty() && it.price > 0 && it.quantity >= 1 && it.quantity <= 1000;
    }
    if (auto n = j.find("note"); n != j.end() && !n->is_null()) o.note = n->get<std::string>();
    return ok && !o.items->empty() && !o.customer.name->empty();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string nlohmann_write(const Order& o) {
  nlohmann::json j;
  j["id"] = o.id;
  j["status"] = std::string(fa::enum_name(o.status));
  j["customer"] = {{"name", *o.customer.name},
                   {"email", o.customer.email},
                   {"phone", o.customer.phone ? nlohmann::json(*o.customer.phone) : nlohmann::json(nullptr)}};
  nlohmann::json items = nlohmann::json::array();
  for (const Item& it : *o.items)
    items.push_back(
        {{"sku", *it.sku}, {"name", it.name}, {"price", *it.price}, {"quantity", *it.quantity}, {"tags", it.tags}});
  j["items"] = std::move(items);
  j["note"] = o.note ? nlohmann::json(*o.note) : nlohmann::json(nullptr);
  return j.dump();
}

/// Best of 35 batches of iters / 5 calls, in ns per call: short batches, so that on a shared, noisy machine
/// some of them run undisturbed.
template <class F>
double measure(int iters, F&& f) {
  double best = 1e30;
  const int batch = std::max(1, iters / 5);
  for (int round = 0; round < 35; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < batch; ++i) f();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / batch);
  }
  return best;
}

}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  const int iters = argc > 1 ? std::atoi(argv[1]) : 20000;
  const std::string text = payload();
  const simdjson::padded_string padded(text);
  simdjson::ondemand::parser od;

  // All three must agree before anything is timed.
  Order a{}, b{}, c{};
  fa::RequestValidationError errors;
  fa::detail::LocPath loc;
  const bool ok_ours = fa::read_json<Order>(text, errors, loc).has_value();
  const bool ok_od = ondemand_read(od, padded, b);
  const bool ok_nl = nlohmann_read(text, c);
  a = fa::read_json<Order>(text);
  Order fast{};
  const bool ok_fast = fa::detail::read_json_fast<Order>(text, fast);
  const auto dom = fa::detail::read_json_dom<Order>(text, errors, loc);
  if (!ok_ours || !ok_od || !ok_nl || !ok_fast || !dom || fa::to_json_string(a) != fa::to_json_string(b) ||
      fa::to_json_string(a) != fa::to_json_string(c) || fa::to_json_string(a) != fa::to_json_string(fast) ||
      fa::to_json_string(a) != fa::to_json_string(*dom)) {
    std::fprintf(stderr, "json_bench: the readers disagree (or the fast path refused the order)\n");
    return 1;
  }
  std::string invalid = text;  // the last item's price: 15.5 -> -15.5 (Rule gt = 0)
  invalid.insert(invalid.rfind("\"price\":") + 8, "-");
  {
    fa::RequestValidationError e1, e2;
    fa::detail::LocPath l1, l2;
    if (fa::read_json<Order>(invalid, e1, l1) || fa::detail::read_json_dom<Order>(invalid, e2, l2) ||
        e1.body().dump() != e2.body().dump() || e1.errors().size() != 1) {
      std::fprintf(stderr, "json_bench: the invalid order is not refused alike\n");
      return 1;
    }
  }

  Event event_ours{}, event_od{};
  const simdjson::padded_string event_padded(event_text);
  if (!fa::detail::read_json_fast<Event>(event_text, event_ours) || !ondemand_event(od, event_padded, event_od) ||
      fa::to_json_string(event_ours) != fa::to_json_string(event_od)) {
    std::fprintf(stderr, "json_bench: the event readers disagree (or the fast path refused the event)\n");
    return 1;
  }

  // Three passes over every reader, the best of each kept: on a shared machine a whole reader's batches can
  // fall in a busy second; one of three passes rarely does.
  double ours = 1e30, dom_only = 1e30, ours_invalid = 1e30, dom_invalid = 1e30, ondemand = 1e30, ondemand_copy = 1e30,
         nl = 1e30, ours_write = 1e30, ours_write_fresh = 1e30, nl_write = 1e30, event = 1e30, event_ondemand = 1e30;
  std::string out;
  for (int pass = 0; pass < 3; ++pass) {
    ours = std::min(ours, measure(iters, [&] {
                      fa::RequestValidationError e;
                      fa::detail::LocPath l;
                      auto o = fa::read_json<Order>(text, e, l);
                      keep(o);
                    }));
    dom_only = std::min(dom_only, measure(iters, [&] {
                          fa::RequestValidationError e;
                          fa::detail::LocPath l;
                          auto o = fa::detail::read_json_dom<Order>(text, e, l);
                          keep(o);
                        }));
    ours_invalid = std::min(ours_invalid, measure(iters, [&] {
                              fa::RequestValidationError e;
                              fa::detail::LocPath l;
                              auto o = fa::read_json<Order>(invalid, e, l);
                              keep(o);
                              keep(e);
                            }));
    dom_invalid = std::min(dom_invalid, measure(iters, [&] {
                             fa::RequestValidationError e;
                             fa::detail::LocPath l;
                             auto o = fa::detail::read_json_dom<Order>(invalid, e, l);
                             keep(o);
                             keep(e);
                           }));
    ondemand = std::min(ondemand, measure(iters, [&] {
                          Order o{};
                          keep(ondemand_read(od, padded, o));
                          keep(o);
                        }));
    ondemand_copy = std::min(ondemand_copy, measure(iters, [&] {  // with the copy into a padded buffer ours must make
                               const simdjson::padded_string p(text);
                               Order o{};
                               keep(ondemand_read(od, p, o));
                               keep(o);
                             }));
    nl = std::min(nl, measure(iters, [&] {
                    Order o{};
                    keep(nlohmann_read(text, o));
                    keep(o);
                  }));
    ours_write = std::min(ours_write, measure(iters, [&] {
                            out.clear();
                            fa::write_json(out, a);
                            keep(out);
                          }));
    ours_write_fresh = std::min(ours_write_fresh, measure(iters, [&] {
                                  std::string s = fa::to_json_string(a);
                                  keep(s);
                                }));
    event = std::min(event, measure(iters, [&] {
                       fa::RequestValidationError e;
                       fa::detail::LocPath l;
                       auto o = fa::read_json<Event>(event_text, e, l);
                       keep(o);
                     }));
    event_ondemand = std::min(event_ondemand, measure(iters, [&] {
                                const simdjson::padded_string p(event_text);  // the copy read_json makes too
                                Event o{};
                                keep(ondemand_event(od, p, o));
                                keep(o);
                              }));
    nl_write = std::min(nl_write, measure(iters, [&] {
                          std::string s = nlohmann_write(a);
                          keep(s);
                        }));
  }

  std::printf("payload: %zu bytes, %zu items\n", text.size(), a.items->size());
  std::printf("BENCH json decode ours_ns=%.0f ondemand_ns=%.0f ondemand_with_copy_ns=%.0f nlohmann_ns=%.0f "
              "speed_vs_ondemand=%.2f speed_vs_ondemand_with_copy=%.2f speed_vs_nlohmann=%.2f\n",
              ours, ondemand, ondemand_copy, nl, ondemand / ours, ondemand_copy / ours, nl / ours);
  std::printf("BENCH json paths dom_only_ns=%.0f speed_vs_dom_only=%.2f invalid_ns=%.0f invalid_dom_only_ns=%.0f "
              "invalid_cost_vs_dom_only=%.2f\n",
              dom_only, dom_only / ours, ours_invalid, dom_invalid, ours_invalid / dom_invalid);
  std::printf("BENCH json encode ours_ns=%.0f ours_fresh_string_ns=%.0f nlohmann_ns=%.0f speed_vs_nlohmann=%.2f "
              "fresh_speed_vs_nlohmann=%.2f\n",
              ours_write, ours_write_fresh, nl_write, nl_write / ours_write, nl_write / ours_write_fresh);
  std::printf("BENCH json event ours_ns=%.0f ondemand_with_copy_ns=%.0f speed_vs_ondemand_with_copy=%.2f\n", event,
              event_ondemand, event_ondemand / event);
  return 0;
}
