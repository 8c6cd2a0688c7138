// Text forms of IpAddr. Not a hot path: configuration, logs and the control socket.
#include "mcsnoop/net/ip_addr.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace mcsnoop::net {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string; the longest valid text is
  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45 characters).
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  text.copy(buf, text.size());
  buf[text.size()] = '\0';

  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) return IpAddr::v4_bytes(raw);
  if (inet_pton(AF_INET6, buf, raw) == 1) return IpAddr::v6_bytes(raw);
  return std::nullopt;
}

// RFC 5952 4: lower-case hex, no leading zeros, the longest run of two or more zero fields
// (the first one on a tie) shortened to "::". v4-mapped addresses print as dotted quads since
// that is how mcsnoop holds IPv4.
std::string IpAddr::to_string() const {
  char out[INET6_ADDRSTRLEN];
  if (is_v4()) {
    std::snprintf(out, sizeof(out), "%u.%u.%u.%u", b_[12], b_[13], b_[14], b_[15]);
    return out;
  }
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>(b_[2 * i] << 8 | b_[2 * i + 1]);

  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;  // RFC 5952 4.2.2: never "::" for a single zero field

  std::string s;
  s.reserve(40);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (!s.empty() && s.back() != ':') s += ':';
    char field[5];
    std::snprintf(field, sizeof(field), "%x", w[i]);
    s += field;
  }
  return s;
}

}  // namespace mcsnoop::net
