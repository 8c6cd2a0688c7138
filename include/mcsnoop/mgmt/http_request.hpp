// The request head of an HTTP/1.x request, parsed strictly and within fixed bounds.
//
// Everything in it comes from the network: the parser looks at no more than `max_bytes` of
// input, accepts at most kMaxHeaderLines header lines, and never allocates beyond the method
// and target it returns. It understands just enough for a metrics endpoint: the request line
// (method, origin-form target, HTTP/1.0 or HTTP/1.1) and well-formed header lines, whose
// content it ignores (there is no body to read: every answer closes the connection).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mcsnoop::mgmt {

struct HttpRequestHead {
  enum class Status {
    Incomplete,          // no blank line yet, within the bounds: read more
    Ok,                  // method and path are set
    BadRequest,          // 400: malformed request line or header line
    TooLarge,            // 431: no end of the head within max_bytes, or too many header lines
    UriTooLong,          // 414: the target alone is longer than kMaxTargetBytes
    VersionNotSupported  // 505: not HTTP/1.0 or HTTP/1.1
  };
  Status status = Status::Incomplete;
  std::string method;  // "GET", as sent (methods are case-sensitive)
  std::string path;    // the target without its query string: "/metrics"
  size_t head_bytes = 0;  // length of the head including the blank line (when Ok)
};

inline constexpr size_t kMaxTargetBytes = 1024;
inline constexpr size_t kMaxHeaderLines = 64;

// Parses the head at the start of `in`, of which at most `max_bytes` are considered. Lines end
// in CRLF or a bare LF (RFC 9112 2.2 allows a recipient to accept that).
HttpRequestHead parse_http_request_head(std::string_view in, size_t max_bytes);

// The status code and reason phrase of a parse failure (400, 414, 431, 505).
int http_status_code(HttpRequestHead::Status s);

}  // namespace mcsnoop::mgmt
