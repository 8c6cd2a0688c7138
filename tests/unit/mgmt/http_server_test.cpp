// The metrics HTTP server over real TCP sockets, driven from the test's own thread as the
// control lcore drives it: routes, methods, hostile clients (malformed, oversized, slow,
// too many), partial writes, and that poll() never waits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <string>
#include <vector>

#include "mcsnoop/mgmt/http_server.hpp"

namespace mcsnoop::mgmt {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int connect_to(uint16_t port, bool v6 = false) {
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);  // loopback: the backlog accepts
  }
  EXPECT_EQ(rc, 0) << std::strerror(errno);
  return fd;
}

void send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    s.remove_prefix(static_cast<size_t>(n));
  }
}

// Pumps the server and reads `fd` until the server closes it (or `limit` passes). Returns what
// arrived; *closed says whether EOF was seen.
std::string read_until_closed(HttpServer& server, int fd, bool* closed = nullptr,
                              std::chrono::milliseconds limit = 5s, size_t read_chunk = 65536) {
  std::string got;
  std::vector<char> buf(read_chunk);
  const auto until = Clock::now() + limit;
  bool eof = false;
  while (Clock::now() < until) {
    server.poll();
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
      got.append(buf.data(), static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      eof = true;
      break;
    } else {
      std::this_thread::sleep_for(200us);
    }
  }
  if (closed != nullptr) *closed = eof;
  return got;
}

std::string roundtrip(HttpServer& server, std::string_view request) {
  const int fd = connect_to(server.port());
  send_all(fd, request);
  bool closed = false;
  std::string reply = read_until_closed(server, fd, &closed);
  EXPECT_TRUE(closed) << "the server closes after one answer";
  ::close(fd);
  return reply;
}

std::string status_line(const std::string& reply) { return reply.substr(0, reply.find("\r\n")); }
std::string body_of(const std::string& reply) {
  const size_t end = reply.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void open(HttpServer& s) {
    std::string err;
    ASSERT_TRUE(s.open("127.0.0.1", 0, &err)) << err;
    ASSERT_NE(s.port(), 0);
    s.route("/metrics", "text/plain; version=0.0.4", [this] {
      ++calls;
      return body;
    });
  }
  std::string body = "# TYPE x gauge\nx 1\n";
  int calls = 0;
};

TEST_F(HttpServerTest, GetMetrics) {
  HttpServer s;
  open(s);
  const std::string reply = roundtrip(s, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  EXPECT_NE(reply.find("\r\nContent-Type: text/plain; version=0.0.4\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_NE(reply.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(reply), body);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.counters().responses_2xx, 1u);
  // Once the client has closed too, the connection is gone.
  const auto until = Clock::now() + 2s;
  while (s.connection_count() != 0 && Clock::now() < until) s.poll();
  EXPECT_EQ(s.connection_count(), 0u);
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  HttpServer s;
  open(s);
  const std::string reply = roundtrip(s, "HEAD /metrics HTTP/1.0\r\n\r\n");
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  EXPECT_NE(reply.find("Content-Length: " + std::to_string(body.size())), std::string::npos);
  EXPECT_EQ(body_of(reply), "");
}

TEST_F(HttpServerTest, OtherPathsAndMethods) {
  HttpServer s;
  open(s);
  EXPECT_EQ(status_line(roundtrip(s, "GET / HTTP/1.1\r\n\r\n")), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(status_line(roundtrip(s, "GET /metricsx HTTP/1.1\r\n\r\n")), "HTTP/1.1 404 Not Found");
  const std::string post = roundtrip(s, "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(post.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(status_line(roundtrip(s, "DELETE /metrics HTTP/1.1\r\n\r\n")), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(s.counters().responses_4xx, 4u);
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndCounted) {
  HttpServer s;
  open(s);
  EXPECT_EQ(status_line(roundtrip(s, "\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n")),
            "HTTP/1.1 400 Bad Request");  // a TLS hello, say
  EXPECT_EQ(status_line(roundtrip(s, "GET /metrics HTTP/2.0\r\n\r\n")), "HTTP/1.1 505 HTTP Version Not Supported");
  EXPECT_EQ(status_line(roundtrip(s, "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n")),
            "HTTP/1.1 414 URI Too Long");
  EXPECT_EQ(s.counters().malformed, 3u);
  EXPECT_EQ(calls, 0);
}

TEST_F(HttpServerTest, OversizedRequestIs431WithoutReadingItAll) {
  HttpServer::Limits limits;
  limits.max_request_bytes = 1024;
  HttpServer s(limits);
  open(s);
  const int fd = connect_to(s.port());
  // Far more than the limit: the server answers once it has limit+1 bytes and reads no more.
  const std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(256 * 1024, 'a');
  ::send(fd, big.data(), big.size(), MSG_DONTWAIT | MSG_NOSIGNAL);  // what the buffers take
  bool closed = false;
  const std::string reply = read_until_closed(s, fd, &closed);
  EXPECT_EQ(status_line(reply), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(closed);
  EXPECT_EQ(s.counters().oversized, 1u);
  ::close(fd);
}

TEST_F(HttpServerTest, ByteByByteRequestIsAnswered) {
  HttpServer s;
  open(s);
  const int fd = connect_to(s.port());
  for (const char c : std::string("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")) {
    send_all(fd, std::string_view(&c, 1));
    s.poll();
  }
  const std::string reply = read_until_closed(s, fd);
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  ::close(fd);
}

TEST_F(HttpServerTest, SlowClientIsClosedAtTheDeadline) {
  HttpServer::Limits limits;
  limits.deadline = 200ms;
  HttpServer s(limits);
  open(s);
  const int fd = connect_to(s.port());
  send_all(fd, "GET /met");  // and nothing more
  const auto start = Clock::now();
  bool closed = false;
  const std::string reply = read_until_closed(s, fd, &closed, 3s);
  EXPECT_TRUE(closed);
  EXPECT_EQ(reply, "");  // no answer to half a request
  EXPECT_GE(Clock::now() - start, 150ms);
  EXPECT_EQ(s.counters().timed_out, 1u);
  EXPECT_EQ(s.connection_count(), 0u);
  EXPECT_EQ(calls, 0);
  ::close(fd);
}

TEST_F(HttpServerTest, ClientsBeyondTheLimitGet503) {
  HttpServer::Limits limits;
  limits.max_connections = 2;
  HttpServer s(limits);
  open(s);
  const int a = connect_to(s.port());
  const int b = connect_to(s.port());
  for (int i = 0; i < 20 && s.connection_count() < 2; ++i) {
    s.poll();
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(s.connection_count(), 2u);
  const int c = connect_to(s.port());
  bool closed = false;
  const std::string reply = read_until_closed(s, c, &closed);
  EXPECT_EQ(status_line(reply), "HTTP/1.1 503 Service Unavailable");
  EXPECT_TRUE(closed);
  EXPECT_EQ(s.counters().refused_busy, 1u);
  // The two idle ones still get their answers.
  send_all(a, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_line(read_until_closed(s, a)), "HTTP/1.1 200 OK");
  ::close(a);
  ::close(b);
  ::close(c);
}

TEST_F(HttpServerTest, LargeAnswerToASlowReaderIsBufferedAndPollNeverWaits) {
  HttpServer s;
  open(s);
  body.assign(1024 * 1024, 'm');
  for (size_t i = 0; i < body.size(); i += 97) body[i] = static_cast<char>('a' + i % 26);
  const int fd = connect_to(s.port());
  const int small = 16384;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  send_all(fd, "GET /metrics HTTP/1.1\r\n\r\n");
  std::string got;
  char buf[4096];
  auto longest_poll = Clock::duration::zero();
  const auto until = Clock::now() + 8s;
  while (Clock::now() < until) {
    const auto t0 = Clock::now();
    s.poll();
    longest_poll = std::max(longest_poll, Clock::now() - t0);
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    else if (n == 0) break;
  }
  EXPECT_EQ(body_of(got).size(), body.size());
  EXPECT_TRUE(body_of(got) == body);
  EXPECT_GT(s.counters().accepted, 0u);
  // Building the 1 MB answer is the one long call; none waits for the reader.
  EXPECT_LT(longest_poll, 2s);
  EXPECT_EQ(s.counters().responses_2xx, 1u);
  ::close(fd);
}

TEST_F(HttpServerTest, HandlerThatThrowsIs500) {
  HttpServer s;
  open(s);
  s.route("/metrics", "text/plain", []() -> std::string { throw std::runtime_error("boom"); });
  EXPECT_EQ(status_line(roundtrip(s, "GET /metrics HTTP/1.1\r\n\r\n")), "HTTP/1.1 500 Internal Server Error");
  EXPECT_EQ(s.counters().handler_errors, 1u);
}

TEST_F(HttpServerTest, Ipv6Loopback) {
  HttpServer s;
  std::string err;
  if (!s.open("::1", 0, &err)) GTEST_SKIP() << "no IPv6 loopback here: " << err;
  s.route("/metrics", "text/plain", [] { return std::string("v6\n"); });
  const int fd = connect_to(s.port(), true);
  send_all(fd, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(body_of(read_until_closed(s, fd)), "v6\n");
  ::close(fd);
}

TEST_F(HttpServerTest, BindErrorsAreReported) {
  HttpServer a;
  open(a);
  HttpServer b;
  std::string err;
  EXPECT_FALSE(b.open("127.0.0.1", a.port(), &err));
  EXPECT_NE(err.find("cannot bind 127.0.0.1:" + std::to_string(a.port())), std::string::npos) << err;
  EXPECT_FALSE(b.is_open());
}

}  // namespace
}  // namespace mcsnoop::mgmt
