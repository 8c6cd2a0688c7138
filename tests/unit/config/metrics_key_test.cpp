// control.metrics.listen: the address forms accepted and the errors, each at the key path.
#include <gtest/gtest.h>

#include "load_helpers.hpp"

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
  EXPECT_FALSE(m.v6);
  EXPECT_EQ(m.to_string(), "127.0.0.1:9417");
}

TEST(MetricsKey, BracketedIpv6) {
  const LoadResult r = with_control("  metrics:\n    listen: \"[::1]:65535\"\n");
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  const auto& m = *r.config->control.metrics_listen;
  EXPECT_EQ(m.host, "::1");
  EXPECT_EQ(m.port, 65535);
  EXPECT_TRUE(m.v6);
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

}  // namespace
}  // namespace mcsnoop::config
