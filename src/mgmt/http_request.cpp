#include "mcsnoop/mgmt/http_request.hpp"

namespace mcsnoop::mgmt {
namespace {

using Status = HttpRequestHead::Status;

// RFC 9110 5.6.2 tchar: the characters of a method or a header name.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// Visible ASCII: what an origin-form target may hold (no spaces, no controls, no bytes >= 0x80).
bool is_target(std::string_view s) {
  if (s.empty() || s.front() != '/') return false;
  for (const char c : s)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

// One line without its terminator (CRLF or LF); npos when `in` holds no line end.
size_t line_end(std::string_view in, size_t from, size_t* next) {
  const size_t lf = in.find('\n', from);
  if (lf == std::string_view::npos) return lf;
  *next = lf + 1;
  return lf > from && in[lf - 1] == '\r' ? lf - 1 : lf;
}

Status parse_request_line(std::string_view line, HttpRequestHead& out) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Status::BadRequest;
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return Status::BadRequest;  // HTTP/0.9 is not spoken
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return Status::BadRequest;
  if (target.size() > kMaxTargetBytes) return Status::UriTooLong;
  if (!is_target(target)) return Status::BadRequest;
  if (!version.starts_with("HTTP/")) return Status::BadRequest;
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Status::VersionNotSupported;
  out.method = method;
  out.path = target.substr(0, target.find('?'));
  return Status::Ok;
}

// "name: value" with a token name and no whitespace before the colon (RFC 9112 5.1); values
// hold no control characters but HTAB.
bool valid_header_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return false;
  for (const char c : line.substr(colon + 1))
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

}  // namespace

HttpRequestHead parse_http_request_head(std::string_view in, size_t max_bytes) {
  HttpRequestHead out;
  const std::string_view window = in.substr(0, max_bytes);
  size_t next = 0;
  const size_t first_end = line_end(window, 0, &next);
  if (first_end == std::string_view::npos) {
    // A request line cut short may already be too long or not a request at all.
    if (window.size() > kMaxTargetBytes + 64) out.status = Status::UriTooLong;
    if (window.size() >= max_bytes) out.status = Status::TooLarge;
    return out;
  }
  if (const Status s = parse_request_line(window.substr(0, first_end), out); s != Status::Ok) {
    out.status = s;
    return out;
  }
  for (size_t lines = 0;; ++lines) {
    const size_t start = next;
    const size_t end = line_end(window, start, &next);
    if (end == std::string_view::npos) {
      out.status = window.size() >= max_bytes ? Status::TooLarge : Status::Incomplete;
      return out;
    }
    if (end == start) {  // the blank line: the head is complete
      out.status = Status::Ok;
      out.head_bytes = next;
      return out;
    }
    if (lines == kMaxHeaderLines) {
      out.status = Status::TooLarge;
      return out;
    }
    if (!valid_header_line(window.substr(start, end - start))) {
      out.status = Status::BadRequest;
      return out;
    }
  }
}

int http_status_code(HttpRequestHead::Status s) {
  switch (s) {
    case Status::TooLarge: return 431;
    case Status::UriTooLong: return 414;
    case Status::VersionNotSupported: return 505;
    case Status::Ok:
    case Status::Incomplete: return 200;
    case Status::BadRequest: break;
  }
  return 400;
}

}  // namespace mcsnoop::mgmt
