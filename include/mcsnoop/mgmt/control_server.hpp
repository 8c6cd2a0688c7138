// The control socket server: newline-delimited JSON over an AF_UNIX stream socket.
//
// The control lcore calls poll() from its loop every few milliseconds. poll() never blocks and
// does bounded work per call: one poll(2) with timeout 0 over the listener and the open
// connections, at most a few accepts, reads capped at one request's worth per connection,
// writes until the socket buffer is full (the rest is kept and continued on later calls), and
// one request handled per connection. Idle, broken and oversized connections are closed. When
// nothing happens a call costs one system call.
//
// Handlers run synchronously inside poll(), on the caller's thread: they may read the control
// lcore's state without locks, and a slow handler delays that lcore, so keep them to a walk
// over small tables. A handler that throws produces {"ok": false, "error": what()}; the server
// never dies of a handler or of a client.
//
// Views that can be large (a million groups) are registered with on_stream(): their `data`
// array is produced by an ArrayStream one slice at a time, at most one slice per connection per
// poll(), and only while less than kStreamLowWater bytes of the response wait to be sent. The
// caller keeps calling poll() between its own work (streaming() says when it should call it
// every iteration), so a huge answer never stalls the loop, other clients are answered
// meanwhile, and the memory held is one slice plus the socket buffer. The bytes sent are
// exactly those of the equivalent one-shot answer.
//
// The wire protocol is described in mcsnoop/mgmt/protocol.hpp and docs/control-socket.md.
//
// Thread safety: none. Every call on one ControlServer must come from one thread.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcsnoop/mgmt/protocol.hpp"

namespace mcsnoop::mgmt {

class ControlServer {
 public:
  // Receives the whole request object (so a command may grow arguments later) and returns
  // the `data` of a successful response. Throw to answer {"ok": false, "error": ...}.
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

  // The `data` array of a streamed response, in slices. next() appends the next elements to
  // `out` (each with dump_element(); the server adds the brackets and commas) and returns true
  // when none is left. It runs inside poll() like a handler; it may throw (the connection is
  // then closed, as the response is already partly sent).
  class ArrayStream {
   public:
    virtual ~ArrayStream() = default;
    virtual bool next(std::vector<nlohmann::json>& out) = 0;
  };
  // Makes the stream of one request; throw to answer {"ok": false, "error": ...}.
  using StreamHandler = std::function<std::unique_ptr<ArrayStream>(const nlohmann::json& request)>;
  // A streamed response is continued only while fewer bytes than this wait to be sent.
  static constexpr std::size_t kStreamLowWater = 256 * 1024;

  struct Limits {
    std::size_t max_connections = 16;                  // more clients wait in the backlog
    std::size_t max_request_bytes = kMaxRequestBytes;  // longer lines: error reply, then close
    std::chrono::milliseconds idle_timeout{10'000};    // no byte in or out for this long: close
  };

  // What the server has done since open(); for logs and `show stats`.
  struct Counters {
    uint64_t accepted = 0;        // connections accepted
    uint64_t requests = 0;        // request lines answered (ok or not)
    uint64_t errors = 0;          // answered with ok:false (bad JSON, unknown command, throw)
    uint64_t oversized = 0;       // connections closed for a request over max_request_bytes
    uint64_t idle_closed = 0;     // connections closed by the idle timeout
    uint64_t io_errors = 0;       // connections dropped on a socket error
    uint64_t stream_slices = 0;   // slices of streamed responses produced
  };

  ControlServer();
  explicit ControlServer(Limits limits);
  ~ControlServer();  // close()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Listens on `path`: creates the parent directory if missing (mode 0755), replaces a stale
  // socket file (a socket nobody accepts on), refuses to touch anything else (a live socket:
  // another instance; a regular file), binds a non-blocking listener and sets mode 0660 before
  // it accepts anyone. On failure returns false with a one-line reason in *err (if non-null)
  // and leaves the server closed. Calling open() on an open server closes it first.
  bool open(const std::string& path, std::string* err);

  // Registers (or replaces) the handler of `command`, e.g. "show groups". May be called before
  // or after open().
  void on(std::string command, Handler handler);
  // Registers (or replaces) a streamed command (see above). A command is either streamed or not.
  void on_stream(std::string command, StreamHandler handler);

  // True while a streamed response is being produced: call poll() on every loop iteration then.
  bool streaming() const { return streams_ != 0; }

  // Does whatever socket work is ready, without waiting. Cheap when idle. No-op when closed.
  void poll();

  // Closes every connection and the listener, and unlinks the socket file if it is still the
  // one this server created. Idempotent.
  void close();

  bool is_open() const { return listen_fd_ >= 0; }
  const std::string& path() const { return path_; }
  std::size_t connection_count() const { return connections_.size(); }
  const Counters& counters() const { return counters_; }

  // Answers one request line exactly as the socket would (without the trailing '\n').
  // Exposed so the dispatch rules can be exercised without a socket.
  std::string answer(std::string_view request_line);

 private:
  struct Connection;
  using Clock = std::chrono::steady_clock;

  void accept_pending(Clock::time_point now);
  void service(Connection& c, short revents, Clock::time_point now);
  void read_available(Connection& c, Clock::time_point now);
  void answer_next_request(Connection& c);
  // Starts the response to `line` on `c`: a streamed one if its command is streamed.
  void start_response(Connection& c, std::string_view line);
  // Appends one slice of c's stream (and the closing part when it ends) to c.out.
  void pump_stream(Connection& c);
  static std::string whole_stream(std::unique_ptr<ArrayStream> stream);
  // The stream handler of the request on `line`, or nullptr (not streamed, or not a request).
  const StreamHandler* stream_handler(std::string_view line, nlohmann::json& request) const;
  void flush(Connection& c, Clock::time_point now);
  void reap_closed();

  Limits limits_;
  Counters counters_;
  std::map<std::string, Handler, std::less<>> handlers_;
  std::map<std::string, StreamHandler, std::less<>> stream_handlers_;
  std::size_t streams_ = 0;  // connections with a stream in progress
  std::string path_;
  int listen_fd_ = -1;
  dev_t socket_dev_ = 0;  // identity of the socket file we bound, so close() never unlinks
  ino_t socket_ino_ = 0;  // a successor's socket
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<::pollfd> poll_set_;  // reused between calls: no allocation when idle
};

}  // namespace mcsnoop::mgmt
