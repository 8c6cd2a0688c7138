// Filling a sockaddr_un from a filesystem path, shared by server and client.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string_view>

namespace mcsnoop::mgmt {

// Returns false when the path is empty, contains a NUL byte or does not fit in sun_path
// (108 bytes on Linux, terminator included): binding a truncated path would create a socket
// somewhere nobody looks for it. Thread-safe (pure).
inline bool make_unix_address(std::string_view path, sockaddr_un* addr, socklen_t* len) {
  if (path.empty() || path.size() >= sizeof(addr->sun_path) ||
      path.find('\0') != std::string_view::npos) {
    return false;
  }
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  std::memcpy(addr->sun_path, path.data(), path.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

}  // namespace mcsnoop::mgmt
