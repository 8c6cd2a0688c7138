#include "ctl/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mcsnoop/mgmt/protocol.hpp"
#include "mcsnoop/mgmt/unix_address.hpp"

namespace mcsnoop::ctl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A full backlog makes a non-blocking AF_UNIX connect() fail with EAGAIN rather than wait;
// retry at this pace until the deadline.
constexpr std::chrono::milliseconds kConnectRetry{10};
// Far above any real table dump; only stops a broken peer from exhausting memory.
constexpr std::size_t kMaxReplyBytes = std::size_t{1} << 30;

class Socket {
 public:
  Socket() : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {}
  ~Socket() { if (fd_ >= 0) ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Reply unreachable(std::string why) {
  Reply r;
  r.status = Reply::Status::kUnreachable;
  r.error = std::move(why);
  return r;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

// Waits until fd is ready for `events` or the deadline passes. Returns false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the following I/O call report the error
  }
}

std::string timeout_text(std::chrono::milliseconds timeout, const char* what) {
  return std::string("no ") + what + " within " + std::to_string(timeout.count()) + " ms";
}

bool connect_until(int fd, const sockaddr_un& addr, socklen_t len, Clock::time_point deadline,
                   std::string* err) {
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      *err = std::strerror(errno);
      return false;
    }
    if (Clock::now() >= deadline) {
      *err = "connection not accepted in time (switch busy)";
      return false;
    }
    ::poll(nullptr, 0, std::min<int>(static_cast<int>(kConnectRetry.count()), remaining_ms(deadline)));
  }
}

Reply parse_reply(std::string_view line) {
  const json reply = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) return unreachable("malformed reply (not a JSON object)");
  const auto ok = reply.find(mgmt::key::kOk);
  if (ok == reply.end() || !ok->is_boolean()) return unreachable("malformed reply (no \"ok\")");
  Reply r;
  if (ok->get<bool>()) {
    r.status = Reply::Status::kOk;
    const auto data = reply.find(mgmt::key::kData);
    if (data != reply.end()) r.data = *data;
    return r;
  }
  r.status = Reply::Status::kFailed;
  const auto error = reply.find(mgmt::key::kError);
  r.error = error != reply.end() && error->is_string() ? error->get<std::string>()
                                                       : std::string("unspecified error");
  return r;
}

}  // namespace

Reply request(const std::string& socket_path, std::string_view command,
              std::chrono::milliseconds timeout) {
  return request(socket_path, json{{mgmt::key::kCommand, command}}, timeout);
}

Reply request(const std::string& socket_path, const json& request_object,
              std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;

  sockaddr_un addr{};
  socklen_t addr_len = 0;
  if (!mgmt::make_unix_address(socket_path, &addr, &addr_len)) {
    return unreachable("invalid socket path (empty or too long)");
  }
  Socket sock;
  if (sock.fd() < 0) return unreachable(std::strerror(errno));
  std::string err;
  if (!connect_until(sock.fd(), addr, addr_len, deadline, &err)) return unreachable(err);

  const std::string request_line = request_object.dump() + "\n";
  for (std::size_t sent = 0; sent < request_line.size();) {
    const ssize_t n = ::send(sock.fd(), request_line.data() + sent, request_line.size() - sent,
                             MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_for(sock.fd(), POLLOUT, deadline)) return unreachable(timeout_text(timeout, "room to send"));
    } else if (errno != EINTR) {
      return unreachable(std::string("send: ") + std::strerror(errno));
    }
  }

  std::string reply;
  char chunk[16 * 1024];
  for (;;) {
    const ssize_t n = ::recv(sock.fd(), chunk, sizeof chunk, 0);
    if (n > 0) {
      const std::string_view got(chunk, static_cast<std::size_t>(n));
      const std::size_t newline = got.find('\n');
      reply.append(got.substr(0, newline));
      if (newline != std::string_view::npos) return parse_reply(reply);
      if (reply.size() > kMaxReplyBytes) return unreachable("reply too large");
    } else if (n == 0) {
      return unreachable(reply.empty() ? "connection closed without a reply"
                                       : "connection closed in the middle of the reply");
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_for(sock.fd(), POLLIN, deadline)) return unreachable(timeout_text(timeout, "reply"));
    } else if (errno != EINTR) {
      return unreachable(std::string("recv: ") + std::strerror(errno));
    }
  }
}

}  // namespace mcsnoop::ctl
