// Creating and removing the listening socket file of the control server.
//
// Private to the mgmt module. Thread safety: the functions touch the filesystem and are meant
// for startup/shutdown on one thread; they hold no state of their own.
#pragma once

#include <sys/types.h>

#include <string>

namespace mcsnoop::mgmt::detail {

struct UnixListener {
  int fd = -1;    // non-blocking, close-on-exec, listening
  dev_t dev = 0;  // identity of the socket file, to recognise it at shutdown
  ino_t ino = 0;
};

// Binds and listens on `path` (see ControlServer::open for the rules on the parent directory,
// stale sockets and permissions). Returns false with a one-line reason in *err.
bool listen_unix(const std::string& path, int backlog, UnixListener* out, std::string* err);

// Unlinks `path` only if it is still the socket file identified by (dev, ino): after a restart
// race the path may already belong to a newer instance, which must keep it.
void unlink_if_ours(const std::string& path, dev_t dev, ino_t ino);

}  // namespace mcsnoop::mgmt::detail
