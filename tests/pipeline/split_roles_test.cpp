// Split lcore roles (cores.rx / cores.tx) on the real data plane and control plane: RX lcores
// classify, look up and punt, and hand each decided frame over a ring to a TX lcore, which
// replicates and transmits it. The objects are stepped by hand as in the other pipeline tests,
// except SplitRolesLaunched, which runs the lcores for real.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "mcsnoop/config/loader.hpp"
#include "switch_harness.hpp"
#include "wiring.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::VlanMode;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kAging = std::chrono::seconds(300);

// One RX lcore, one TX lcore. Each ring ethdev has a TX queue for the TX lcore and one for the
// control lcore.
HarnessLayout split_layout() { return HarnessLayout{.lcores = {.rx = {1}, .tx = {2}}, .tx_queues = 2}; }

// The same, with one TX queue per device: the control lcore's frames go through the inject ring
// to TX lcore 0.
HarnessLayout split_inject_layout() { return HarnessLayout{.lcores = {.rx = {1}, .tx = {2}}, .tx_queues = 1}; }

std::vector<HarnessPort> three_access_ports() { return {{.name = "h1"}, {.name = "h2"}, {.name = "h3"}}; }

// r faces the multicast router (a static router port), h1..h3 are hosts.
std::vector<HarnessPort> rhhh(bool fast_leave = false) {
  std::vector<HarnessPort> p = {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}};
  p[0].snoop.router = snoop::RouterMode::Always;
  for (auto& hp : p) hp.snoop.fast_leave = fast_leave;
  return p;
}

HarnessVlan vlan1(snoop::UnregisteredPolicy u = snoop::UnregisteredPolicy::RouterPorts) {
  HarnessVlan v;
  v.id = 1;
  v.unregistered = u;
  v.timers.query_interval = seconds(10);
  v.timers.query_response_interval = seconds(2);
  return v;
}

size_t total(std::map<std::string, std::vector<Captured>>& out) {
  size_t n = 0;
  for (auto& [name, frames] : out) n += frames.size();
  return n;
}

std::map<std::string, std::vector<Captured>> capture_all(SwitchHarness& sw, std::initializer_list<const char*> ports) {
  std::map<std::string, std::vector<Captured>> out;
  for (const char* p : ports) out[p] = sw.capture(p);
  return out;
}

size_t igmp_from(const std::vector<Captured>& frames, const char* source) {
  size_t n = 0;
  for (const Captured& c : frames) {
    const net::FrameInfo fi = c.info();
    n += fi.cls == net::FrameClass::IgmpControl && fi.source == ip(source);
  }
  return n;
}

// ---- layout ------------------------------------------------------------------------------------

TEST(SplitRoles, RxLcoreHandsFramesToTheTxLcoreWhichAloneTransmits) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, kAging, split_layout());
  ASSERT_EQ(sw.dp().worker_count(), 1u);
  ASSERT_EQ(sw.dp().tx_worker_count(), 1u);
  ASSERT_TRUE(sw.dp().port_info(0).control_queue);

  sw.inject("h1", eth_frame(mac(1), net::MacAddr::broadcast()));
  EXPECT_EQ(sw.dp().worker(0).poll_once(), 1u);
  auto out = capture_all(sw, {"h1", "h2", "h3"});
  EXPECT_EQ(total(out), 0u) << "the RX lcore transmits nothing itself";

  EXPECT_EQ(sw.dp().tx_worker(0).poll_once(), 1u) << "the frame waited in the handoff ring";
  out = capture_all(sw, {"h1", "h2", "h3"});
  EXPECT_EQ(out["h1"].size(), 0u);
  EXPECT_EQ(out["h2"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 1u);
  // Transmission is counted by the lcore that did it.
  const PortId h2 = sw.port("h2");
  EXPECT_EQ(sw.dp().tx_worker(0).counters()[h2].tx_packets, 1u);
  EXPECT_EQ(sw.dp().worker(0).counters()[h2].tx_packets, 0u);
  EXPECT_EQ(sw.dp().worker(0).counters()[sw.port("h1")].rx_packets, 1u);
}

// ---- 1. L2 switching ---------------------------------------------------------------------------

TEST(SplitRoles, UnknownUnicastFloodsLearnedUnicastGoesToOnePortNeverBackOut) {
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, kAging, split_layout());
  auto out = sw.send("h1", eth_frame(mac(1), mac(2)));
  EXPECT_EQ(out["h1"].size(), 0u) << "never back out of the ingress port";
  EXPECT_EQ(out["h2"].size(), 1u) << "unknown unicast floods";
  EXPECT_EQ(out["h3"].size(), 1u) << "unknown unicast floods";

  out = sw.send("h2", eth_frame(mac(2), mac(1)));  // mac(1) was learned on h1
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(out["h3"].size(), 0u);
  out = sw.send("h3", eth_frame(mac(3), mac(2)));  // mac(2) was learned on h2
  EXPECT_EQ(out["h2"].size(), 1u);
  EXPECT_EQ(out["h1"].size(), 0u);
  EXPECT_EQ(sw.dp().macs().size(), 3u);

  // A frame to a MAC that lives on the ingress port goes nowhere.
  out = sw.send("h1", eth_frame(mac(7), mac(1)));
  EXPECT_EQ(total(out), 0u);
}

TEST(SplitRoles, VlansStayIsolated) {
  SwitchHarness sw({{.name = "a1", .vlan = 10}, {.name = "a2", .vlan = 10}, {.name = "b1", .vlan = 20}},
                   {{.id = 10}, {.id = 20}}, kAging, split_layout());
  auto out = sw.send("a1", eth_frame(mac(1), net::MacAddr::broadcast()));
  EXPECT_EQ(out["a2"].size(), 1u);
  EXPECT_EQ(out["b1"].size(), 0u);
  out = sw.send("b1", eth_frame(mac(3), mac(1)));  // mac(1) is known in VLAN 10 only
  EXPECT_EQ(out["a1"].size(), 0u);
  EXPECT_EQ(out["a2"].size(), 0u);
}

// ---- 2. trunk tagging through the TX lcore -----------------------------------------------------

TEST(SplitRoles, TrunkTagsOnEgressAccessUntagsAndMixedReplicationIsAccounted) {
  SwitchHarness sw({{.name = "a10", .vlan = 10}, {.name = "a20", .vlan = 20},
                    {.name = "t", .mode = VlanMode::Trunk, .allowed = {10, 20}},
                    {.name = "t2", .mode = VlanMode::Trunk, .allowed = {10}},
                    {.name = "b10", .vlan = 10}},
                   {{.id = 10}, {.id = 20}}, kAging, split_layout());
  // Access VLAN 10 -> two trunks (the tagged variant, shared) and one access port (the original).
  const auto untagged = eth_frame(mac(1), net::MacAddr::broadcast());
  auto out = sw.send("a10", untagged);
  ASSERT_EQ(out["t"].size(), 1u);
  ASSERT_EQ(out["t2"].size(), 1u);
  ASSERT_EQ(out["b10"].size(), 1u);
  EXPECT_EQ(out["a20"].size(), 0u);
  EXPECT_EQ(out["a10"].size(), 0u);
  for (const char* trunk : {"t", "t2"}) {
    const auto fi = out[trunk][0].info();
    EXPECT_TRUE(fi.tagged) << trunk;
    EXPECT_EQ(fi.vid, 10) << trunk;
    EXPECT_EQ(out[trunk][0].bytes.size(), untagged.size() + 4) << trunk;
    EXPECT_TRUE(std::equal(untagged.begin() + 12, untagged.end(), out[trunk][0].bytes.begin() + 16)) << trunk;
  }
  EXPECT_FALSE(out["b10"][0].info().tagged);
  EXPECT_EQ(out["b10"][0].bytes, untagged);

  // Trunk tagged 20 -> access VLAN 20: untagged, payload intact.
  const auto tagged20 = eth_frame(mac(2), net::MacAddr::broadcast(), VlanId{20});
  out = sw.send("t", tagged20);
  ASSERT_EQ(out["a20"].size(), 1u);
  EXPECT_FALSE(out["a20"][0].info().tagged);
  EXPECT_EQ(out["a20"][0].bytes.size(), tagged20.size() - 4);
  EXPECT_TRUE(std::equal(tagged20.begin() + 16, tagged20.end(), out["a20"][0].bytes.begin() + 12));
  EXPECT_TRUE(std::equal(tagged20.begin(), tagged20.begin() + 12, out["a20"][0].bytes.begin()));
  EXPECT_EQ(total(out), 1u) << "VLAN 20 has no other member";

  // Trunk tagged 10 -> the other trunk keeps the tag (original mbuf), access ports untagged.
  out = sw.send("t", eth_frame(mac(3), net::MacAddr::broadcast(), VlanId{10}));
  ASSERT_EQ(out["t2"].size(), 1u);
  EXPECT_TRUE(out["t2"][0].info().tagged);
  ASSERT_EQ(out["a10"].size(), 1u);
  EXPECT_FALSE(out["a10"][0].info().tagged);
  ASSERT_EQ(out["b10"].size(), 1u);
  EXPECT_FALSE(out["b10"][0].info().tagged);

  for (int i = 0; i < 200; ++i) {
    out = sw.send(i % 2 ? "a10" : "t2", eth_frame(mac(1 + i % 2), net::MacAddr::broadcast(),
                                                  i % 2 ? std::nullopt : std::optional<VlanId>(10)));
    ASSERT_EQ(out["b10"].size(), 1u) << i;
    ASSERT_EQ(out["t"].size(), 1u) << i;
    ASSERT_TRUE(out["t"][0].info().tagged) << i;
  }
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u) << "header and clone mbufs of every variant came back";
  EXPECT_EQ(sw.pool_in_use(), 0u) << "every received frame came back";
}

// ---- 3. snooped multicast ------------------------------------------------------------------------

TEST(SplitRoles, JoinedGroupGoesToMembersAndRouterPortsOnly) {
  SwitchHarness sw(rhhh(), {vlan1()}, kAging, split_layout());
  auto q = sw.send("r", general_query("10.0.0.1", net::Compat::V2));
  EXPECT_EQ(q["h1"].size(), 1u) << "the query is punted and forwarded to every host";
  EXPECT_EQ(q["h3"].size(), 1u);

  auto rep = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(sw.dp().port_counters(sw.port("h1")).punted, 1u) << "the RX lcore punted the report";
  EXPECT_EQ(rep["r"].size(), 1u) << "reports go to router ports";
  EXPECT_EQ(rep["h2"].size(), 0u);
  EXPECT_EQ(rep["h3"].size(), 0u);
  ASSERT_EQ(sw.control().show_groups().size(), 1u);

  auto out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(out["h1"].size(), 1u) << "member";
  EXPECT_EQ(out["r"].size(), 1u) << "router port";
  EXPECT_EQ(out["h2"].size(), 0u);
  EXPECT_EQ(out["h3"].size(), 0u) << "never back out of the ingress port";
  EXPECT_GE(sw.dp().worker(0).counters()[sw.port("h3")].mcast_lookups, 1u) << "the RX lcore read the MFT";
  EXPECT_EQ(sw.dp().tx_worker(0).counters()[sw.port("h3")].mcast_lookups, 0u);

  out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(out["h1"].size(), 1u);
  EXPECT_EQ(total(out), 1u);

  // A group nobody joined: the unregistered policy (router ports).
  out = sw.send("h2", udp_to("239.9.9.9", "10.0.0.12", mac(0x12)));
  EXPECT_EQ(out["r"].size(), 1u);
  EXPECT_EQ(total(out), 1u);
}

TEST(SplitRoles, TheForwardingDecisionTravelsWithTheFrame) {
  // The MFT is read on the RX lcore; the TX lcore sends where the RX lcore decided, even if the
  // table changed while the frame waited in the handoff ring.
  SwitchHarness sw(rhhh(/*fast_leave=*/true), {vlan1()}, kAging, split_layout());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.drain_all();

  sw.inject("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  ASSERT_EQ(sw.dp().worker(0).poll_once(), 1u);  // decided: h1 + r, parked in the handoff ring
  sw.inject("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.dp().worker(0).poll_once(), 1u);  // punted
  sw.poll_control();                             // fast leave: h1 pruned from the MFT now
  ASSERT_EQ(sw.control().show_groups().size(), 0u);
  EXPECT_EQ(sw.dp().tx_worker(0).poll_once(), 1u);
  auto out = capture_all(sw, {"r", "h1", "h2", "h3"});
  EXPECT_EQ(out["h1"].size(), 1u) << "decided before the leave";
  EXPECT_EQ(igmp_from(out["r"], "10.0.0.11"), 1u) << "the leave, forwarded by the control lcore";
  EXPECT_EQ(out["r"].size(), 2u) << "the data and the leave";
  EXPECT_EQ(out["h2"].size(), 0u);

  out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(out["h1"].size(), 0u) << "decided after the leave";
  EXPECT_EQ(out["r"].size(), 1u);
}

// ---- 4. what the control lcore transmits ----------------------------------------------------------

// Our querier's general queries and a forwarded report, with the control lcore's own TX queue
// (`inject` false) or through the inject ring to TX lcore 0.
void control_frames_go_out(bool inject) {
  HarnessVlan v = vlan1();
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.querier.version = 2;
  SwitchHarness sw(rhhh(), {v}, kAging, inject ? split_inject_layout() : split_layout());
  for (PortId p = 0; p < sw.dp().port_count(); ++p) ASSERT_EQ(sw.dp().port_info(p).control_queue, !inject);
  const char* ports[] = {"r", "h1", "h2", "h3"};

  // The querier's timer fires: only the control loop runs.
  EXPECT_GT(sw.poll_control(seconds(11)), 0u);
  auto out = capture_all(sw, {"r", "h1", "h2", "h3"});
  for (const char* p : ports) {
    if (inject)
      EXPECT_EQ(out[p].size(), 0u) << p << ": waits in the inject ring for the TX lcore";
    else
      EXPECT_GE(igmp_from(out[p], "10.0.0.254"), 1u) << p << ": sent on the control TX queue";
  }
  sw.poll_data_path();
  auto after = capture_all(sw, {"r", "h1", "h2", "h3"});
  for (const char* p : ports) {
    if (inject)
      EXPECT_GE(igmp_from(after[p], "10.0.0.254"), 1u) << p << ": the TX lcore sent it";
    else
      EXPECT_EQ(after[p].size(), 0u) << p << ": nothing was left for the TX lcore";
  }
  EXPECT_EQ(sw.control().counters().frames_lost_no_mbuf, 0u);

  // A report: punted by the RX lcore, forwarded by the control lcore to the router port only.
  sw.inject("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.dp().worker(0).poll_once(), 1u);
  sw.poll_control();
  out = capture_all(sw, {"r", "h1", "h2", "h3"});
  EXPECT_EQ(out["r"].size(), inject ? 0u : 1u);
  sw.poll_data_path();
  after = capture_all(sw, {"r", "h1", "h2", "h3"});
  EXPECT_EQ(igmp_from(inject ? after["r"] : out["r"], "10.0.0.11"), 1u);
  EXPECT_EQ(total(after), inject ? 1u : 0u);
  EXPECT_EQ(out["h2"].size() + out["h3"].size(), 0u);

  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

TEST(SplitRoles, ControlFramesGoOutOnTheControlTxQueue) { control_frames_go_out(false); }

TEST(SplitRoles, ControlFramesGoOutThroughTheInjectRingAndTheTxLcore) { control_frames_go_out(true); }

// ---- 5. shutdown -----------------------------------------------------------------------------------

TEST(SplitRoles, ShutdownFreesFramesLeftInHandoffPuntAndInjectRings) {
  HarnessVlan v = vlan1(snoop::UnregisteredPolicy::Flood);
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.querier.version = 2;
  SwitchHarness sw({{.name = "r"}, {.name = "h1"}, {.name = "t", .mode = VlanMode::Trunk, .allowed = {1}},
                    {.name = "h3"}},
                   {v}, kAging, split_inject_layout());
  // Frames the control lcore sends, parked in the inject ring (packet pool mbufs).
  sw.poll_control(seconds(11));
  ASSERT_NE(sw.dp().inject_ring(), nullptr);
  const unsigned injected = rte_ring_count(sw.dp().inject_ring());
  EXPECT_GE(injected, 4u) << "a general query for each port";

  // Broadcasts with mixed tagging, parked in the handoff ring, and reports in the punt ring.
  constexpr unsigned kFrames = 100;
  for (unsigned i = 0; i < kFrames; ++i) sw.inject("h1", eth_frame(mac(1), net::MacAddr::broadcast()));
  sw.inject("h3", v2_report("239.1.1.1", "10.0.0.13", 0x13));
  sw.inject("h3", v2_report("239.1.1.2", "10.0.0.13", 0x13));
  unsigned received = 0;
  for (int i = 0; i < 10 && received < kFrames + 2; ++i) received += sw.dp().worker(0).poll_once();
  ASSERT_EQ(received, kFrames + 2);
  ASSERT_EQ(sw.dp().handoff_ring_count(), 1u);
  EXPECT_EQ(rte_ring_count(sw.dp().handoff_ring(0)), kFrames);
  EXPECT_EQ(rte_ring_count(sw.dp().punt_ring()), 2u);
  EXPECT_EQ(rte_ring_count(sw.dp().inject_ring()), injected);
  EXPECT_GT(sw.pool_in_use(), 0u);
  EXPECT_GT(sw.dp().mbufs_in_use(), 0u);

  sw.dp().shutdown();
  auto out = capture_all(sw, {"r", "h1", "t", "h3"});
  EXPECT_EQ(total(out), 0u) << "nothing was transmitted: the TX lcore never ran";
  EXPECT_EQ(rte_ring_count(sw.dp().handoff_ring(0)), 0u);
  EXPECT_EQ(rte_ring_count(sw.dp().punt_ring()), 0u);
  EXPECT_EQ(rte_ring_count(sw.dp().inject_ring()), 0u);
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u) << "packet, header and clone pools";
  EXPECT_EQ(sw.pool_in_use(), 0u) << "frames that arrived on the ports";
  sw.dp().shutdown();  // idempotent
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

TEST(SplitRoles, ShutdownFreesFramesTheControlTxStageStillBuffers) {
  // ControlPlane flushes its TX stage at the end of every pass, but shutdown must not depend on
  // it: a buffered frame bound for the inject ring is freed, not queued after the ring's drain.
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, kAging, split_inject_layout());
  rte_mbuf* m = rte_pktmbuf_alloc(sw.dp().packet_pool());
  ASSERT_NE(m, nullptr);
  const auto frame = eth_frame(mac(1), net::MacAddr::broadcast());
  std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())), frame.data(), frame.size());
  sw.dp().control_tx().emit_one(m, sw.port("h2"));  // buffered, not flushed
  EXPECT_EQ(sw.dp().mbufs_in_use(), 1u);
  sw.dp().shutdown();
  sw.drain_all();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

// ---- two RX lcores, one TX lcore, launched ---------------------------------------------------------

TEST(SplitRolesLaunched, TwoRxLcoresFeedOneTxLcoreWithoutLossOrDuplication) {
  // Real lcores (EAL lcores 1-3 share the test's two CPUs): RX lcores 1 and 2 poll queues 0 and 1
  // of every port and both hand over to TX lcore 3 at the same time.
  HarnessLayout layout{.lcores = {.rx = {1, 2}, .tx = {3}}, .tx_queues = 2, .rx_queues = 2};
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, kAging, layout);
  ASSERT_EQ(sw.dp().worker_count(), 2u);
  ASSERT_EQ(sw.dp().tx_worker_count(), 1u);
  // Worker::deliver enqueues with rte_ring_sp_enqueue: two RX lcores must never share a ring.
  ASSERT_EQ(sw.dp().handoff_ring_count(), 2u);
  EXPECT_NE(sw.dp().handoff_ring(0), sw.dp().handoff_ring(1));
  std::string err;
  ASSERT_TRUE(sw.launch(&err)) << err;

  constexpr unsigned kRounds = 20;
  constexpr unsigned kPerQueue = 500;  // the RX rings hold 1023
  size_t h2 = 0, h3 = 0, h1 = 0;
  bool timed_out = false;
  for (unsigned round = 0; round < kRounds && !timed_out; ++round) {
    sw.inject_on_every_queue("h1", eth_frame(mac(1), net::MacAddr::broadcast()), kPerQueue);
    const size_t want = size_t{round + 1} * 2 * kPerQueue;
    const auto deadline = std::chrono::steady_clock::now() + seconds(20);
    while (h2 < want || h3 < want) {
      sw.control().poll_once(sw.dp().clock().now_ms());
      h1 += sw.capture("h1").size();
      h2 += sw.capture("h2").size();
      h3 += sw.capture("h3").size();
      if (std::chrono::steady_clock::now() > deadline) {
        timed_out = true;
        break;
      }
    }
  }
  EXPECT_FALSE(timed_out);

  // One more batch, and stop() as soon as the RX lcores have counted it in, while frames may
  // still sit in the handoff ring: stop() returns once the TX lcore has transmitted them all.
  sw.inject_on_every_queue("h1", eth_frame(mac(1), net::MacAddr::broadcast()), kPerQueue);
  const uint64_t want = uint64_t{kRounds + 1} * 2 * kPerQueue;
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (sw.dp().port_counters(sw.port("h1")).rx_packets < want && std::chrono::steady_clock::now() < deadline)
    sw.control().poll_once(sw.dp().clock().now_ms());
  sw.dp().stop();
  h1 += sw.capture("h1").size();
  h2 += sw.capture("h2").size();
  h3 += sw.capture("h3").size();
  EXPECT_EQ(h2, want);
  EXPECT_EQ(h3, want);
  EXPECT_EQ(h1, 0u);
  const auto c = sw.dp().port_counters(sw.port("h1"));
  EXPECT_EQ(c.rx_packets, want);
  EXPECT_EQ(c.drops[static_cast<size_t>(dataplane::Drop::TxQueueFull)], 0u);
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
  EXPECT_EQ(sw.pool_in_use(), 0u);
}

// ---- 6. the app's wiring -----------------------------------------------------------------------------

TEST(SplitRolesWiring, CoresRxTxBuildTheSplitLayout) {
  const config::LoadResult r = config::load_string(R"(dpdk: {eal_args: [-l, "0-2"]}
cores: {control: 0, rx: [1], tx: [2]}
ports:
  - {name: h1, device: net_null0}
  - {name: h2, device: net_null1}
  - {name: h3, device: net_null2}
)",
                                                   "split.yaml");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? std::string() : r.errors[0].to_string());
  const dataplane::SwitchSpec spec = app::make_switch_spec(*r.config);
  EXPECT_TRUE(spec.lcores.split());
  EXPECT_EQ(spec.lcores.control, 0u);
  EXPECT_TRUE(spec.lcores.workers.empty());
  EXPECT_EQ(spec.lcores.rx, (std::vector<unsigned>{1}));
  EXPECT_EQ(spec.lcores.tx, (std::vector<unsigned>{2}));

  // The same lcore layout builds one RX worker with a handoff ring and one TX lcore.
  SwitchHarness sw(three_access_ports(), {{.id = 1}}, kAging, HarnessLayout{.lcores = spec.lcores, .tx_queues = 2});
  EXPECT_EQ(sw.dp().worker_count(), 1u);
  EXPECT_EQ(sw.dp().tx_worker_count(), 1u);
  EXPECT_EQ(sw.dp().handoff_ring_count(), 1u);
  auto out = sw.send("h1", eth_frame(mac(1), net::MacAddr::broadcast()));
  EXPECT_EQ(out["h2"].size(), 1u);
  EXPECT_EQ(sw.dp().tx_worker(0).counters()[sw.port("h2")].tx_packets, 1u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Lcores 0-3 on the machine's first two CPUs: the launched test runs three data-path lcores.
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-split", "(0-3)@(0-1)"));
  return RUN_ALL_TESTS();
}
