// examples/tutorial/17_request_files.cpp: files uploaded in a multipart/form-data body, as bytes or as an
// UploadFile, one or several, required or not (docs/tutorial/17_request_files.md).
//   POST /files/       -F file=@notes.txt   -> {"file_size":11}
//   POST /uploadfile/  -F file=@notes.txt   -> {"filename":"notes.txt","content_type":"text/plain","head":"hello"}
//   POST /uploadfiles/ -F files=@a -F files=@b -> {"filenames":["a","b"]}
//   GET  /             an HTML form that sends files to /uploadfiles/
// Run: ./17_request_files [--port 8000]; its test: tests/tutorial/test_17_request_files.cpp
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace request_files {

void build(fa::App& app) {
  app.post("/files/", [](fa::File<"file", std::string> file) { return fa::Json{{"file_size", file->size()}}; });

  app.post("/uploadfile/", [](fa::File<"file", fa::UploadFile> file) -> fa::Task<fa::Json> {
    std::string head = co_await file->read(5);  // the first five bytes; read() alone reads the rest
    co_return fa::Json{{"filename", file->filename}, {"content_type", file->content_type}, {"head", head}};
  });

  app.post("/optionalfile/", [](fa::File<"file", std::optional<fa::UploadFile>> file) {
    if (!file.value) return fa::Json{{"message", "No upload file sent"}};
    return fa::Json{{"filename", file.value->filename}};
  });

  app.post("/uploadfiles/",
           [](fa::File<"files", std::vector<fa::UploadFile>, fa::Rule{.description = "Multiple files as UploadFile"}>
                  files) {
             fa::Json names = fa::Json::array();
             for (const fa::UploadFile& f : *files) names.push_back(f.filename);
             return fa::Json{{"filenames", names}};
           });

  app.get("/", [] {
    return fa::HTMLResponse(R"(<body>
<form action="/uploadfiles/" enctype="multipart/form-data" method="post">
<input name="files" type="file" multiple>
<input type="submit">
</form>
</body>)");
  });
}

}  // namespace request_files

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  request_files::build(app);
  return app.run(argc, argv);
}
#endif
