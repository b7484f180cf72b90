// examples/tutorial/41_custom_responses.cpp: answers that are not JSON: HTML, plain text, XML, redirects, a
// stream, a file, and JSON with another status (docs/tutorial/41_custom_responses.md).
// Run: ./41_custom_responses [--port 8000]; its test: tests/tutorial/test_41_custom_responses.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace custom_responses {

// Ten chunks, each sent as soon as it is made: Python's `async def fake_video_streamer(): yield ...`.
fa::Response fake_video() {
  return fa::StreamingResponse(
      [sent = 0](std::string& chunk) mutable -> fa::Task<bool> {
        if (sent == 10) co_return false;  // the end of the body
        ++sent;
        chunk = "some fake video bytes";
        co_return true;
      },
      "video/mp4");
}

// `video` is relative to the working directory; the test gives a temporary file.
void build(fa::App& app, const std::string& video = "large-video-file.mp4") {
  app.get("/items/", [] { return fa::HTMLResponse("<html><body><h1>Look ma! HTML!</h1></body></html>"); });

  app.get("/legacy/", [] {
    fa::Response response{.body = R"(<?xml version="1.0"?><shampoo><Header>Apply shampoo here.</Header></shampoo>)"};
    response.set_media_type("application/xml");
    return response;
  });

  app.get("/", [] { return fa::PlainTextResponse("Hello World"); });

  app.get("/typer", [] { return fa::RedirectResponse("https://typer.tiangolo.com"); });
  app.get("/pydantic", [] { return fa::RedirectResponse("https://docs.pydantic.dev/", 302); });

  app.get("/stream", fake_video);

  app.get("/video", [video] { return fa::FileResponse(video, {.filename = "video.mp4"}); });

  app.get("/teapot", [] { return fa::JSONResponse(fa::Json{{"message", "I'm a teapot"}}, 418); });
}

}  // namespace custom_responses

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  custom_responses::build(app);
  return app.run(argc, argv);
}
#endif
