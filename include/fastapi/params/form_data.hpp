// params/form_data.hpp: a `multipart/form-data` request body -> its fields (name, text) and its files (name,
// fa::UploadFile), read once per request for fa::Form and fa::File parameters. The one loop that feeds the
// body's bytes to http/multipart.hpp's parser is here (read_multipart). Fed by params/bind_context.hpp's
// BindContext (the request, the route's MultipartLimits); feeds the Form and File binders. Knows nothing of
// routes, sockets or JSON; a filename is data, never a path.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/multipart.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/upload.hpp"

namespace fastapi::detail {

/// The parts of one multipart body, in order: non-file parts as text, file parts as UploadFiles (spooled to
/// temporary files past MultipartLimits::spool_max_size as their bytes arrive).
class FormData final : public MultipartHandler {
 public:
  explicit FormData(std::size_t spool_max_size) : spool_max_(spool_max_size) {}

  std::deque<std::pair<std::string, std::string>> fields;  ///< a deque: views into the texts stay valid
  std::vector<std::pair<std::string, UploadFile>> files;

  FASTAPI_DETAIL_INLINE void on_part_begin(const MultipartPart& part) override;
  void on_part_data(std::string_view chunk) override {
    if (in_file_) files.back().second.write(chunk);  // throws std::system_error when the disk fails (-> 500)
    else fields.back().second.append(chunk);
  }
  void on_part_end() override {}
  void on_body_end() override {}

 private:
  std::size_t spool_max_;
  bool in_file_ = false;
};

/// Reads the request's multipart body into `out`; a body the parser refuses is an HTTPException (400 with
/// the parser's sentence, 413 over MultipartLimits::max_body_bytes), answered before the handler runs.
///
/// This is the only place a multipart body's bytes reach the parser: pulled from `req.stream()` as they
/// arrive (a route with form parameters streams its body), file parts going to UploadFile at once, so memory
/// stays bounded by the spool threshold whatever the upload's size.
Task<void> read_multipart(Request& req, const MultipartLimits& limits, FormData& out);
/// The same, without a coroutine: for a form read outside an awaiting binder (today's buffered body only).
void read_multipart_now(Request& req, const MultipartLimits& limits, FormData& out);

/// True when the request's Content-Type is multipart/form-data (any parameters).
bool is_multipart(const Request& req);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void FormData::on_part_begin(const MultipartPart& part) {
  in_file_ = part.is_file();
  if (!in_file_) {
    fields.emplace_back(part.name, std::string());
    return;
  }
  UploadFile file(spool_max_);
  file.filename = *part.filename;
  file.content_type = part.content_type;
  file.headers = part.headers;
  files.emplace_back(part.name, std::move(file));
}

namespace multipart_feed {
/// One chunk into the parser; false once it failed (its error says why).
inline bool feed(MultipartParser& parser, std::string_view chunk, FormData& out) {
  return parser.feed(chunk, out) != MultipartParser::Result::error;
}
/// The end of the body: throws the parser's error as an HTTPException.
inline void finish(MultipartParser& parser) {
  if (parser.finish() == MultipartParser::Result::error)
    throw HTTPException(parser.error().status(), parser.error().message);
}
}  // namespace multipart_feed

FASTAPI_DETAIL_INLINE Task<void> read_multipart(Request& req, const MultipartLimits& limits, FormData& out) {
  MultipartParser parser(req.headers.get("content-type").value_or(""), limits);
  // A route with form parameters streams its body (Endpoint::streams_body): each chunk goes to the parser as
  // it arrives. A parser error stops the reading; the rest is never read and the connection closes after the
  // answer. A Request built by hand, or read by a dependency of a buffered route, gives its body as one chunk.
  if (!req.body_streamed) {
    multipart_feed::feed(parser, req.body, out);
  } else {
    RequestStream& stream = req.stream();
    while (std::optional<std::string_view> chunk = co_await stream.next())
      if (!multipart_feed::feed(parser, *chunk, out)) break;
  }
  multipart_feed::finish(parser);
}

FASTAPI_DETAIL_INLINE void read_multipart_now(Request& req, const MultipartLimits& limits, FormData& out) {
  MultipartParser parser(req.headers.get("content-type").value_or(""), limits);
  multipart_feed::feed(parser, req.body, out);
  multipart_feed::finish(parser);
}

FASTAPI_DETAIL_INLINE bool is_multipart(const Request& req) {
  auto ct = req.headers.get("content-type");
  if (!ct) return false;
  std::string_view t = ct->substr(0, ct->find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  return iequal(t, "multipart/form-data");
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
