#include "unix_listener.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mcsnoop/mgmt/unix_address.hpp"

namespace mcsnoop::mgmt::detail {
namespace {

constexpr mode_t kDirectoryMode = 0755;  // subject to the umask
constexpr mode_t kSocketMode = 0660;     // owner and group may connect; others may not

std::string errno_text(int err) { return std::strerror(err); }

// Closes a descriptor when the scope ends unless released.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() { if (fd_ >= 0) ::close(fd_); }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() { int fd = fd_; fd_ = -1; return fd; }

 private:
  int fd_;
};

// mkdir -p of the directory that will hold the socket.
bool make_parent_directories(const std::string& path, std::string* err) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return true;  // cwd or "/"
  const std::string dir = path.substr(0, slash);
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), kDirectoryMode) == 0 || errno == EEXIST) continue;
    *err = "cannot create directory " + prefix + ": " + errno_text(errno);
    return false;
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *err = dir + " is not a directory";
    return false;
  }
  return true;
}

// A socket file left by a process that died without unlinking it refuses connections; one
// with a live listener accepts them (or reports a full backlog, which is just as alive).
bool remove_if_stale(const std::string& path, const sockaddr_un& addr, socklen_t len,
                     std::string* err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    *err = "cannot inspect " + path + ": " + errno_text(errno);
    return false;
  }
  if (!S_ISSOCK(st.st_mode)) {
    *err = path + " exists and is not a socket; refusing to replace it";
    return false;
  }
  FdGuard probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (probe.get() < 0) {
    *err = "socket: " + errno_text(errno);
    return false;
  }
  if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), len) == 0 ||
      errno == EAGAIN || errno == EINPROGRESS) {
    *err = "another process is listening on " + path;
    return false;
  }
  if (errno != ECONNREFUSED) {
    *err = "cannot probe existing socket " + path + ": " + errno_text(errno);
    return false;
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    *err = "cannot remove stale socket " + path + ": " + errno_text(errno);
    return false;
  }
  return true;
}

}  // namespace

bool listen_unix(const std::string& path, int backlog, UnixListener* out, std::string* err) {
  sockaddr_un addr{};
  socklen_t len = 0;
  if (!make_unix_address(path, &addr, &len)) {
    *err = "invalid socket path \"" + path + "\" (empty, or longer than " +
           std::to_string(sizeof(addr.sun_path) - 1) + " bytes)";
    return false;
  }
  if (!make_parent_directories(path, err) || !remove_if_stale(path, addr, len, err)) return false;

  FdGuard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    *err = "socket: " + errno_text(errno);
    return false;
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    *err = "cannot bind " + path + ": " + errno_text(errno);
    return false;
  }
  // Permissions are fixed before listen(): until then a connect() is refused, so nobody can
  // slip in through the umask-derived mode that bind() gave the file.
  struct stat st {};
  if (::chmod(path.c_str(), kSocketMode) != 0 || ::stat(path.c_str(), &st) != 0) {
    *err = "cannot set permissions of " + path + ": " + errno_text(errno);
    ::unlink(path.c_str());
    return false;
  }
  if (::listen(fd.get(), backlog) != 0) {
    *err = "cannot listen on " + path + ": " + errno_text(errno);
    ::unlink(path.c_str());
    return false;
  }
  out->fd = fd.release();
  out->dev = st.st_dev;
  out->ino = st.st_ino;
  return true;
}

void unlink_if_ours(const std::string& path, dev_t dev, ino_t ino) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev &&
      st.st_ino == ino) {
    ::unlink(path.c_str());
  }
}

}  // namespace mcsnoop::mgmt::detail
