// The control plane's own limits (issue 8): refused MFT updates are retried until they are in,
// originated frames fit the egress MTU (large source lists are split), and big `show` views
// are answered in slices while the loop keeps running.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcsnoop/mft/mft.hpp"
#include "mcsnoop/net/decode.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using namespace std::chrono_literals;

std::vector<HarnessPort> hosts3() {
  std::vector<HarnessPort> p(3);
  p[0].name = "h1";
  p[1].name = "h2";
  p[2].name = "h3";
  return p;
}

size_t count(const std::map<std::string, std::vector<Captured>>& out, const std::string& port) {
  return out.at(port).size();
}

PortMask only(PortId p) { return PortMask::of(p); }

// ---- MFT refusals are retried ----------------------------------------------------------------

TEST(ControlLimits, RefusedMftInsertIsCountedAndRetriedUntilItArrives) {
  HarnessLayout layout;
  layout.mft_capacity = mft::Table::kMinCapacity;
  SwitchHarness sw(hosts3(), {HarnessVlan{}}, std::chrono::seconds(300), layout);
  mft::Table& mft = sw.dp().mft();
  // Another port's state (here put straight into the table) fills the MFT.
  for (uint32_t i = 0; mft.size() < mft.capacity(); ++i)
    ASSERT_TRUE(mft.set(mft::Key(1, net::IpAddr::v4(0xEFC80000 | i)), only(sw.port("h3"))));

  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  const mft::Key key(1, ip("239.1.1.1"));
  EXPECT_EQ(mft.lookup(key), nullptr) << "the table is full";
  EXPECT_EQ(sw.control().counters().mft_refused, 1u);
  EXPECT_EQ(sw.control().mft_retry_pending(), 1u);
  EXPECT_EQ(sw.control().show_stats()["control"]["mft_retry_pending"], 1u);
  auto out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(count(out, "h2"), 1u) << "meanwhile the group is unregistered: flooded";

  // Still full: retries keep failing, nothing is forgotten.
  sw.advance(100ms, 10ms);
  EXPECT_EQ(mft.lookup(key), nullptr);
  EXPECT_EQ(sw.control().mft_retry_pending(), 1u);

  // Room appears: the next retry tick publishes the join.
  ASSERT_TRUE(mft.erase(mft::Key(1, net::IpAddr::v4(0xEFC80000))));
  sw.advance(20ms, 10ms);
  const mft::Entry* e = mft.lookup(key);
  ASSERT_NE(e, nullptr) << "the refused join arrived after room was freed";
  EXPECT_EQ(e->ports, only(sw.port("h1")));
  EXPECT_EQ(sw.control().mft_retry_pending(), 0u);
  EXPECT_EQ(sw.control().counters().mft_retried, 1u);
  out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u) << "registered now: no more flooding";
}

TEST(ControlLimits, ALaterChangeSupersedesAWaitingRetry) {
  HarnessLayout layout;
  layout.mft_capacity = mft::Table::kMinCapacity;
  std::vector<HarnessPort> ports = hosts3();
  ports[0].snoop.fast_leave = true;
  SwitchHarness sw(ports, {HarnessVlan{}}, std::chrono::seconds(300), layout);
  mft::Table& mft = sw.dp().mft();
  for (uint32_t i = 0; mft.size() < mft.capacity(); ++i)
    ASSERT_TRUE(mft.set(mft::Key(1, net::IpAddr::v4(0xEFC80000 | i)), only(sw.port("h3"))));
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.control().mft_retry_pending(), 1u);
  sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));  // fast leave: the group is gone
  ASSERT_TRUE(mft.erase(mft::Key(1, net::IpAddr::v4(0xEFC80000))));
  sw.advance(50ms, 10ms);
  EXPECT_EQ(mft.lookup(mft::Key(1, ip("239.1.1.1"))), nullptr) << "a left group is not resurrected";
  EXPECT_EQ(sw.control().mft_retry_pending(), 0u);
}

// ---- queries fit the egress MTU --------------------------------------------------------------

struct QueryFrame {
  size_t bytes;
  net::McastMessage msg;
};

std::vector<QueryFrame> queries_for(const std::vector<Captured>& frames, const net::IpAddr& group) {
  std::vector<QueryFrame> out;
  for (const Captured& c : frames) {
    const net::FrameInfo fi = c.info();
    const auto len = static_cast<uint32_t>(c.bytes.size());
    if (fi.l3_offset == 0 || fi.l3_offset >= len) continue;
    net::McastMessage msg;
    if (net::decode_l3(fi.ethertype, c.bytes.data() + fi.l3_offset, len - fi.l3_offset, msg, nullptr) !=
            net::DecodeResult::Ok ||
        msg.kind != net::MsgKind::Query || msg.query.group != group)
      continue;
    out.push_back({c.bytes.size(), msg});
  }
  return out;
}

std::vector<uint8_t> mld_report(net::RecordType type, const net::IpAddr& group, const std::vector<net::IpAddr>& sources) {
  net::MldV2Report r;
  r.src = ip("fe80::11");
  r.records.push_back(net::ReportRecord{type, group, sources, 0});
  net::FrameOptions o;
  o.src_mac = mac(0x11);
  return net::build(r, o);
}

// An MLDv2 group-and-source-specific query about 100 sources is 1,690 bytes: over a 1500-byte
// MTU. It must leave as several queries, each within the MTU, asking about every source.
TEST(ControlLimits, SourceSpecificQueryIsSplitAtTheEgressMtu) {
  HarnessVlan v;
  v.querier.enabled = true;
  v.querier.address6 = ip("fe80::254");
  v.querier.mld_version = 2;
  std::vector<HarnessPort> ports = hosts3();
  // A membership of 100 sources: above the default max_sources_per_group (64).
  for (HarnessPort& p : ports) p.snoop.max_sources_per_group = 1024;
  SwitchHarness sw(ports, {v});
  sw.advance(1s);
  sw.drain_all();

  const net::IpAddr group = ip("ff0e::1:1");
  std::vector<net::IpAddr> sources;
  for (unsigned i = 1; i <= 100; ++i) sources.push_back(ip(("2001:db8::" + std::to_string(i)).c_str()));
  sw.send("h1", mld_report(net::RecordType::IsInclude, group, sources));
  sw.drain_all();
  // INCLUDE(A) + BLOCK(A): Q(G, A) from the querier (RFC 3810 7.4.2).
  const auto out = sw.send("h1", mld_report(net::RecordType::BlockOld, group, sources));

  const std::vector<QueryFrame> queries = queries_for(out.at("h1"), group);
  ASSERT_GE(queries.size(), 2u) << "100 IPv6 sources do not fit one 1500-byte frame";
  std::multiset<net::IpAddr> asked;
  for (const QueryFrame& q : queries) {
    EXPECT_LE(q.bytes, 1514u) << "every frame fits the egress MTU (1500 + Ethernet header)";
    EXPECT_FALSE(q.msg.query.suppress);
    asked.insert(q.msg.sources.begin(), q.msg.sources.end());
  }
  EXPECT_EQ(asked, std::multiset<net::IpAddr>(sources.begin(), sources.end()))
      << "every source asked about exactly once";
  EXPECT_GE(sw.control().counters().query_frames_split, 1u);
  EXPECT_EQ(sw.control().counters().frames_oversize, 0u);
}

// ---- show groups on a large table ------------------------------------------------------------

// A non-blocking client of the control socket, read by hand between loop iterations.
class RawClient {
 public:
  explicit RawClient(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ok_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawClient() { if (fd_ >= 0) ::close(fd_); }
  bool ok() const { return ok_; }
  bool send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // Reads what is there; true once a whole line is in.
  bool read_some() {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      in_.append(buf, static_cast<size_t>(n));
    }
    return in_.find('\n') != std::string::npos;
  }
  const std::string& received() const { return in_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string in_;
};

// IGMPv3 reports joining `n` groups 239.<vlan-free counter> from one host, 150 records a frame.
std::vector<std::vector<uint8_t>> joins(uint32_t n) {
  std::vector<std::vector<uint8_t>> frames;
  for (uint32_t first = 0; first < n; first += 150) {
    net::IgmpV3Report r;
    r.src = ip("10.0.0.11");
    for (uint32_t i = first; i < std::min(n, first + 150); ++i)
      r.records.push_back(net::ReportRecord{net::RecordType::IsExclude, net::IpAddr::v4(0xEF100000 + i), {}, 0});
    net::FrameOptions o;
    o.src_mac = mac(0x11);
    frames.push_back(net::build(r, o));
  }
  return frames;
}

// `show groups` on a table of 30,000 groups is answered over many loop iterations, and the loop
// keeps draining the punt ring meanwhile: a join sent after the request is in the MFT before the
// answer is complete. The answer is the same JSON as ControlPlane::show_groups().
TEST(ControlLimits, LargeShowGroupsIsAnsweredInSlicesWhileTheLoopRuns) {
  constexpr uint32_t kGroups = 30'000;
  HarnessLayout layout;
  layout.mft_capacity = 65536;
  SwitchHarness sw(hosts3(), {HarnessVlan{}}, std::chrono::seconds(300), layout);
  const auto frames = joins(kGroups);
  for (size_t i = 0; i < frames.size(); ++i) {
    sw.inject("h1", frames[i]);
    if (i % 100 == 99) sw.step();
  }
  sw.step();
  sw.drain_all();
  ASSERT_EQ(sw.dp().mft().size(), kGroups);

  char dir_template[] = "/tmp/h-hash-ctl-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/ctl.sock";
  std::string err;
  ASSERT_TRUE(sw.control().server().open(path, &err)) << err;
  RawClient client(path);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("{\"command\":\"show groups\"}\n"));

  // The first iterations start the answer but cannot finish it...
  sw.poll_control(std::chrono::milliseconds(10));
  sw.poll_control();
  client.read_some();
  EXPECT_TRUE(sw.control().server().streaming()) << "30,000 entries are not rendered in two iterations";
  // ...while a join arriving now is handled by the next iterations, before the answer is done.
  sw.inject("h2", v2_report("239.9.9.9", "10.0.0.12", 0x12));
  const mft::Key late(1, ip("239.9.9.9"));
  unsigned iterations = 0;
  while (sw.dp().mft().lookup(late) == nullptr && iterations < 20) {
    sw.poll_data_path();
    sw.poll_control();
    client.read_some();
    ++iterations;
  }
  EXPECT_NE(sw.dp().mft().lookup(late), nullptr) << "the punt ring was drained mid-answer";
  EXPECT_TRUE(sw.control().server().streaming()) << "and the answer is still being produced";

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!client.read_some() && std::chrono::steady_clock::now() < deadline) {
    sw.poll_control();
    ++iterations;
  }
  ASSERT_TRUE(client.read_some()) << "the whole answer arrived";
  const std::string line = client.received().substr(0, client.received().find('\n'));
  const nlohmann::json answer = nlohmann::json::parse(line);
  EXPECT_EQ(answer["ok"], true);
  EXPECT_GE(answer["data"].size(), kGroups);
  EXPECT_GT(iterations, 20u) << "produced over many iterations";
  // The contract's output: the same JSON as the one-shot view (the late join may be listed or not).
  nlohmann::json expected = sw.control().show_groups();
  if (answer["data"].size() == kGroups) {
    expected.erase(std::remove_if(expected.begin(), expected.end(),
                                  [](const nlohmann::json& e) { return e["group"] == "239.9.9.9"; }),
                   expected.end());
  }
  ASSERT_EQ(answer["data"].size(), expected.size());
  EXPECT_EQ(answer["data"], expected);
  sw.control().server().close();
  ::rmdir(dir_template);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-ctl-limits", "0-1"));
  return RUN_ALL_TESTS();
}
