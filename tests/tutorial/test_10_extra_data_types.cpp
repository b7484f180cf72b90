// tests/tutorial/test_10_extra_data_types.cpp: what docs/tutorial/10_extra_data_types.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/10_extra_data_types.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/10_extra_data_types") {
  TEST_CASE("UUID, datetime, duration and time are read from text and written back as ISO 8601") {
    fa::App app;
    extra_data_types::build(app);
    fa::testing::TestClient client{app};
    auto body =
        fa::Json::parse(R"({"start_datetime":"2032-04-23T10:00:00+02:00","end_datetime":"2032-04-23T12:00:00Z",)"
                        R"("process_after":"PT30M","repeat_at":"08:15:00"})");
    auto r = client.put("/items/C4A760A8-DBCF-5254-A0D9-6A4474BD1B62", {.json = body});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"item_id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","start_datetime":"2032-04-23T08:00:00Z",)"
                    R"("end_datetime":"2032-04-23T12:00:00Z","process_after":"PT30M","repeat_at":"08:15:00",)"
                    R"("start_process":"2032-04-23T08:30:00Z","duration":"PT3H30M"})");
    auto seconds_too =
        fa::Json::parse(R"({"start_datetime":"2032-04-23T10:00:00Z","end_datetime":"2032-04-23T12:00:00Z",)"
                        R"("process_after":1800})");
    CHECK(client.put("/items/c4a760a8-dbcf-5254-a0d9-6a4474bd1b62", {.json = seconds_too}).json()["duration"] ==
          "PT1H30M");
  }

  TEST_CASE("text that is no UUID or no datetime is a 422 in Pydantic's words") {
    fa::App app;
    extra_data_types::build(app);
    fa::testing::TestClient client{app};
    auto body = fa::Json::parse(R"({"start_datetime":"tomorrow","end_datetime":"2032-04-23T12:00:00Z",)"
                                R"("process_after":"PT30M"})");
    auto r = client.put("/items/42", {.json = body});
    CHECK(r.status == 422);
    auto detail = r.json()["detail"];
    CHECK(detail[0]["type"] == "uuid_parsing");
    CHECK(detail[0]["loc"].dump() == R"(["path","item_id"])");
    CHECK(detail[1]["type"] == "datetime_from_date_parsing");
    CHECK(detail[1]["loc"].dump() == R"(["body","start_datetime"])");
  }
}
