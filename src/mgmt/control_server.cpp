#include "mcsnoop/mgmt/control_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#include "unix_listener.hpp"

namespace mcsnoop::mgmt {
namespace {

using nlohmann::json;

constexpr std::size_t kReadChunk = 4096;
// A response buffer larger than this is released once sent rather than kept for the next
// request: one `show groups` of a full table should not pin megabytes per idle connection.
constexpr std::size_t kRetainedOutputCapacity = 64 * 1024;

// Dumping never throws on strings that are not UTF-8 (a port name from a config file, say):
// they are sent with U+FFFD instead.
std::string dump_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_line(std::string_view message) {
  return dump_line(json{{key::kOk, false}, {key::kError, message}});
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

// A streamed response is the one-shot response cut in three: dump_line() of
// {"ok": true, "data": [...]} writes the keys in order ("data" < "ok"), the elements with the
// same settings, comma-separated without spaces.
const std::string kStreamHead = std::string("{\"") + key::kData + "\":[";
const std::string kStreamTail = std::string("],\"") + key::kOk + "\":true}";

}  // namespace

struct ControlServer::Connection {
  Connection(int fd_in, Clock::time_point now) : fd(fd_in), last_activity(now) {}
  ~Connection() { ::close(fd); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool output_pending() const { return sent < out.size(); }

  int fd;
  std::string in;   // bytes received and not yet answered
  std::string out;  // the response being sent
  std::size_t sent = 0;
  Clock::time_point last_activity;
  bool peer_closed = false;        // EOF seen: answer what is buffered, then close
  bool close_after_flush = false;  // fatal request error: send the reply, then close
  bool dead = false;               // close at the end of this poll()
  std::unique_ptr<ArrayStream> stream;  // a streamed response in progress
  bool stream_empty = true;             // no element of it written yet (no comma before the next)
};

ControlServer::ControlServer() : ControlServer(Limits{}) {}

ControlServer::ControlServer(Limits limits) : limits_(limits) {
  poll_set_.reserve(limits_.max_connections + 1);
}

ControlServer::~ControlServer() { close(); }

bool ControlServer::open(const std::string& path, std::string* err) {
  close();
  std::string reason;
  detail::UnixListener listener;
  const int backlog = static_cast<int>(std::max<std::size_t>(limits_.max_connections, 1));
  if (!detail::listen_unix(path, backlog, &listener, &reason)) {
    if (err != nullptr) *err = std::move(reason);
    return false;
  }
  path_ = path;
  listen_fd_ = listener.fd;
  socket_dev_ = listener.dev;
  socket_ino_ = listener.ino;
  counters_ = Counters{};
  return true;
}

void ControlServer::on(std::string command, Handler handler) {
  stream_handlers_.erase(command);
  handlers_.insert_or_assign(std::move(command), std::move(handler));
}

void ControlServer::on_stream(std::string command, StreamHandler handler) {
  handlers_.erase(command);
  stream_handlers_.insert_or_assign(std::move(command), std::move(handler));
}

void ControlServer::close() {
  connections_.clear();
  streams_ = 0;
  if (listen_fd_ < 0) return;
  ::close(listen_fd_);
  listen_fd_ = -1;
  detail::unlink_if_ours(path_, socket_dev_, socket_ino_);
}

void ControlServer::poll() {
  if (listen_fd_ < 0) return;

  poll_set_.clear();
  const bool room = connections_.size() < limits_.max_connections;
  // At the connection limit the listener is left out, so pending clients wait in the kernel's
  // backlog instead of making every call return at once.
  poll_set_.push_back({listen_fd_, static_cast<short>(room ? POLLIN : 0), 0});
  for (const auto& c : connections_) {
    short events = 0;
    if (!c->peer_closed && !c->close_after_flush) events |= POLLIN;
    // A stream in progress continues when the socket can take more.
    if (c->output_pending() || c->stream) events |= POLLOUT;
    poll_set_.push_back({c->fd, events, 0});
  }
  const int ready = ::poll(poll_set_.data(), poll_set_.size(), 0);
  if (ready < 0) return;  // EINTR or ENOMEM: nothing is lost, the next call retries
  if (ready == 0 && connections_.empty()) return;  // idle: one system call, no clock read

  const Clock::time_point now = Clock::now();
  // The pollfd entries line up with connections_ until accept_pending() appends to it.
  const std::size_t existing = connections_.size();
  for (std::size_t i = 0; i < existing; ++i) {
    service(*connections_[i], poll_set_[i + 1].revents, now);
  }
  if (poll_set_[0].revents & POLLIN) accept_pending(now);
  reap_closed();
}

void ControlServer::accept_pending(Clock::time_point now) {
  while (connections_.size() < limits_.max_connections) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: drained; EMFILE and the like: try again on a later call
    }
    ++counters_.accepted;
    connections_.push_back(std::make_unique<Connection>(fd, now));
    // A client usually writes its request right after connect(): answer it in this call.
    service(*connections_.back(), POLLIN, now);
  }
}

void ControlServer::service(Connection& c, short revents, Clock::time_point now) {
  if (revents & (POLLERR | POLLNVAL)) {
    ++counters_.io_errors;
    c.dead = true;
    return;
  }
  if (c.output_pending()) flush(c, now);
  if (!c.dead && c.stream && c.out.size() - c.sent < kStreamLowWater) {
    pump_stream(c);
    if (!c.dead && c.output_pending()) flush(c, now);
  }
  if (!c.dead && !c.stream && !c.output_pending() && !c.close_after_flush) {
    // Read only when the buffer holds no complete request: the socket then applies
    // back-pressure to a client that pipelines faster than it reads answers.
    if ((revents & (POLLIN | POLLHUP)) && !c.peer_closed && c.in.find('\n') == std::string::npos) {
      read_available(c, now);
    }
    if (!c.dead) answer_next_request(c);
    if (!c.dead && c.output_pending()) flush(c, now);
  }
  if (c.dead) return;
  if (!c.output_pending() && (c.close_after_flush || (c.peer_closed && c.in.empty()))) {
    c.dead = true;
  } else if (now - c.last_activity > limits_.idle_timeout) {
    ++counters_.idle_closed;
    c.dead = true;
  }
}

void ControlServer::read_available(Connection& c, Clock::time_point now) {
  char chunk[kReadChunk];
  // Bounded: stops at a newline, at EOF, when the socket is drained, or one chunk past the
  // request limit (which answer_next_request() then rejects).
  while (c.in.size() <= limits_.max_request_bytes) {
    const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      c.in.append(chunk, static_cast<std::size_t>(n));
      c.last_activity = now;
      if (std::string_view(chunk, static_cast<std::size_t>(n)).find('\n') != std::string_view::npos) {
        return;
      }
      continue;
    }
    if (n == 0) {
      c.peer_closed = true;
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ++counters_.io_errors;
      c.dead = true;
    }
    return;
  }
}

void ControlServer::answer_next_request(Connection& c) {
  for (;;) {
    const std::size_t newline = c.in.find('\n');
    const std::size_t line_length = newline == std::string::npos ? c.in.size() : newline;
    if (line_length > limits_.max_request_bytes) {
      ++counters_.oversized;
      ++counters_.errors;
      c.in.clear();
      c.out = error_line("request longer than " + std::to_string(limits_.max_request_bytes) +
                         " bytes") + '\n';
      c.sent = 0;
      c.close_after_flush = true;
      return;
    }
    // A last line without '\n' still counts once the client has shut down its side, so
    // `printf '{"command":"show stats"}' | socat - UNIX-CONNECT:...` works.
    if (newline == std::string::npos && !(c.peer_closed && !c.in.empty())) return;

    const std::string line(std::string_view(c.in).substr(0, line_length));
    c.in.erase(0, newline == std::string::npos ? c.in.size() : newline + 1);
    if (is_blank(line)) continue;  // tolerate empty lines from interactive users
    start_response(c, line);
    return;
  }
}

const ControlServer::StreamHandler* ControlServer::stream_handler(std::string_view line, json& request) const {
  if (stream_handlers_.empty()) return nullptr;
  request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) return nullptr;
  const auto it = request.find(key::kCommand);
  if (it == request.end() || !it->is_string()) return nullptr;
  const auto h = stream_handlers_.find(it->get_ref<const std::string&>());
  return h == stream_handlers_.end() ? nullptr : &h->second;
}

void ControlServer::start_response(Connection& c, std::string_view line) {
  c.sent = 0;
  json request;
  const StreamHandler* handler = stream_handler(line, request);
  if (handler == nullptr) {
    c.out = answer(line);
    c.out.push_back('\n');
    return;
  }
  ++counters_.requests;
  try {
    c.stream = (*handler)(request);
  } catch (const std::exception& e) {
    ++counters_.errors;
    c.out = error_line(*e.what() != '\0' ? e.what() : "request failed") + '\n';
    return;
  } catch (...) {
    ++counters_.errors;
    c.out = error_line("request failed") + '\n';
    return;
  }
  if (!c.stream) {  // a handler with nothing to say: an empty array
    c.out = kStreamHead + kStreamTail + '\n';
    return;
  }
  ++streams_;
  c.stream_empty = true;
  c.out = kStreamHead;
  pump_stream(c);
}

void ControlServer::pump_stream(Connection& c) {
  if (c.sent > 0) {  // drop what is sent: the buffer holds one slice, not the whole answer
    c.out.erase(0, c.sent);
    c.sent = 0;
  }
  std::vector<json> items;
  bool done = false;
  try {
    done = c.stream->next(items);
  } catch (...) {
    // Part of the answer is out: no error reply can follow it. The client sees the connection
    // close on an incomplete line.
    ++counters_.errors;
    c.stream.reset();
    --streams_;
    c.dead = true;
    return;
  }
  ++counters_.stream_slices;
  for (const json& item : items) {
    if (!c.stream_empty) c.out.push_back(',');
    c.stream_empty = false;
    c.out += dump_line(item);
  }
  if (done) {
    c.out += kStreamTail;
    c.out.push_back('\n');
    c.stream.reset();
    --streams_;
  }
}

void ControlServer::flush(Connection& c, Clock::time_point now) {
  while (c.output_pending()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent,
                             MSG_DONTWAIT | MSG_NOSIGNAL);  // a vanished client must not SIGPIPE us
    if (n > 0) {
      c.sent += static_cast<std::size_t>(n);
      c.last_activity = now;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // continued next call
    ++counters_.io_errors;
    c.dead = true;
    return;
  }
  if (c.out.capacity() > kRetainedOutputCapacity) {
    std::string().swap(c.out);
  } else {
    c.out.clear();
  }
  c.sent = 0;
}

void ControlServer::reap_closed() {
  std::erase_if(connections_, [this](const std::unique_ptr<Connection>& c) {
    if (c->dead && c->stream) --streams_;
    return c->dead;
  });
}

// A streamed response in one piece, for answer().
std::string ControlServer::whole_stream(std::unique_ptr<ArrayStream> stream) {
  std::string out = kStreamHead;
  bool empty = true;
  std::vector<json> items;
  for (bool done = stream == nullptr; !done;) {
    items.clear();
    done = stream->next(items);
    for (const json& item : items) {
      if (!empty) out.push_back(',');
      empty = false;
      out += dump_line(item);
    }
  }
  return out + kStreamTail;
}

std::string ControlServer::answer(std::string_view request_line) {
  ++counters_.requests;
  std::string command;
  try {
    const json request = json::parse(request_line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) {
      ++counters_.errors;
      return error_line("malformed request: not valid JSON");
    }
    const auto it = request.is_object() ? request.find(key::kCommand) : request.end();
    if (it == request.end() || !it->is_string()) {
      ++counters_.errors;
      return error_line(R"(malformed request: expected {"command": "<command>"})");
    }
    command = it->get<std::string>();
    if (const auto streamed = stream_handlers_.find(command); streamed != stream_handlers_.end()) {
      return whole_stream(streamed->second(request));
    }
    const auto handler = handlers_.find(command);
    if (handler == handlers_.end()) {
      std::vector<std::string_view> names;
      for (const auto& entry : handlers_) names.push_back(entry.first);
      for (const auto& entry : stream_handlers_) names.push_back(entry.first);
      std::sort(names.begin(), names.end());
      std::string known;
      for (std::string_view name : names) {
        if (!known.empty()) known += ", ";
        known += name;
      }
      ++counters_.errors;
      return error_line("unknown command \"" + command + "\" (known: " +
                        (known.empty() ? "none" : known) + ")");
    }
    return dump_line(json{{key::kOk, true}, {key::kData, handler->second(request)}});
  } catch (const std::exception& e) {
    ++counters_.errors;
    const std::string what = e.what();
    return error_line(what.empty() ? command + " failed" : what);
  } catch (...) {
    ++counters_.errors;
    return error_line(command + " failed");
  }
}

}  // namespace mcsnoop::mgmt
