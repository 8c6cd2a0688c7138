// State limits (issue 8): what one port can make the engine hold. Sources per (port, group),
// source states per port and in the whole table, groups per port, per VLAN and in the whole
// table; each refusal counted, and no port's flood takes a join away from another port.
#include "harness.hpp"

namespace mcsnoop::snoop::test {
namespace {

const IpAddr G = ip("239.1.1.1"), G2 = ip("239.1.1.2"), G3 = ip("239.1.1.3");
const IpAddr HostA = ip("10.0.0.11"), HostB = ip("10.0.0.12");

// IPv4 source number `n` (10.0.0.1 + n).
IpAddr src_n(uint32_t n) {
  const uint32_t a = 0x0a000001u + n;
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return IpAddr::v4_bytes(b);
}
// Group number `n` in 239.2.0.0/16 and above.
[[maybe_unused]] IpAddr group_n(uint32_t n) {
  const uint32_t a = 0xef020000u + n;
  const uint8_t b[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16), static_cast<uint8_t>(a >> 8),
                        static_cast<uint8_t>(a)};
  return IpAddr::v4_bytes(b);
}
// `count` sources numbered from `first`.
std::vector<IpAddr> sources(uint32_t first, uint32_t count) {
  std::vector<IpAddr> s;
  for (uint32_t i = 0; i < count; ++i) s.push_back(src_n(first + i));
  return s;
}

class LimitTest : public EngineTest {
 protected:
  // (S,G) entries of `group` in the forwarding table the engine published.
  size_t source_entries(const IpAddr& group) const {
    size_t n = 0;
    for (const auto& [k, ports] : fib) n += k.group == group && k.source.has_value();
    return n;
  }
};

// The defect of issue 8: the cap was checked for new sources only and every current source
// was kept, so ALLOW records whose sources sort below the list added 256 more each time; past
// 65,535 the uint16_t list size wrapped and the copy ran past the heap block (release builds
// aborted at exit with munmap_chunk(): invalid pointer).
TEST_F(LimitTest, DescendingAllowFloodKeepsTheSourceListWithinTheCap) {
  start();
  constexpr uint32_t kReports = 400, kPerReport = 256;
  for (uint32_t r = 0; r < kReports; ++r) {
    // Every report's sources sort below all earlier ones.
    rx(record(HostA, RecordType::AllowNew, G, sources((kReports - 1 - r) * kPerReport, kPerReport)), H1);
  }
  EXPECT_LE(source_entries(G), 256u);
  auto v = view(G);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ports.test(H1));
}

}  // namespace
}  // namespace mcsnoop::snoop::test
