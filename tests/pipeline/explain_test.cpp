// `explain` against the real data plane: its answer must be what the workers do.
//
// Differential test: random snooping histories (IGMPv2/v3 and MLDv1/v2 joins and leaves with
// INCLUDE/EXCLUDE source lists, queries and PIM hellos making router ports, static router
// ports, VLANs on access and trunk ports, BPDU guard, time passing), and after each step a
// random frame: explain's egress must equal the ports that actually transmitted the frame.
// Seeded and reproducible: MCSNOOP_EXPLAIN_SEED=<n> replays one seed; a failure prints the
// seed, the case and the history that led to it.
//
// Then the reasons, case by case.
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::VlanMode;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---- frames -------------------------------------------------------------------------------

net::FrameOptions from(uint8_t host_mac, std::optional<VlanId> tag) {
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  if (tag) o.vlan = net::VlanTag{net::ether_type::kVlan, 0, false, *tag};
  return o;
}

std::vector<uint8_t> v3_report(const char* host, uint8_t host_mac, net::RecordType type, const char* group,
                               std::vector<net::IpAddr> sources = {}, std::optional<VlanId> tag = {}) {
  net::IgmpV3Report r;
  r.src = ip(host);
  r.records.push_back(net::ReportRecord{type, ip(group), std::move(sources), 0});
  return net::build(r, from(host_mac, tag));
}

std::vector<uint8_t> mld2_report(const char* host, uint8_t host_mac, net::RecordType type, const char* group,
                                 std::vector<net::IpAddr> sources = {}, std::optional<VlanId> tag = {}) {
  net::MldV2Report r;
  r.src = ip(host);
  r.records.push_back(net::ReportRecord{type, ip(group), std::move(sources), 0});
  return net::build(r, from(host_mac, tag));
}

json ask(SwitchHarness& sw, const std::string& port, const std::string& dst, std::optional<std::string> src = {},
         std::optional<int> vlan = {}) {
  json req = {{"command", "explain"}, {"port", port}, {"dst", dst}};
  if (src) req["src"] = *src;
  if (vlan) req["vlan"] = *vlan;
  return sw.control().explain(req);
}

const json& port_entry(const json& answer, const std::string& name) {
  for (const json& p : answer.at("ports"))
    if (p.at("name") == name) return p;
  static const json kNone;
  ADD_FAILURE() << "no port " << name << " in " << answer.dump();
  return kNone;
}

std::string reason(const json& answer, const std::string& name) {
  return port_entry(answer, name).value("reason", std::string("?"));
}

// ---- the differential test ------------------------------------------------------------------

// r: towards the router; h1-h3: hosts in VLAN 1 (h2 fast leave, h3 max_groups 2 and
// flood_unregistered); g1: a host in VLAN 2; t1: trunk with VLANs 1 (native) and 2; t2: trunk
// with VLAN 2 only, static router port; b1: VLAN 1 behind BPDU guard.
std::vector<HarnessPort> random_ports() {
  std::vector<HarnessPort> p = {
      {.name = "r"},
      {.name = "h1"},
      {.name = "h2"},
      {.name = "h3"},
      {.name = "g1", .vlan = 2},
      {.name = "t1", .mode = VlanMode::Trunk, .allowed = {2}, .native = 1},
      {.name = "t2", .mode = VlanMode::Trunk, .allowed = {2}},
      {.name = "b1", .bpdu = dataplane::BpduMode::Guard},
  };
  p[2].snoop.fast_leave = true;
  p[3].snoop.max_groups = 2;
  p[3].snoop.flood_unregistered = true;
  p[6].snoop.router = snoop::RouterMode::Always;
  return p;
}

HarnessVlan random_vlan(VlanId id, snoop::UnregisteredPolicy u, bool mld) {
  HarnessVlan v;
  v.id = id;
  v.mld = mld;
  v.unregistered = u;
  v.timers.query_interval = seconds(10);
  v.timers.query_response_interval = seconds(2);
  v.timers.last_member_query_interval = milliseconds(500);
  return v;
}

struct Pools {
  std::vector<const char*> groups4 = {"239.1.1.1", "239.1.1.2", "239.129.1.1", "232.1.1.1", "224.0.0.251",
                                      "239.255.255.250"};
  std::vector<const char*> groups6 = {"ff0e::1", "ff3e::1234", "ff05::2", "ff02::1", "ff02::fb", "ff01::1"};
  std::vector<const char*> sources4 = {"10.1.0.1", "10.1.0.2", "192.0.2.7"};
  std::vector<const char*> sources6 = {"2001:db8::1", "2001:db8::2", "fe80::5"};
  std::vector<const char*> stray4 = {"10.9.9.9"};  // sent from, never joined
  std::vector<const char*> stray6 = {"2001:db8::99"};
};

class RandomSwitch {
 public:
  RandomSwitch(uint64_t seed, std::vector<HarnessPort> ports, std::vector<HarnessVlan> vlans)
      : rng_(seed), ports_(std::move(ports)), sw_(ports_, vlans) {
    for (const HarnessVlan& v : vlans) vlans_.push_back(v.id);
  }

  // One random change of the switch's state, recorded in the history.
  void random_event() {
    switch (pick(10)) {
      case 0: case 1: case 2: report(); break;
      case 3: case 4: v3_record(); break;
      case 5: leave(); break;
      case 6: router_signal(); break;
      case 7: pass_time(); break;
      case 8: guard(); break;
      default: v3_record(); break;
    }
  }

  // One random frame: explain first, then the frame; the two must agree. Returns false (with
  // a message) when they do not.
  bool random_frame(std::string* why) {
    const PortId in = static_cast<PortId>(pick(static_cast<unsigned>(ports_.size())));
    const HarnessPort& hp = ports_[in];
    const bool v6 = pick(3) == 0;
    const char* group = v6 ? one(pools_.groups6) : one(pools_.groups4);
    const bool stray = pick(4) == 0;
    const char* src = v6 ? one(stray ? pools_.stray6 : pools_.sources6) : one(stray ? pools_.stray4 : pools_.sources4);
    std::optional<VlanId> tag;
    if (hp.mode == VlanMode::Trunk) {
      if (pick(3) != 0) tag = hp.allowed[pick(static_cast<unsigned>(hp.allowed.size()))];
      if (pick(8) == 0) tag = 1;  // the native VLAN, tagged
    } else if (pick(6) == 0) {
      tag = pick(2) == 0 ? hp.vlan : static_cast<VlanId>(hp.vlan == 1 ? 2 : 1);  // right or wrong tag
    }
    std::ostringstream frame;
    frame << "frame " << src << " -> " << group << " in on " << hp.name;
    if (tag) frame << " tagged " << *tag;

    std::set<std::string> expected;
    json answer;
    bool refused = false;
    try {
      answer = ask(sw_, hp.name, group, std::string(src), tag ? std::optional<int>(*tag) : std::nullopt);
      for (const json& n : answer.at("egress")) expected.insert(n.get<std::string>());
    } catch (const std::exception& e) {
      refused = true;
      answer = e.what();
    }
    auto out = sw_.send(hp.name, udp_to(group, src, mac(static_cast<uint8_t>(0x40 + in)), tag));
    std::set<std::string> actual;
    bool duplicate = false;
    for (auto& [name, frames] : out) {
      if (!frames.empty()) actual.insert(name);
      duplicate |= frames.size() > 1;
    }
    history_.push_back(frame.str());
    ++seen_[refused ? "refused" : answer.at("match").get<std::string>() + (expected.empty() ? " to none" : "")];
    if (actual == expected && !duplicate) return true;
    std::ostringstream msg;
    msg << frame.str() << "\n  explain" << (refused ? " refused: " : ": ") << answer.dump(1)
        << "\n  transmitted on:";
    for (const std::string& n : actual) msg << ' ' << n << "(" << out[n].size() << ")";
    msg << "\n  history:\n";
    for (const std::string& h : history_) msg << "    " << h << '\n';
    *why = msg.str();
    return false;
  }

  // How many frames had each outcome ("(S,G)", "(*,G)", "none", with " to none" when no port
  // got the frame, and "refused"): the test must have covered each.
  const std::map<std::string, unsigned>& seen() const { return seen_; }

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
  template <typename T>
  const T& one(const std::vector<T>& v) { return v[pick(static_cast<unsigned>(v.size()))]; }

  // A port of `vlan`, and the tag its frames into that VLAN carry.
  std::optional<std::pair<PortId, std::optional<VlanId>>> member_of(VlanId vlan) {
    std::vector<std::pair<PortId, std::optional<VlanId>>> m;
    for (PortId p = 0; p < ports_.size(); ++p) {
      const HarnessPort& hp = ports_[p];
      if (hp.mode == VlanMode::Access && hp.vlan == vlan) m.push_back({p, std::nullopt});
      if (hp.mode == VlanMode::Trunk && hp.native == vlan) m.push_back({p, std::nullopt});
      if (hp.mode == VlanMode::Trunk && std::find(hp.allowed.begin(), hp.allowed.end(), vlan) != hp.allowed.end())
        m.push_back({p, vlan});
    }
    if (m.empty()) return std::nullopt;
    return one(m);
  }

  // A host port of a random VLAN: {port, tag, host IPv4, host IPv6, MAC}.
  struct Host {
    PortId port;
    std::optional<VlanId> tag;
    std::string v4, v6;
    uint8_t mac;
  };
  Host host() {
    const VlanId vlan = one(vlans_);
    const auto m = *member_of(vlan);
    const unsigned n = pick(2);  // two hosts per port, for host tracking
    return Host{m.first, m.second, "10.0.0." + std::to_string(10 + m.first * 2 + n),
                "fe80::" + std::to_string(10 + m.first * 2 + n), static_cast<uint8_t>(0x10 + m.first * 2 + n)};
  }

  void record(const Host& h, const std::string& what) {
    std::ostringstream s;
    s << what << " from " << ports_[h.port].name;
    if (h.tag) s << " tagged " << *h.tag;
    history_.push_back(s.str());
  }

  std::vector<net::IpAddr> some_sources(bool v6) {
    std::vector<net::IpAddr> s;
    const auto& pool = v6 ? pools_.sources6 : pools_.sources4;
    for (const char* a : pool)
      if (pick(2) == 0) s.push_back(ip(a));
    return s;
  }

  static std::string list(const std::vector<net::IpAddr>& s) {
    std::string out = "{";
    for (const net::IpAddr& a : s) out += (out.size() > 1 ? "," : "") + a.to_string();
    return out + "}";
  }

  // IGMPv2 or MLDv1 report.
  void report() {
    const Host h = host();
    const bool v6 = pick(3) == 0;
    const char* g = v6 ? one(pools_.groups6) : one(pools_.groups4);
    const std::string& src = v6 ? h.v6 : h.v4;
    if (v6) {
      net::MldReport r;
      r.src = ip(src.c_str());
      r.group = ip(g);
      sw_.send(ports_[h.port].name, net::build(r, from(h.mac, h.tag)));
    } else {
      net::IgmpReport r;
      r.src = ip(src.c_str());
      r.group = ip(g);
      sw_.send(ports_[h.port].name, net::build(r, from(h.mac, h.tag)));
    }
    record(h, std::string(v6 ? "MLDv1 report " : "IGMPv2 report ") + g + " by " + src);
  }

  void leave() {
    const Host h = host();
    const bool v6 = pick(3) == 0;
    const char* g = v6 ? one(pools_.groups6) : one(pools_.groups4);
    const std::string& src = v6 ? h.v6 : h.v4;
    if (v6) {
      net::MldDone d;
      d.src = ip(src.c_str());
      d.group = ip(g);
      sw_.send(ports_[h.port].name, net::build(d, from(h.mac, h.tag)));
    } else {
      net::IgmpLeave l;
      l.src = ip(src.c_str());
      l.group = ip(g);
      sw_.send(ports_[h.port].name, net::build(l, from(h.mac, h.tag)));
    }
    record(h, std::string(v6 ? "MLDv1 done " : "IGMPv2 leave ") + g + " by " + src);
  }

  void v3_record() {
    static constexpr net::RecordType kTypes[] = {net::RecordType::IsInclude, net::RecordType::IsExclude,
                                                 net::RecordType::ToInclude, net::RecordType::ToExclude,
                                                 net::RecordType::AllowNew,  net::RecordType::BlockOld};
    static constexpr const char* kNames[] = {"IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK"};
    const Host h = host();
    const bool v6 = pick(3) == 0;
    const char* g = v6 ? one(pools_.groups6) : one(pools_.groups4);
    const unsigned t = pick(6);
    const std::vector<net::IpAddr> s = some_sources(v6);
    const std::string& src = v6 ? h.v6 : h.v4;
    sw_.send(ports_[h.port].name, v6 ? mld2_report(src.c_str(), h.mac, kTypes[t], g, s, h.tag)
                                     : v3_report(src.c_str(), h.mac, kTypes[t], g, s, h.tag));
    record(h, std::string(v6 ? "MLDv2 " : "IGMPv3 ") + kNames[t] + " " + g + " " + list(s) + " by " + src);
  }

  // A general query (IGMPv3 or MLDv2) or a PIM hello: the port becomes a router port.
  void router_signal() {
    const VlanId vlan = one(vlans_);
    const auto [port, tag] = *member_of(vlan);
    const bool v6 = pick(3) == 0;
    const unsigned kind = pick(3);
    std::vector<uint8_t> f;
    std::string what;
    if (kind == 2) {
      net::PimHello h;
      h.src = ip(v6 ? "fe80::1" : "10.0.0.1");
      f = net::build(h, from(0xee, tag));
      what = v6 ? "PIMv6 hello" : "PIM hello";
    } else if (v6) {
      net::MldQuery q;
      q.src = ip("fe80::1");
      q.max_resp_ms = 1000;
      f = net::build(q, from(0xee, tag));
      what = "MLDv2 general query";
    } else {
      f = general_query("10.0.0.1", net::Compat::V3, tag);
      what = "IGMPv3 general query";
    }
    sw_.send(ports_[port].name, f);
    record(Host{port, tag, "", "", 0}, what);
  }

  void pass_time() {
    const unsigned s = 1 + pick(12);
    sw_.advance(seconds(s), milliseconds(500));
    sw_.drain_all();
    history_.push_back(std::to_string(s) + " s pass");
  }

  // BPDU guard: a BPDU shuts b1; `port enable` reopens it.
  void guard() {
    if (pick(2) == 0) {
      sw_.send("b1", eth_frame(mac(0x77), net::MacAddr{{0x01, 0x80, 0xc2, 0, 0, 0}}));
      history_.push_back("BPDU on b1");
    } else {
      sw_.control().enable_port({{"port", "b1"}});
      history_.push_back("port enable b1");
    }
  }

  std::mt19937_64 rng_;
  std::vector<HarnessPort> ports_;
  SwitchHarness sw_;
  std::vector<VlanId> vlans_;
  Pools pools_;
  std::vector<std::string> history_;
  std::map<std::string, unsigned> seen_;
};

std::vector<uint64_t> seeds() {
  if (const char* s = std::getenv("MCSNOOP_EXPLAIN_SEED")) return {std::strtoull(s, nullptr, 0)};
  return {1, 2, 3};
}

TEST(ExplainDifferential, EgressEqualsWhatTheDataPlaneTransmits) {
  constexpr unsigned kFramesPerSeed = 600;
  std::map<std::string, unsigned> seen;
  for (const uint64_t seed : seeds()) {
    // The VLANs' policies and MLD snooping vary with the seed too.
    std::mt19937_64 cfg(seed);
    const auto policy = [&] { return static_cast<snoop::UnregisteredPolicy>(cfg() % 3); };
    RandomSwitch rs(seed, random_ports(), {random_vlan(1, policy(), true), random_vlan(2, policy(), cfg() % 2 == 0)});
    for (unsigned i = 0; i < kFramesPerSeed; ++i) {
      const unsigned events = static_cast<unsigned>(cfg() % 3);
      for (unsigned e = 0; e < events; ++e) rs.random_event();
      std::string why;
      ASSERT_TRUE(rs.random_frame(&why)) << "seed " << seed << " (MCSNOOP_EXPLAIN_SEED=" << seed << "), case " << i
                                         << ":\n" << why;
    }
    std::string outcomes;
    for (const auto& [what, n] : rs.seen()) {
      outcomes += " " + what + ": " + std::to_string(n) + ";";
      seen[what] += n;
    }
    std::cout << "seed " << seed << ":" << outcomes << '\n';
  }
  // Not vacuous: every kind of answer came up, on the default seeds.
  if (std::getenv("MCSNOOP_EXPLAIN_SEED") != nullptr) return;
  for (const char* what : {"(S,G)", "(*,G)", "none", "(S,G) to none", "(*,G) to none", "none to none", "refused"})
    EXPECT_GE(seen[what], 3u) << "no case covered " << what;
}

// ---- reasons ------------------------------------------------------------------------------

std::vector<HarnessPort> rhhh() {
  return {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}, {.name = "other", .vlan = 2}};
}

HarnessVlan vlan(VlanId id, snoop::UnregisteredPolicy u = snoop::UnregisteredPolicy::Flood) {
  return random_vlan(id, u, true);
}

TEST(Explain, IncludeExcludeAndRouterReasons) {
  SwitchHarness sw(rhhh(), {vlan(1), vlan(2)});
  sw.send("r", general_query());
  sw.send("h1", v3_report("10.0.0.11", 0x11, net::RecordType::IsInclude, "239.5.5.5", {ip("192.0.2.1")}));
  sw.send("h2", v3_report("10.0.0.12", 0x12, net::RecordType::IsExclude, "239.5.5.5", {ip("192.0.2.1")}));
  const json a = ask(sw, "h3", "239.5.5.5", "192.0.2.1");
  EXPECT_EQ(a["match"], "(S,G)");
  EXPECT_EQ(a["vlan"], 1);
  EXPECT_EQ(a["class"], "mcast_data4");
  EXPECT_EQ(a["egress"], json({"r", "h1"}));
  EXPECT_TRUE(port_entry(a, "h1")["forwarded"].get<bool>());
  EXPECT_NE(reason(a, "r").find("router port (learned by query"), std::string::npos) << reason(a, "r");
  EXPECT_NE(reason(a, "h1").find("member in INCLUDE mode (IGMPv3, 1 source), source 192.0.2.1 listed"),
            std::string::npos) << reason(a, "h1");
  EXPECT_NE(reason(a, "h2").find("EXCLUDE mode (IGMPv3, 1 source), blocks source 192.0.2.1"), std::string::npos)
      << reason(a, "h2");
  EXPECT_EQ(reason(a, "h3"), "ingress port");
  EXPECT_EQ(reason(a, "other"), "not in VLAN 1");

  // Another source: the (S,G) lookup misses, (*,G) holds the EXCLUDE port and the router port.
  const json b = ask(sw, "h3", "239.5.5.5", "192.0.2.9");
  EXPECT_EQ(b["match"], "(*,G)");
  EXPECT_EQ(b["lookup"], json({"(S,G)", "(*,G)"}));
  EXPECT_EQ(b["egress"], json({"r", "h2"}));
  EXPECT_NE(reason(b, "h1").find("source 192.0.2.9 not listed"), std::string::npos) << reason(b, "h1");
  EXPECT_NE(reason(b, "h2").find("member in EXCLUDE mode"), std::string::npos) << reason(b, "h2");
}

TEST(Explain, UnregisteredPolicyReasons) {
  auto ports = rhhh();
  ports[3].snoop.flood_unregistered = true;  // h3
  SwitchHarness sw(ports, {vlan(1, snoop::UnregisteredPolicy::RouterPorts), vlan(2, snoop::UnregisteredPolicy::Drop)});
  sw.send("r", general_query());
  const json a = ask(sw, "h1", "239.9.9.9", "10.0.0.11");
  EXPECT_EQ(a["match"], "none");
  EXPECT_EQ(a["unregistered"], "router-ports");
  EXPECT_EQ(a["egress"], json({"r", "h3"}));
  EXPECT_NE(reason(a, "r").find("router port"), std::string::npos) << reason(a, "r");
  EXPECT_EQ(reason(a, "h2"), "unregistered: router-ports, not a router port");
  EXPECT_NE(reason(a, "h3").find("flood_unregistered"), std::string::npos) << reason(a, "h3");
  const json b = ask(sw, "other", "239.9.9.9");
  EXPECT_EQ(b["vlan"], 2);
  EXPECT_EQ(b["unregistered"], "drop");
  EXPECT_EQ(b["egress"], json::array());
  EXPECT_EQ(b["src"], nullptr);
}

TEST(Explain, Ipv6MembershipAndLinkLocal) {
  SwitchHarness sw(rhhh(), {vlan(1, snoop::UnregisteredPolicy::Drop), vlan(2)});
  sw.send("h1", mld2_report("fe80::11", 0x11, net::RecordType::IsExclude, "ff0e::1:1"));
  const json a = ask(sw, "h2", "ff0e::1:1", "2001:db8::1");
  EXPECT_EQ(a["family"], "ipv6");
  EXPECT_EQ(a["match"], "(*,G)");
  EXPECT_EQ(a["egress"], json({"h1"}));
  EXPECT_NE(reason(a, "h1").find("member in EXCLUDE mode (MLDv2)"), std::string::npos) << reason(a, "h1");
  EXPECT_EQ(reason(a, "h3"), "no member");

  const json ll = ask(sw, "h2", "224.0.0.251");
  EXPECT_EQ(ll["class"], "link_local_multicast");
  EXPECT_EQ(ll["egress"], json({"r", "h1", "h3"})) << "flooded whatever the unregistered policy";
  const json all_nodes = ask(sw, "h2", "ff02::1");
  EXPECT_EQ(all_nodes["egress"], json({"r", "h1", "h3"}));
  const json reserved = ask(sw, "h2", "ff01::1");
  EXPECT_EQ(reserved["egress"], json::array());
  EXPECT_EQ(reason(reserved, "h1"), "dropped: reserved IPv6 multicast scope");
  EXPECT_FALSE(ask(sw, "h2", "224.0.0.22")["notes"].empty()) << "a note on control groups";
}

TEST(Explain, TrunkVlansAndErrors) {
  std::vector<HarnessPort> ports = {{.name = "a", .vlan = 1},
                                    {.name = "t", .mode = VlanMode::Trunk, .allowed = {2}, .native = 1},
                                    {.name = "u", .mode = VlanMode::Trunk, .allowed = {2}},
                                    {.name = "b", .vlan = 2}};
  SwitchHarness sw(ports, {vlan(1), vlan(2)});
  EXPECT_EQ(ask(sw, "t", "239.1.1.1")["vlan"], 1) << "untagged on a trunk: the native VLAN";
  EXPECT_EQ(ask(sw, "t", "239.1.1.1", {}, 2)["vlan"], 2);
  const json a = ask(sw, "t", "239.1.1.1", {}, 2);
  EXPECT_EQ(a["egress"], json({"u", "b"}));
  EXPECT_TRUE(port_entry(a, "u")["tagged"].get<bool>());
  EXPECT_FALSE(port_entry(a, "b")["tagged"].get<bool>());
  auto refused = [&](json req, const std::string& text) {
    req["command"] = "explain";
    try {
      sw.control().explain(req);
      ADD_FAILURE() << "accepted " << req.dump();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  refused({{"port", "nope"}, {"dst", "239.1.1.1"}}, "no port named 'nope'");
  refused({{"port", "a"}, {"dst", "239.1.1"}}, "is not an IPv4 or IPv6 address");
  refused({{"port", "a"}, {"dst", "10.1.1.1"}}, "is not a multicast address");
  refused({{"port", "a"}, {"dst", "239.1.1.1"}, {"src", "2001:db8::1"}}, "not of one address family");
  refused({{"port", "a"}, {"dst", "239.1.1.1"}, {"vlan", 2}}, "port a does not carry VLAN 2");
  refused({{"port", "u"}, {"dst", "239.1.1.1"}}, "trunk without a native VLAN");
  refused({{"port", "a"}, {"dst", "239.1.1.1"}, {"vlan", 5000}}, "1-4094");
  refused({{"dst", "239.1.1.1"}}, "needs \"port\"");
}

TEST(Explain, AnsweredOnTheControlSocket) {
  SwitchHarness sw(rhhh(), {vlan(1), vlan(2)});
  const json ok = json::parse(sw.control().server().answer(
      R"({"command": "explain", "port": "h1", "dst": "239.1.1.1", "src": "10.0.0.1"})"));
  EXPECT_EQ(ok["ok"], true) << ok.dump();
  EXPECT_EQ(ok["data"]["egress"], json({"r", "h2", "h3"})) << ok.dump();
  const json refused = json::parse(sw.control().server().answer(R"({"command": "explain", "port": "h1", "dst": "x"})"));
  EXPECT_EQ(refused["ok"], false);
  EXPECT_EQ(refused["error"], "explain: dst 'x' is not an IPv4 or IPv6 address");
}

TEST(Explain, BpduGuardAndGroupLimitReasons) {
  auto ports = rhhh();
  ports[2].bpdu = dataplane::BpduMode::Guard;  // h2
  ports[3].snoop.max_groups = 1;               // h3
  SwitchHarness sw(ports, {vlan(1, snoop::UnregisteredPolicy::RouterPorts), vlan(2)});
  sw.send("h3", v2_report("239.1.1.1", "10.0.0.13", 0x13));
  sw.send("h3", v2_report("239.2.2.2", "10.0.0.13", 0x13));  // refused: the limit
  sw.send("h1", v2_report("239.2.2.2", "10.0.0.11", 0x11));
  sw.send("h2", v2_report("239.2.2.2", "10.0.0.12", 0x12));
  sw.send("h2", eth_frame(mac(0x12), net::MacAddr{{0x01, 0x80, 0xc2, 0, 0, 0}}));  // shut by guard
  const json a = ask(sw, "r", "239.2.2.2", "192.0.2.1");
  EXPECT_EQ(a["egress"], json({"h1"}));
  EXPECT_EQ(reason(a, "h2"), "shut by BPDU guard");
  EXPECT_NE(reason(a, "h3").find("max_groups is reached"), std::string::npos) << reason(a, "h3");
  const json b = ask(sw, "h2", "239.2.2.2");
  EXPECT_EQ(b["egress"], json::array()) << "nothing received on a shut port is forwarded";
  EXPECT_NE(reason(b, "h1").find("shut by BPDU guard"), std::string::npos);
}

TEST(Explain, MftRefusalIsNoted) {
  // A table of 64 entries (the smallest): the 65th group is held by the engine, not the MFT.
  HarnessLayout layout;
  layout.mft_capacity = 64;
  SwitchHarness sw(rhhh(), {vlan(1, snoop::UnregisteredPolicy::Drop), vlan(2)}, std::chrono::seconds(300), layout);
  for (int i = 0; i < 65; ++i) {
    const std::string g = "239.3.0." + std::to_string(i + 1);
    sw.send("h1", v2_report(g.c_str(), "10.0.0.11", 0x11));
  }
  const json a = ask(sw, "h2", "239.3.0.65");
  EXPECT_EQ(a["match"], "none");
  ASSERT_FALSE(a["notes"].empty()) << a.dump();
  EXPECT_NE(a["notes"][0].get<std::string>().find("MFT has no entry"), std::string::npos) << a.dump();
  EXPECT_NE(reason(a, "h1").find("no MFT entry yet"), std::string::npos) << reason(a, "h1");
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-explain", "0-1"));
  return RUN_ALL_TESTS();
}
