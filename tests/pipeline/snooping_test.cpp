// RFC 4541 forwarding rules on the real data plane and control plane: punt path, engine, MFT.
// Ports: R faces the router (a querier at 10.0.0.1), H1..H3 are hosts.
#include <gtest/gtest.h>

#include "mcsnoop/net/decode.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::VlanMode;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<uint8_t> v3_report(const char* host, uint8_t host_mac, net::RecordType type, const char* group,
                               std::vector<net::IpAddr> sources = {}) {
  net::IgmpV3Report r;
  r.src = ip(host);
  r.records.push_back(net::ReportRecord{type, ip(group), std::move(sources), 0});
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(r, o);
}

size_t count(std::map<std::string, std::vector<Captured>>& out, const char* port) { return out[port].size(); }

std::vector<HarnessPort> rhhh(bool fast_leave = false) {
  std::vector<HarnessPort> p = {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}};
  for (auto& hp : p) hp.snoop.fast_leave = fast_leave;
  return p;
}

HarnessVlan vlan1(snoop::UnregisteredPolicy u = snoop::UnregisteredPolicy::Flood) {
  HarnessVlan v;
  v.id = 1;
  v.unregistered = u;
  v.timers.query_interval = seconds(10);
  v.timers.query_response_interval = seconds(2);
  v.timers.last_member_query_interval = milliseconds(500);
  return v;
}

TEST(Snooping, ReportsGoOnlyToRouterPorts) {  // S01
  SwitchHarness sw(rhhh(), {vlan1()});
  auto q = sw.send("r", general_query());
  EXPECT_EQ(count(q, "h1"), 1u) << "queries go to every port";
  EXPECT_EQ(count(q, "h3"), 1u);
  auto out = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u) << "a report reaching another host would suppress its report";
  EXPECT_EQ(count(out, "h3"), 0u);
}

TEST(Snooping, JoinedGroupGoesToMembersAndRouterPortsOnly) {  // S16, S21
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h2", v2_report("239.129.1.1", "10.0.0.12", 0x12));  // same MAC as 239.1.1.1
  auto out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "r"), 1u) << "router ports get all multicast";
  EXPECT_EQ(count(out, "h2"), 0u) << "forwarding is by IP group, not by MAC";
  out = sw.send("r", udp_to("239.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "r"), 0u) << "never back out of the ingress port";
  EXPECT_EQ(count(out, "h3"), 0u);
}

TEST(Snooping, UnregisteredFloodPolicy) {  // S18
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::Flood)});
  sw.send("r", general_query());
  auto out = sw.send("h1", udp_to("239.9.9.9", "10.0.0.11", mac(0x11)));
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "h2"), 1u);
  EXPECT_EQ(count(out, "h3"), 1u);
}

TEST(Snooping, UnregisteredRouterPortsPolicy) {  // S18
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::RouterPorts)});
  sw.send("r", general_query());
  auto out = sw.send("h1", udp_to("239.9.9.9", "10.0.0.11", mac(0x11)));
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  EXPECT_EQ(count(out, "h3"), 0u);
}

TEST(Snooping, UnregisteredDropPolicyAndFloodUnregisteredPort) {
  auto ports = rhhh();
  ports[3].snoop.flood_unregistered = true;  // h3
  SwitchHarness sw(ports, {vlan1(snoop::UnregisteredPolicy::Drop)});
  sw.send("r", general_query());
  auto out = sw.send("h1", udp_to("239.9.9.9", "10.0.0.11", mac(0x11)));
  EXPECT_EQ(count(out, "r"), 0u) << "drop: nowhere, router ports included (documented deviation)";
  EXPECT_EQ(count(out, "h2"), 0u);
  EXPECT_EQ(count(out, "h3"), 1u) << "flood_unregistered ports always get it";
}

TEST(Snooping, LinkLocalGroupsAreFloodedWithoutState) {  // S17, S27
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::Drop)});
  for (const char* g : {"224.0.0.251", "224.0.0.5", "224.0.0.18"}) {
    auto out = sw.send("h1", udp_to(g, "10.0.0.11", mac(0x11)));
    EXPECT_EQ(count(out, "r"), 1u) << g;
    EXPECT_EQ(count(out, "h2"), 1u) << g;
    EXPECT_EQ(count(out, "h3"), 1u) << g;
  }
  auto out = sw.send("h1", udp_to("ff02::1", "fe80::11", mac(0x11)));
  EXPECT_EQ(count(out, "h2"), 1u) << "ff02::1 is flooded";
}

TEST(Snooping, SourceSpecificIncludeAndExcludeForwarding) {  // S23
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::RouterPorts)});
  sw.send("r", general_query());
  sw.send("h1", v3_report("10.0.0.11", 0x11, net::RecordType::IsInclude, "232.1.1.1", {ip("192.0.2.1")}));
  sw.send("h2", v3_report("10.0.0.12", 0x12, net::RecordType::IsInclude, "232.1.1.1", {ip("192.0.2.2")}));
  sw.send("h1", v3_report("10.0.0.11", 0x11, net::RecordType::IsInclude, "239.5.5.5", {ip("192.0.2.1")}));
  sw.send("h2", v3_report("10.0.0.12", 0x12, net::RecordType::IsExclude, "239.5.5.5", {ip("192.0.2.1")}));

  auto out = sw.send("r", udp_to("232.1.1.1", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  out = sw.send("r", udp_to("232.1.1.1", "192.0.2.2", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 0u);
  EXPECT_EQ(count(out, "h2"), 1u);
  // 239.5.5.5: S1 only to h1 (h2 excludes it), S2 only to h2 (h1 includes only S1).
  out = sw.send("r", udp_to("239.5.5.5", "192.0.2.1", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  out = sw.send("r", udp_to("239.5.5.5", "192.0.2.2", mac(0xee)));
  EXPECT_EQ(count(out, "h1"), 0u);
  EXPECT_EQ(count(out, "h2"), 1u);
  EXPECT_EQ(count(out, "h3"), 0u);
}

TEST(Snooping, LeaveTriggersLastMemberQueriesThenPrunes) {  // our querier runs the leave
  HarnessVlan v = vlan1(snoop::UnregisteredPolicy::RouterPorts);
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.querier.version = 2;
  SwitchHarness sw(rhhh(), {v});
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.send("h2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)))["h1"].size(), 1u);

  auto out = sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  // A group-specific query goes out toward the member port.
  bool saw_gsq = false;
  for (const Captured& c : out["h1"]) saw_gsq |= c.info().cls == net::FrameClass::IgmpControl;
  EXPECT_TRUE(saw_gsq) << "group-specific query on h1";
  // Still delivered until LMQT (2 x 500 ms) has passed without an answer.
  EXPECT_EQ(sw.send("h2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)))["h1"].size(), 1u);
  sw.advance(milliseconds(1200));
  sw.drain_all();
  EXPECT_EQ(sw.send("h2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)))["h1"].size(), 0u) << "pruned";
}

TEST(Snooping, FastLeavePrunesAtOnce) {  // E40
  SwitchHarness sw(rhhh(/*fast_leave=*/true), {vlan1(snoop::UnregisteredPolicy::RouterPorts)});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_EQ(sw.send("h2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)))["h1"].size(), 1u);
  auto out = sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "r"), 1u) << "the leave still goes to the router";
  EXPECT_EQ(sw.send("h2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)))["h1"].size(), 0u);
  // Every engine counter is exported: the prune is visible to the operator.
  const auto snooping = sw.control().show_stats()["snooping"];
  EXPECT_EQ(snooping["fast_leaves"], 1u) << snooping.dump();
  EXPECT_EQ(snooping["host_leaves_kept"], 0u);
}

TEST(Snooping, QuerierSendsQueriesAndStandsDownForALowerAddress) {
  HarnessVlan v = vlan1();
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  SwitchHarness sw(rhhh(), {v});
  sw.advance(seconds(11));
  auto q = sw.capture("h1");
  size_t ours = 0;
  for (const Captured& c : q) ours += c.info().cls == net::FrameClass::IgmpControl;
  EXPECT_GE(ours, 1u) << "general queries from our querier";
  ASSERT_EQ(sw.control().show_querier()[0]["self"], true);

  sw.send("r", general_query("10.0.0.1"));
  auto views = sw.control().show_querier();
  bool v4_other = false;
  for (const auto& qv : views)
    if (qv["family"] == "ipv4") v4_other = qv["self"] == false && qv["querier"] == "10.0.0.1";
  EXPECT_TRUE(v4_other) << views.dump();
  sw.drain_all();
  sw.advance(seconds(20));
  size_t after = 0;
  for (const Captured& c : sw.capture("h1")) {
    if (c.info().cls != net::FrameClass::IgmpControl) continue;
    after += c.info().source == ip("10.0.0.254");
  }
  EXPECT_EQ(after, 0u) << "no queries from us while a lower-address querier is present";
}

TEST(Snooping, MldJoinConstrainsIpv6Multicast) {  // S26, S33
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::RouterPorts)});
  net::MldQuery q;
  q.src = ip("fe80::1");
  net::FrameOptions o;
  o.src_mac = mac(0xee);
  sw.send("r", net::build(q, o));
  net::MldV2Report r;
  r.src = ip("fe80::11");
  r.records.push_back(net::ReportRecord{net::RecordType::IsExclude, ip("ff0e::1:1"), {}, 0});
  o.src_mac = mac(0x11);
  auto out = sw.send("h1", net::build(r, o));
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  out = sw.send("h3", udp_to("ff0e::1:1", "2001:db8::13", mac(0x13)));
  EXPECT_EQ(count(out, "h1"), 1u);
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  out = sw.send("h3", udp_to("ff05::1:1", "2001:db8::13", mac(0x13)));  // same MAC, other group
  EXPECT_EQ(count(out, "h1"), 0u);
}

TEST(Snooping, SameGroupInTwoVlansIsIndependent) {  // E10
  SwitchHarness sw({{.name = "a1", .vlan = 10}, {.name = "a2", .vlan = 10},
                    {.name = "b1", .vlan = 20}, {.name = "b2", .vlan = 20}},
                   {{.id = 10, .unregistered = snoop::UnregisteredPolicy::RouterPorts},
                    {.id = 20, .unregistered = snoop::UnregisteredPolicy::RouterPorts}});
  sw.send("a1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  auto out = sw.send("b2", udp_to("239.1.1.1", "10.0.0.22", mac(0x22)));
  EXPECT_EQ(count(out, "a1"), 0u);
  EXPECT_EQ(count(out, "b1"), 0u);
  out = sw.send("a2", udp_to("239.1.1.1", "10.0.0.12", mac(0x12)));
  EXPECT_EQ(count(out, "a1"), 1u);
}

TEST(Snooping, ReplicatedFramesAreTaggedPerEgressPort) {
  SwitchHarness sw({{.name = "up", .mode = VlanMode::Trunk, .allowed = {10}},
                    {.name = "a1", .vlan = 10},
                    {.name = "t2", .mode = VlanMode::Trunk, .allowed = {10}},
                    {.name = "a3", .vlan = 10}},
                   {{.id = 10, .unregistered = snoop::UnregisteredPolicy::RouterPorts}});
  sw.send("up", general_query("10.0.0.1", net::Compat::V3, VlanId{10}));
  sw.send("a1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("t2", v2_report("239.1.1.1", "10.0.0.12", 0x12, VlanId{10}));
  auto out = sw.send("up", udp_to("239.1.1.1", "192.0.2.1", mac(0xee), VlanId{10}));
  ASSERT_EQ(count(out, "a1"), 1u);
  EXPECT_FALSE(out["a1"][0].info().tagged);
  EXPECT_EQ(out["a1"][0].info().group, ip("239.1.1.1"));
  ASSERT_EQ(count(out, "t2"), 1u);
  EXPECT_TRUE(out["t2"][0].info().tagged);
  EXPECT_EQ(out["t2"][0].info().vid, 10);
  EXPECT_EQ(count(out, "a3"), 0u);
  sw.dp().shutdown();
  EXPECT_EQ(sw.dp().mbufs_in_use(), 0u);
}

TEST(Snooping, MalformedIgmpIsDroppedAndCounted) {  // S14
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::RouterPorts)});
  sw.send("r", general_query());
  auto bad = v2_report("239.1.1.1", "10.0.0.11", 0x11);
  bad[14 + 24 + 2] ^= 0xff;  // corrupt the IGMP checksum (IPv4 header with RA is 24 bytes)
  auto out = sw.send("h1", bad);
  EXPECT_EQ(count(out, "r"), 0u);
  EXPECT_EQ(sw.control().show_groups().size(), 0u);
  EXPECT_EQ(sw.dp().port_counters(sw.port("h1")).drops[static_cast<size_t>(dataplane::Drop::ControlInvalid)], 1u);
}

// S22 with IPv4 checksum offload: the worker takes the NIC's verdict from the mbuf flags.
TEST(Snooping, NicIpv4ChecksumVerdictIsHonoured) {
  SwitchHarness sw(rhhh(), {vlan1(snoop::UnregisteredPolicy::Flood)});
  const auto good = udp_to("239.5.5.5", "192.0.2.1", mac(0xee));
  auto out = sw.send("r", good, RTE_MBUF_F_RX_IP_CKSUM_BAD);
  EXPECT_EQ(count(out, "h1") + count(out, "h2") + count(out, "h3"), 0u) << "the NIC said bad: dropped";
  EXPECT_EQ(sw.dp().port_counters(sw.port("r")).drops[static_cast<size_t>(dataplane::Drop::Malformed)], 1u);
  auto corrupt = good;
  corrupt[14 + 10] ^= 0xff;
  out = sw.send("r", corrupt, RTE_MBUF_F_RX_IP_CKSUM_GOOD);
  EXPECT_EQ(count(out, "h1"), 1u) << "the NIC checked it: not summed again";
  out = sw.send("r", corrupt);  // no verdict: summed, and bad
  EXPECT_EQ(count(out, "h1"), 0u);
  EXPECT_EQ(sw.dp().port_counters(sw.port("r")).drops[static_cast<size_t>(dataplane::Drop::Malformed)], 2u);
}

TEST(Snooping, PuntPathIsRateLimitedPerPort) {
  auto ports = rhhh();
  ports[1].punt_rate_pps = 100;  // h1: a burst of 16 at most, refilled at 100/s
  SwitchHarness sw(ports, {vlan1()});
  for (int i = 0; i < 200; ++i) sw.inject("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.step();
  const auto c = sw.dp().port_counters(sw.port("h1"));
  EXPECT_GT(c.drops[static_cast<size_t>(dataplane::Drop::PuntRateLimited)], 100u);
  EXPECT_LT(c.punted, 100u);
  // Another port is not affected.
  sw.send("h2", v2_report("239.2.2.2", "10.0.0.12", 0x12));
  EXPECT_EQ(sw.dp().port_counters(sw.port("h2")).punted, 1u);
}

// ---- S02: report flooding to chosen ports ------------------------------------------------

TEST(Snooping, FloodReportsPortGetsReportsAndLeaves) {  // S02
  std::vector<HarnessPort> ports = {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "m"}};
  ports[3].snoop.flood_reports = true;  // m: an analyzer
  SwitchHarness sw(ports, {vlan1()});
  auto out = sw.send("h1", v2_report("239.3.3.3", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "m"), 1u) << "with no router port known yet as well";
  EXPECT_EQ(count(out, "h2"), 0u);
  sw.send("r", general_query());
  out = sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "r"), 1u) << "router port";
  EXPECT_EQ(count(out, "m"), 1u) << "flood_reports port";
  EXPECT_EQ(count(out, "h2"), 0u) << "other hosts still never see reports";
  out = sw.send("h1", v3_report("10.0.0.11", 0x11, net::RecordType::IsExclude, "239.2.2.2"));
  EXPECT_EQ(count(out, "r"), 1u);
  EXPECT_EQ(count(out, "m"), 1u);
  EXPECT_EQ(count(out, "h2"), 0u);
  out = sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  EXPECT_EQ(count(out, "m"), 1u) << "leaves too";
  EXPECT_EQ(count(out, "h2"), 0u);
  // Getting the reports does not make m a member of their groups.
  EXPECT_EQ(sw.send("h2", udp_to("239.2.2.2", "10.0.0.12", mac(0x12)))["m"].size(), 0u);
}

// ---- S04: MRD solicitations --------------------------------------------------------------

struct Solicitation {
  net::Family family;
  bool tagged;
  VlanId vid;
  net::IpAddr src;
  net::MacAddr src_mac;
};

// The RFC 4286 solicitations among `frames` (decoded with the project's decoder).
std::vector<Solicitation> solicitations(const std::vector<Captured>& frames) {
  std::vector<Solicitation> out;
  for (const Captured& c : frames) {
    const net::FrameInfo fi = c.info();
    net::McastMessage msg;
    const auto len = static_cast<uint32_t>(c.bytes.size());
    if (fi.l3_offset == 0 || fi.l3_offset >= len) continue;
    if (net::decode_l3(fi.ethertype, c.bytes.data() + fi.l3_offset, len - fi.l3_offset, msg, nullptr) !=
            net::DecodeResult::Ok ||
        msg.kind != net::MsgKind::MrdSolicitation)
      continue;
    out.push_back({msg.family, fi.tagged, fi.vid, msg.src, net::MacAddr::from_bytes(c.bytes.data() + 6)});
  }
  return out;
}

size_t count_family(const std::vector<Solicitation>& s, net::Family f, bool tagged = false, VlanId vid = 0) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [&](const Solicitation& x) {
    return x.family == f && x.tagged == tagged && (!tagged || x.vid == vid);
  }));
}

// r, h1: access VLAN 1 (IGMP and MLD snooped); t: trunk with VLANs 1 and 20 tagged; b: access
// VLAN 20 (MLD off); x: access VLAN 30 (mrd_solicit off).
struct MrdTopology {
  static std::vector<HarnessPort> ports() {
    return {{.name = "r"},
            {.name = "h1"},
            {.name = "t", .mode = VlanMode::Trunk, .allowed = {1, 20}},
            {.name = "b", .vlan = 20},
            {.name = "x", .vlan = 30}};
  }
  static std::vector<HarnessVlan> vlans() {
    HarnessVlan v1 = vlan1();
    v1.mrd_solicit = true;
    v1.querier.address = ip("10.0.0.254");  // our IPv4 identity: the solicitations' source
    HarnessVlan v20{.id = 20, .mld = false};
    v20.mrd_solicit = true;
    HarnessVlan v30{.id = 30};
    v30.mrd_solicit = false;
    return {v1, v20, v30};
  }
};

TEST(Snooping, MrdSolicitationOnPortUp) {  // S04
  SwitchHarness sw(MrdTopology::ports(), MrdTopology::vlans());
  ASSERT_EQ(sw.control().counters().mrd_solicitations_sent, 0u) << "a random delay first";
  sw.advance(milliseconds(1000));  // MAX_SOLICITATION_DELAY

  for (const char* name : {"r", "h1"}) {
    const auto s = solicitations(sw.capture(name));
    const net::MacAddr port_mac = net::MacAddr::from_bytes(sw.dp().port_info(sw.port(name)).mac);
    ASSERT_EQ(s.size(), 2u) << name;
    EXPECT_EQ(count_family(s, net::Family::V4), 1u) << name << ": IGMP 0x31 to 224.0.0.2, untagged";
    EXPECT_EQ(count_family(s, net::Family::V6), 1u) << name << ": ICMPv6 152 to ff02::2, untagged";
    for (const Solicitation& x : s) {
      EXPECT_EQ(x.src_mac, port_mac) << name;
      EXPECT_EQ(x.src, x.family == net::Family::V4 ? ip("10.0.0.254") : net::link_local_from_mac(port_mac))
          << name << ": our querier address, and the port's link-local address for MLD";
    }
  }
  const auto trunk = solicitations(sw.capture("t"));
  EXPECT_EQ(trunk.size(), 3u);
  EXPECT_EQ(count_family(trunk, net::Family::V4, true, 1), 1u) << "tagged per VLAN on the trunk";
  EXPECT_EQ(count_family(trunk, net::Family::V6, true, 1), 1u);
  EXPECT_EQ(count_family(trunk, net::Family::V4, true, 20), 1u);
  EXPECT_EQ(count_family(trunk, net::Family::V6, true, 20), 0u) << "VLAN 20 does not snoop MLD";
  const auto b = solicitations(sw.capture("b"));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].family, net::Family::V4);
  EXPECT_TRUE(b[0].src.is_unspecified()) << "no address of ours in VLAN 20: 0.0.0.0";
  EXPECT_TRUE(solicitations(sw.capture("x")).empty()) << "mrd_solicit: false in VLAN 30";
  EXPECT_EQ(sw.control().counters().mrd_solicitations_sent, 2u + 2u + 3u + 1u);
  EXPECT_EQ(sw.control().show_stats()["control"]["mrd_solicitations_sent"], 8u);

  // Two retransmissions (MAX_SOLICITATIONS = 3 in all), then silence.
  sw.advance(seconds(7));
  EXPECT_EQ(solicitations(sw.capture("h1")).size(), 4u);
  EXPECT_EQ(solicitations(sw.capture("t")).size(), 6u);
  sw.advance(seconds(20));
  sw.drain_all();
  EXPECT_TRUE(solicitations(sw.capture("h1")).empty());

  // Link down: nothing; link up: a new burst on that port only.
  sw.set_link("h1", false);
  sw.advance(seconds(5));
  EXPECT_TRUE(solicitations(sw.capture("h1")).empty());
  sw.set_link("h1", true);
  sw.advance(milliseconds(1000));
  const auto again = solicitations(sw.capture("h1"));
  EXPECT_EQ(count_family(again, net::Family::V4), 1u) << "after link up";
  EXPECT_EQ(count_family(again, net::Family::V6), 1u);
  for (const char* other : {"r", "t", "b"})
    EXPECT_TRUE(solicitations(sw.capture(other)).empty()) << other << "'s link did not change";
}

TEST(Snooping, MrdSolicitationsAreRateLimitedOnAFlappingLink) {  // S04
  SwitchHarness sw(MrdTopology::ports(), MrdTopology::vlans());
  sw.advance(seconds(10));  // the start-up burst
  sw.drain_all();
  // 30 flaps in 15 s: one burst per flap would be 30 x 3 rounds.
  for (int i = 0; i < 30; ++i) {
    sw.set_link("h1", false);
    sw.set_link("h1", true);
  }
  // Each burst starts up to 1 s after the link comes up and the link stays up 250 ms, so how
  // many go out is random; the interval between two is not.
  const size_t v4 = count_family(solicitations(sw.capture("h1")), net::Family::V4);
  EXPECT_LE(v4, 15'000u / 3'000u + 1) << "at most one solicitation per SOLICITATION_INTERVAL";
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-snoop", "0-1"));
  return RUN_ALL_TESTS();
}
