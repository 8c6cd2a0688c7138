// control.metrics.listen: the address forms accepted and the errors, each at the key path.
#include <gtest/gtest.h>

#include "load_helpers.hpp"
#include "mcsnoop/config/reload_diff.hpp"

namespace mcsnoop::config {
namespace {

using test::load;
using test::only_error;

constexpr std::string_view kPorts = "ports:\n  - {name: a, device: net_null0}\n";

LoadResult with_control(std::string_view control) {
  return load(std::string(kPorts) + "control:\n" + std::string(control));
}

TEST(MetricsKey, OffByDefault) {
  const LoadResult r = load(kPorts);
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  EXPECT_FALSE(r.config->control.metrics_listen.has_value());
}

TEST(MetricsKey, Ipv4) {
  const LoadResult r = with_control("  metrics: {listen: \"127.0.0.1:9417\"}\n");
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  const auto& m = *r.config->control.metrics_listen;
  EXPECT_EQ(m.host, "127.0.0.1");
  EXPECT_EQ(m.port, 9417);
  EXPECT_EQ(m.family, net::Family::V4);
  EXPECT_EQ(m.to_string(), "127.0.0.1:9417");
}

TEST(MetricsKey, BracketedIpv6) {
  const LoadResult r = with_control("  metrics:\n    listen: \"[::1]:65535\"\n");
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  const auto& m = *r.config->control.metrics_listen;
  EXPECT_EQ(m.host, "::1");
  EXPECT_EQ(m.port, 65535);
  EXPECT_EQ(m.family, net::Family::V6);
  EXPECT_EQ(m.to_string(), "[::1]:65535");
}

TEST(MetricsKey, ErrorsNameTheKeyPath) {
  const char* path = "control.metrics.listen";
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"localhost:9417\"}\n"), path, 4, "not a numeric IPv4"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"::1:9417\"}\n"), path, 4, "needs brackets"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"[::1]9417\"}\n"), path, 4, "a port after"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"[::1:9417\"}\n"), path, 4, "missing ']'"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"127.0.0.1\"}\n"), path, 4, "host:port"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"127.0.0.1:0\"}\n"), path, 4, "1-65535"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"127.0.0.1:65536\"}\n"), path, 4, "1-65535"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"127.0.0.1:94x\"}\n"), path, 4, "1-65535"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"[1.2.3.4]:80\"}\n"), path, 4, "IPv6"));
}

TEST(MetricsKey, ListenIsRequiredAndUnknownKeysRefused) {
  EXPECT_TRUE(only_error(with_control("  metrics: {}\n"), "control.metrics.listen", 4, "missing required key"));
  EXPECT_TRUE(only_error(with_control("  metrics: {listen: \"127.0.0.1:1\", port: 3}\n"), "control.metrics.port", 4));
}

// The HTTP listener is opened once at start: a reload that turns it on, off or moves it is
// refused as restart-required, and one that keeps it is not.
TEST(MetricsKey, ReloadTreatsItAsRestartRequired) {
  auto diff = [](std::string_view a, std::string_view b) {
    const LoadResult ra = with_control(a), rb = with_control(b);
    EXPECT_TRUE(ra.ok() && rb.ok());
    std::vector<std::string> out;
    if (ra.ok() && rb.ok())
      for (const KeyChange& c : diff_for_reload(*ra.config, *rb.config).restart_required) out.push_back(c.to_string());
    return out;
  };
  const std::string off = "  socket: /tmp/x.sock\n";
  const std::string on = off + "  metrics: {listen: \"127.0.0.1:9417\"}\n";
  const std::string moved = off + "  metrics: {listen: \"[::1]:9418\"}\n";
  EXPECT_EQ(diff(off, on), std::vector<std::string>{"control.metrics.listen: off -> 127.0.0.1:9417"});
  EXPECT_EQ(diff(on, moved), std::vector<std::string>{"control.metrics.listen: 127.0.0.1:9417 -> [::1]:9418"});
  EXPECT_EQ(diff(moved, off), std::vector<std::string>{"control.metrics.listen: [::1]:9418 -> off"});
  EXPECT_TRUE(diff(on, on).empty());
}

}  // namespace
}  // namespace mcsnoop::config
