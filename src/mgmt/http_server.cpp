#include "mcsnoop/mgmt/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "mcsnoop/mgmt/http_request.hpp"

namespace mcsnoop::mgmt {
namespace {

constexpr size_t kReadChunk = 4096;

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

struct HttpServer::Connection {
  enum class Phase { Reading, Writing, Draining };
  Connection(int fd_in, Clock::time_point deadline_in) : fd(fd_in), deadline(deadline_in) {}
  ~Connection() { ::close(fd); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd;
  Clock::time_point deadline;
  Phase phase = Phase::Reading;
  std::string in;
  std::string out;
  size_t sent = 0;
  size_t drained = 0;
  bool dead = false;
};

HttpServer::HttpServer() : HttpServer(Limits{}) {}
HttpServer::HttpServer(Limits limits) : limits_(limits) { poll_set_.reserve(limits_.max_connections + 1); }
HttpServer::~HttpServer() { close(); }

bool HttpServer::open(const std::string& host, uint16_t port, std::string* err) {
  close();
  auto fail = [&](std::string why) {
    if (err != nullptr) *err = std::move(why);
    return false;
  };
  sockaddr_storage ss{};
  socklen_t len = 0;
  const bool v6 = host.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return fail("not an IPv6 address: " + host);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) return fail("not an IPv4 address: " + host);
    len = sizeof *a;
  }
  const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket: " + errno_text());
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (v6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  const std::string where = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    std::string why = "cannot bind " + where + ": " + errno_text();
    ::close(fd);
    return fail(std::move(why));
  }
  if (::listen(fd, static_cast<int>(limits_.max_connections)) != 0) {
    std::string why = "cannot listen on " + where + ": " + errno_text();
    ::close(fd);
    return fail(std::move(why));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  counters_ = Counters{};
  return true;
}

void HttpServer::close() {
  connections_.clear();
  if (listen_fd_ < 0) return;
  ::close(listen_fd_);
  listen_fd_ = -1;
  port_ = 0;
}

void HttpServer::route(std::string path, std::string content_type, Handler handler) {
  routes_.insert_or_assign(std::move(path), Route{std::move(content_type), std::move(handler)});
}

void HttpServer::poll() {
  if (listen_fd_ < 0) return;
  poll_set_.clear();
  poll_set_.push_back({listen_fd_, POLLIN, 0});
  for (const auto& c : connections_) {
    const short events = c->phase == Connection::Phase::Writing ? POLLOUT : POLLIN;
    poll_set_.push_back({c->fd, events, 0});
  }
  const int ready = ::poll(poll_set_.data(), poll_set_.size(), 0);
  if (ready < 0) return;  // EINTR / ENOMEM: the next call retries
  if (ready == 0 && connections_.empty()) return;

  const Clock::time_point now = Clock::now();
  const size_t existing = connections_.size();
  for (size_t i = 0; i < existing; ++i) service(*connections_[i], poll_set_[i + 1].revents, now);
  if (poll_set_[0].revents & POLLIN) accept_pending(now);
  std::erase_if(connections_, [](const std::unique_ptr<Connection>& c) { return c->dead; });
}

void HttpServer::accept_pending(Clock::time_point now) {
  for (unsigned budget = kAcceptBudget; budget != 0; --budget) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: drained; EMFILE and the like: a later call tries again
    }
    ++counters_.accepted;
    if (connections_.size() >= limits_.max_connections) {
      refuse_busy(fd);
      continue;
    }
    connections_.push_back(std::make_unique<Connection>(fd, now + limits_.deadline));
    // Clients write their request right after connect(): answer it in this call if it is there.
    service(*connections_.back(), POLLIN, now);
  }
}

void HttpServer::refuse_busy(int fd) {
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
  ++counters_.refused_busy;
  ++counters_.responses_5xx;
  // One attempt: a fresh socket's buffer takes this much, and if it does not, nobody waits.
  [[maybe_unused]] const ssize_t n = ::send(fd, kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::close(fd);
}

void HttpServer::service(Connection& c, short revents, Clock::time_point now) {
  if (revents & POLLNVAL) {
    ++counters_.io_errors;
    c.dead = true;
    return;
  }
  using Phase = Connection::Phase;
  if (c.phase == Phase::Reading && (revents & (POLLIN | POLLHUP | POLLERR))) read_request(c);
  if (!c.dead && c.phase == Phase::Writing) flush(c);
  if (!c.dead && c.phase == Phase::Draining && (revents & (POLLIN | POLLHUP | POLLERR))) drain(c);
  if (!c.dead && now >= c.deadline) {
    if (c.phase != Phase::Draining) ++counters_.timed_out;  // the answer was out: nothing lost
    c.dead = true;
  }
}

void HttpServer::read_request(Connection& c) {
  char chunk[kReadChunk];
  // Bounded: stops when the socket is drained or one byte past the request limit.
  while (c.in.size() <= limits_.max_request_bytes) {
    const size_t room = limits_.max_request_bytes + 1 - c.in.size();
    const ssize_t n = ::recv(c.fd, chunk, std::min(room, sizeof chunk), MSG_DONTWAIT);
    if (n > 0) {
      c.in.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {  // the client gave up before a whole request: nothing to answer
      if (parse_http_request_head(c.in, limits_.max_request_bytes).status ==
          HttpRequestHead::Status::Incomplete) {
        c.dead = true;
        return;
      }
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ++counters_.io_errors;
      c.dead = true;
      return;
    }
    break;
  }
  answer(c);
}

void HttpServer::answer(Connection& c) {
  const HttpRequestHead head = parse_http_request_head(c.in, limits_.max_request_bytes);
  using Status = HttpRequestHead::Status;
  switch (head.status) {
    case Status::Incomplete: return;
    case Status::TooLarge: ++counters_.oversized; break;
    case Status::BadRequest:
    case Status::UriTooLong:
    case Status::VersionNotSupported: ++counters_.malformed; break;
    case Status::Ok: break;
  }
  std::string().swap(c.in);
  if (head.status != Status::Ok) {
    respond(c, http_status_code(head.status), "text/plain; charset=utf-8", "bad request\n", false);
    return;
  }
  const bool head_only = head.method == "HEAD";
  if (head.method != "GET" && !head_only) {
    respond(c, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", false, "Allow: GET, HEAD\r\n");
    return;
  }
  const auto route = routes_.find(head.path);
  if (route == routes_.end()) {
    respond(c, 404, "text/plain; charset=utf-8", "not found; try /metrics\n", head_only);
    return;
  }
  std::string body;
  try {
    body = route->second.handler();
  } catch (const std::exception&) {
    ++counters_.handler_errors;
    respond(c, 500, "text/plain; charset=utf-8", "internal error\n", head_only);
    return;
  } catch (...) {
    ++counters_.handler_errors;
    respond(c, 500, "text/plain; charset=utf-8", "internal error\n", head_only);
    return;
  }
  respond(c, 200, route->second.content_type, std::move(body), head_only);
}

void HttpServer::count_status(int status) {
  if (status < 300) ++counters_.responses_2xx;
  else if (status < 500) ++counters_.responses_4xx;
  else ++counters_.responses_5xx;
}

void HttpServer::respond(Connection& c, int status, std::string_view content_type, std::string body,
                         bool head_only, std::string_view extra_headers) {
  count_status(status);
  std::string& out = c.out;
  out.reserve(160 + (head_only ? 0 : body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\nConnection: close\r\nCache-Control: no-store\r\n";
  out += extra_headers;
  out += "\r\n";
  if (!head_only) out += body;
  c.sent = 0;
  c.phase = Connection::Phase::Writing;
}

void HttpServer::flush(Connection& c) {
  while (c.sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      c.sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // the rest on a later call
    ++counters_.io_errors;
    c.dead = true;
    return;
  }
  std::string().swap(c.out);
  // Our side is done; reading on until the client closes keeps the kernel from answering its
  // unread bytes with a reset that could discard the answer in flight.
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::Draining;
  drain(c);
}

void HttpServer::drain(Connection& c) {
  char chunk[kReadChunk];
  for (;;) {
    const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      c.drained += static_cast<size_t>(n);
      if (c.drained > kDrainBytes) {
        c.dead = true;
        return;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    c.dead = true;  // EOF or an error: done
    return;
  }
}

}  // namespace mcsnoop::mgmt
