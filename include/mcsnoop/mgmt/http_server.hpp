// A minimal HTTP/1.1 server for the metrics endpoint, polled from the control lcore.
//
// Like ControlServer, it never blocks: poll() is one poll(2) with timeout 0 over a non-blocking
// TCP listener and the open connections, then bounded work: at most kAcceptBudget accepts, reads
// up to the request limit, writes until the socket buffer is full (the rest waits for a later
// call). Each connection carries one request and is closed after the answer
// (`Connection: close`). Everything from the network is hostile, and every bound holds in
// every build type:
//   * at most max_connections at once; a client beyond that is answered 503 with one
//     non-blocking write and closed (counted as refused_busy);
//   * the request head (request line and headers) is at most max_request_bytes; longer: 431;
//   * one deadline per connection from its accept: a client that sends its request too slowly,
//     or reads the answer too slowly, is closed when it passes (counted as timed_out);
//   * malformed requests get 400 (414, 505 where they apply) and are closed;
//   * unread input when the answer is out is drained (bounded) after a write shutdown, so the
//     kernel does not reset the connection under the answer.
// Routes: GET and HEAD of a registered path run its handler (on the caller's thread, inside
// poll()); other paths 404; other methods 405 with `Allow: GET, HEAD`.
//
// Thread safety: none. Every call on one HttpServer must come from one thread.
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mcsnoop::mgmt {

class HttpServer {
 public:
  // Returns the body of a 200 answer. A throw answers 500 (counted as handler_errors).
  using Handler = std::function<std::string()>;

  struct Limits {
    size_t max_connections = 8;
    size_t max_request_bytes = 8192;
    std::chrono::milliseconds deadline{10'000};  // from accept to the last byte of the answer
  };

  struct Counters {
    uint64_t accepted = 0;
    uint64_t responses_2xx = 0;
    uint64_t responses_4xx = 0;  // 400, 404, 405, 414, 431, 505 (505 counted here too)
    uint64_t responses_5xx = 0;  // 500 (a handler threw), 503 (busy)
    uint64_t malformed = 0;      // 400 / 414 / 505
    uint64_t oversized = 0;      // 431
    uint64_t timed_out = 0;      // closed at the deadline
    uint64_t refused_busy = 0;   // beyond max_connections
    uint64_t io_errors = 0;
    uint64_t handler_errors = 0;
  };

  static constexpr unsigned kAcceptBudget = 16;
  // Bytes of unread input discarded after the answer before the connection is closed anyway.
  static constexpr size_t kDrainBytes = 64 * 1024;

  HttpServer();
  explicit HttpServer(Limits limits);
  ~HttpServer();  // close()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on a numeric IPv4 or IPv6 `host` (IPv6 only for an IPv6 address: IPV6_V6ONLY) and
  // `port` (0: any free port, see port()). SO_REUSEADDR, so a restart does not wait for TIME_WAIT.
  // On failure returns false with a one-line reason in *err and leaves the server closed.
  bool open(const std::string& host, uint16_t port, std::string* err);
  void close();
  bool is_open() const { return listen_fd_ >= 0; }
  // The port bound (useful after open(host, 0)).
  uint16_t port() const { return port_; }

  // Registers (or replaces) the handler of `path` ("/metrics") and the Content-Type of its body.
  void route(std::string path, std::string content_type, Handler handler);

  // Does whatever socket work is ready, without waiting. One system call when idle.
  void poll();

  size_t connection_count() const { return connections_.size(); }
  const Counters& counters() const { return counters_; }

 private:
  struct Connection;
  struct Route {
    std::string content_type;
    Handler handler;
  };
  using Clock = std::chrono::steady_clock;

  void accept_pending(Clock::time_point now);
  void refuse_busy(int fd);
  void service(Connection& c, short revents, Clock::time_point now);
  void read_request(Connection& c);
  void answer(Connection& c);
  void respond(Connection& c, int status, std::string_view content_type, std::string body, bool head_only,
               std::string_view extra_headers = {});
  void flush(Connection& c);
  void drain(Connection& c);
  void count_status(int status);

  Limits limits_;
  Counters counters_;
  std::map<std::string, Route, std::less<>> routes_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<::pollfd> poll_set_;
};

}  // namespace mcsnoop::mgmt
