// control.metrics.listen: "host:port" with a numeric host.
#include <arpa/inet.h>

#include <charconv>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::config {

std::string ListenAddress::to_string() const {
  return (family == net::Family::V6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* err) {
  auto fail = [&](std::string why) -> std::optional<ListenAddress> {
    if (err != nullptr) *err = std::move(why);
    return std::nullopt;
  };
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']' after the IPv6 address");
    out.host = std::string(text.substr(1, close - 1));
    out.family = net::Family::V6;
    if (close + 1 >= text.size() || text[close + 1] != ':')
      return fail("expected \"[IPv6]:port\" (a port after the ']')");
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("expected \"host:port\" (e.g. 127.0.0.1:9417)");
    if (text.find(':') != colon) return fail("an IPv6 address needs brackets: \"[::1]:9417\"");
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned char buf[16];
  const bool v6 = out.family == net::Family::V6;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, out.host.c_str(), buf) != 1) {
    return fail("\"" + out.host + "\" is not a numeric " + (v6 ? "IPv6" : "IPv4") +
                " address (host names are not resolved)");
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535) {
    return fail("port \"" + std::string(port_text) + "\" is not a number in 1-65535");
  }
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace mcsnoop::config
