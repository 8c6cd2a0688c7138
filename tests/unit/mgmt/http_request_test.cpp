// The HTTP request head parser: what it accepts, and every bound on hostile input.
#include <gtest/gtest.h>

#include <string>

#include "mcsnoop/mgmt/http_request.hpp"

namespace mcsnoop::mgmt {
namespace {

using Status = HttpRequestHead::Status;
constexpr size_t kMax = 8192;

HttpRequestHead parse(std::string_view in, size_t max = kMax) { return parse_http_request_head(in, max); }

TEST(HttpRequest, SimpleGet) {
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  const HttpRequestHead h = parse(req);
  ASSERT_EQ(h.status, Status::Ok);
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.path, "/metrics");
  EXPECT_EQ(h.head_bytes, req.size());
}

TEST(HttpRequest, BareLfAndHttp10AndQueryString) {
  const HttpRequestHead h = parse("HEAD /metrics?name[]=x HTTP/1.0\n\n");
  ASSERT_EQ(h.status, Status::Ok);
  EXPECT_EQ(h.method, "HEAD");
  EXPECT_EQ(h.path, "/metrics");
}

TEST(HttpRequest, IncompleteUntilTheBlankLine) {
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  for (size_t n = 0; n < req.size(); ++n) {
    EXPECT_EQ(parse(req.substr(0, n)).status, Status::Incomplete) << n;
  }
  EXPECT_EQ(parse(req).status, Status::Ok);
}

TEST(HttpRequest, MalformedRequestLines) {
  EXPECT_EQ(parse("GARBAGE\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET /metrics\r\n\r\n").status, Status::BadRequest);             // HTTP/0.9
  EXPECT_EQ(parse("GET metrics HTTP/1.1\r\n\r\n").status, Status::BadRequest);     // not origin-form
  EXPECT_EQ(parse("GET http://a/metrics HTTP/1.1\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET  /metrics HTTP/1.1\r\n\r\n").status, Status::BadRequest);   // empty target
  EXPECT_EQ(parse("G(T /metrics HTTP/1.1\r\n\r\n").status, Status::BadRequest);    // not a token
  EXPECT_EQ(parse("GET /me\x01trics HTTP/1.1\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET /m\xc3\xa9 HTTP/1.1\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET /metrics FOO/1.1\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("\r\n\r\n").status, Status::BadRequest);
  using namespace std::string_literals;
  EXPECT_EQ(parse("GET /metrics HTTP/1.1\0\r\n\r\n"s).status, Status::VersionNotSupported);
}

TEST(HttpRequest, OtherVersions) {
  EXPECT_EQ(parse("GET /metrics HTTP/2.0\r\n\r\n").status, Status::VersionNotSupported);
  EXPECT_EQ(parse("GET /metrics HTTP/1.2\r\n\r\n").status, Status::VersionNotSupported);
  EXPECT_EQ(http_status_code(Status::VersionNotSupported), 505);
}

TEST(HttpRequest, MalformedHeaderLines) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n").status, Status::BadRequest);  // RFC 9112 5.1
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n: x\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n").status, Status::BadRequest);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n folded\r\n\r\n").status, Status::BadRequest);  // obs-fold
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nX:\ta\r\n\r\n").status, Status::Ok);
  EXPECT_EQ(http_status_code(Status::BadRequest), 400);
}

TEST(HttpRequest, OversizedHeadIsRefusedAtTheLimit) {
  std::string req = "GET /metrics HTTP/1.1\r\nX: " + std::string(kMax, 'a');
  EXPECT_EQ(parse(req).status, Status::TooLarge);
  // Exactly at the limit with the blank line inside: fine; one byte more: too large.
  const std::string head = "GET / HTTP/1.1\r\nX: ";
  const std::string fits = head + std::string(100 - head.size() - 4, 'b') + "\r\n\r\n";
  ASSERT_EQ(fits.size(), 100u);
  EXPECT_EQ(parse(fits, 100).status, Status::Ok);
  EXPECT_EQ(parse(fits, 99).status, Status::TooLarge);
  EXPECT_EQ(http_status_code(Status::TooLarge), 431);
}

TEST(HttpRequest, TooManyHeaderLines) {
  std::string req = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i < kMaxHeaderLines; ++i) req += "X: 1\r\n";
  EXPECT_EQ(parse(req + "\r\n").status, Status::Ok);
  EXPECT_EQ(parse(req + "Y: 2\r\n\r\n").status, Status::TooLarge);
}

TEST(HttpRequest, LongTargets) {
  const std::string ok = "GET /" + std::string(kMaxTargetBytes - 1, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parse(ok).status, Status::Ok);
  const std::string tooLong = "GET /" + std::string(kMaxTargetBytes, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parse(tooLong).status, Status::UriTooLong);
  // Known before the line ends: a request line this long is refused without waiting for more.
  EXPECT_EQ(parse("GET /" + std::string(kMaxTargetBytes + 100, 'a')).status, Status::UriTooLong);
  EXPECT_EQ(http_status_code(Status::UriTooLong), 414);
}

TEST(HttpRequest, NeverReadsPastTheWindow) {
  // The blank line lies beyond max_bytes: the parser must not see it.
  const std::string req = "GET / HTTP/1.1\r\nX: 1\r\n\r\n";
  EXPECT_EQ(parse(req, req.size() - 1).status, Status::TooLarge);
}

}  // namespace
}  // namespace mcsnoop::mgmt
