// The control socket's views (issue 10) on the real data plane and control plane: per-type
// message counters in both directions, show groups filtered/sorted/detailed, querier and
// router detail, ports with NIC counters and policer drops, vlans, mac, version, and the two
// clear commands.
#include <gtest/gtest.h>

#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<HarnessPort> rhhh() { return {{.name = "r"}, {.name = "h1"}, {.name = "h2"}, {.name = "h3"}}; }

HarnessVlan vlan1(bool querier = false) {
  HarnessVlan v;
  v.id = 1;
  v.timers.query_interval = seconds(10);
  v.timers.query_response_interval = seconds(2);
  v.timers.last_member_query_interval = milliseconds(500);
  if (querier) {
    v.querier.enabled = true;
    v.querier.address = ip("10.0.0.254");
    v.querier.version = 3;
  }
  return v;
}

// The control socket's answer to `request` (as a client would get it), its data checked ok.
json ask(SwitchHarness& sw, const json& request) {
  const json reply = json::parse(sw.control().server().answer(request.dump()));
  EXPECT_TRUE(reply.value("ok", false)) << request.dump() << " -> " << reply.dump();
  return reply.value("data", json());
}
std::string ask_error(SwitchHarness& sw, const json& request) {
  const json reply = json::parse(sw.control().server().answer(request.dump()));
  EXPECT_FALSE(reply.value("ok", true)) << request.dump();
  return reply.value("error", std::string());
}

const json* port_of(const json& ports, const std::string& name) {
  for (const json& p : ports)
    if (p["name"] == name) return &p;
  ADD_FAILURE() << "no port " << name;
  return nullptr;
}

std::vector<uint8_t> v3_report(const char* host, uint8_t host_mac, std::vector<net::ReportRecord> records) {
  net::IgmpV3Report r;
  r.src = ip(host);
  r.records = std::move(records);
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(r, o);
}

std::vector<uint8_t> v1_report(const char* group, const char* host, uint8_t host_mac) {
  net::IgmpReport r;
  r.version = net::Compat::V1;
  r.src = ip(host);
  r.group = ip(group);
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(r, o);
}

std::vector<uint8_t> mld_report(const char* group, const char* host, uint8_t host_mac) {
  net::MldReport r;
  r.src = ip(host);
  r.group = ip(group);
  net::FrameOptions o;
  o.src_mac = mac(host_mac);
  return net::build(r, o);
}

TEST(Views, MessagesAreCountedByTypeAndVersionInBothDirections) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query("10.0.0.1", net::Compat::V2));
  sw.send("r", general_query("10.0.0.1", net::Compat::V3));
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h2", v1_report("239.1.1.2", "10.0.0.12", 0x12));
  sw.send("h3", v3_report("10.0.0.13", 0x13, {{net::RecordType::IsExclude, ip("239.1.1.3"), {}, 0}}));
  sw.send("h1", v2_leave("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h2", mld_report("ff3e::1", "fe80::12", 0x12));
  net::PimHello hello;
  hello.src = ip("10.0.0.1");
  sw.send("r", net::build(hello, {}));

  const json ports = sw.control().show_ports();
  const json& r = *port_of(ports, "r");
  EXPECT_EQ(r["messages"]["rx"]["igmp"]["queries_v2"], 1u);
  EXPECT_EQ(r["messages"]["rx"]["igmp"]["queries_v3"], 1u);
  EXPECT_EQ(r["messages"]["rx"]["pim"]["hellos"], 1u);
  // Reports and leaves go to the router port only (RFC 4541 2.1.1(1)): its sent counters.
  EXPECT_EQ(r["messages"]["tx"]["igmp"]["reports_v1"], 1u);
  EXPECT_EQ(r["messages"]["tx"]["igmp"]["reports_v2"], 1u);
  EXPECT_EQ(r["messages"]["tx"]["igmp"]["reports_v3"], 1u);
  EXPECT_EQ(r["messages"]["tx"]["igmp"]["leaves"], 1u);
  EXPECT_EQ(r["messages"]["tx"]["mld"]["reports_v1"], 0u) << "no IPv6 router port to send it to";
  const json& h1 = *port_of(ports, "h1");
  EXPECT_EQ(h1["messages"]["rx"]["igmp"]["reports_v2"], 1u);
  EXPECT_EQ(h1["messages"]["rx"]["igmp"]["leaves"], 1u);
  EXPECT_EQ(h1["messages"]["tx"]["igmp"]["queries_v3"], 1u) << "the router's query, forwarded";
  EXPECT_EQ(h1["messages"]["tx"]["igmp"]["reports_v2"], 0u) << "host reports never reach other hosts";
  EXPECT_EQ(h1["messages"]["tx"]["pim"]["hellos"], 1u);

  const json stats = sw.control().show_stats();
  EXPECT_EQ(stats["messages"]["rx"]["igmp"]["queries_v2"], 1u);
  EXPECT_EQ(stats["messages"]["rx"]["igmp"]["reports_v1"], 1u);
  EXPECT_EQ(stats["messages"]["rx"]["mld"]["reports_v1"], 1u);
  EXPECT_EQ(stats["messages"]["tx"]["igmp"]["queries_v3"], 3u) << "one per host port";
  EXPECT_EQ(stats["messages"]["ports"]["h2"]["rx"]["igmp"]["reports_v1"], 1u);
}

TEST(Views, OwnQueriesAndSolicitationsAreCountedAsSent) {
  HarnessVlan v = vlan1(/*querier=*/true);
  v.mrd_solicit = true;
  v.querier.address6 = ip("fe80::254");
  v.querier.mld_version = 1;
  SwitchHarness sw(rhhh(), {v});
  sw.advance(seconds(3));
  const json ports = sw.control().show_ports();
  for (const char* name : {"r", "h1", "h2", "h3"}) {
    const json& p = *port_of(ports, name);
    EXPECT_GE(p["messages"]["tx"]["igmp"]["queries_v3"], 1u) << name;
    EXPECT_GE(p["messages"]["tx"]["mld"]["queries_v1"], 1u) << name << ": MLDv1 querier";
    EXPECT_GE(p["messages"]["tx"]["mrd"]["solicitations"], 2u) << name << ": one per family";
  }
}

TEST(Views, GroupsAreSortedFilteredAndDetailed) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h2", v2_report("239.1.1.9", "10.0.0.12", 0x12));
  sw.send("h1", v2_report("239.1.1.2", "10.0.0.11", 0x11));
  sw.send("h3", v3_report("10.0.0.13", 0x13,
                          {{net::RecordType::IsInclude, ip("239.1.1.5"), {ip("10.9.0.2"), ip("10.9.0.1")}, 0}}));
  sw.send("h1", v2_report("239.1.1.9", "10.0.0.21", 0x21));
  sw.advance(seconds(1));

  const json all = ask(sw, {{"command", "show groups"}});
  std::vector<std::pair<std::string, json>> order;
  for (const json& g : all) order.emplace_back(g["group"], g["source"]);
  const std::vector<std::pair<std::string, json>> expected = {{"239.1.1.2", nullptr},
                                                              {"239.1.1.5", nullptr},
                                                              {"239.1.1.5", "10.9.0.1"},
                                                              {"239.1.1.5", "10.9.0.2"},
                                                              {"239.1.1.9", nullptr}};
  EXPECT_EQ(order, expected);
  EXPECT_EQ(all, sw.control().show_groups()) << "the stream and the one-shot answer agree";

  const json h1 = ask(sw, {{"command", "show groups"}, {"port", "h1"}});
  ASSERT_EQ(h1.size(), 2u);
  EXPECT_EQ(h1[0]["group"], "239.1.1.2");
  EXPECT_EQ(h1[1]["group"], "239.1.1.9");
  EXPECT_EQ(ask(sw, {{"command", "show groups"}, {"group", "239.1.1.9"}}).size(), 1u);
  EXPECT_EQ(ask(sw, {{"command", "show groups"}, {"vlan", 2}}).size(), 0u);

  const json detail = ask(sw, {{"command", "show groups"}, {"group", "239.1.1.9"}, {"detail", true}});
  ASSERT_EQ(detail.size(), 2u) << "one row per port";
  EXPECT_EQ(detail[0]["port"], "h1");
  EXPECT_EQ(detail[0]["filter-mode"], "exclude");
  EXPECT_EQ(detail[0]["compatibility"], "IGMPv2");
  EXPECT_EQ(detail[0]["last-reporter"], "10.0.0.21");
  EXPECT_EQ(detail[0]["host-count"], 1u);
  EXPECT_EQ(detail[0]["static"], false);
  EXPECT_EQ(detail[0]["up-time"], 1.0) << "whole seconds (RFC 9166 up-time)";
  EXPECT_GT(detail[0]["expire"].get<double>(), 0.0);
  EXPECT_EQ(detail[1]["port"], "h2");
  const json src = ask(sw, {{"command", "show groups"}, {"group", "239.1.1.5"}, {"detail", true}});
  ASSERT_EQ(src.size(), 1u);
  EXPECT_EQ(src[0]["filter-mode"], "include");
  EXPECT_EQ(src[0]["compatibility"], "IGMPv3");
  ASSERT_EQ(src[0]["sources"].size(), 2u);
  EXPECT_EQ(src[0]["sources"][0]["address"], "10.9.0.1");
  EXPECT_EQ(src[0]["sources"][0]["blocked"], false);

  EXPECT_NE(ask_error(sw, {{"command", "show groups"}, {"port", "nope"}}).find("no port named 'nope'"),
            std::string::npos);
  EXPECT_NE(ask_error(sw, {{"command", "show groups"}, {"group", "10.0.0.1"}}).find("not a multicast"),
            std::string::npos);
  EXPECT_NE(ask_error(sw, {{"command", "show groups"}, {"vlan", 5000}}).find("vlan"), std::string::npos);
}

// More groups than one sorted run holds: the runs are merged in order.
TEST(Views, LargeGroupTablesAreSortedAcrossRuns) {
  HarnessLayout layout;
  layout.mft_capacity = 32768;
  SwitchHarness sw(rhhh(), {vlan1()}, seconds(300), layout);
  sw.send("r", general_query());
  constexpr unsigned kGroups = 10'000;
  for (unsigned base = 0; base < kGroups; base += 100) {
    std::vector<net::ReportRecord> recs;
    for (unsigned i = base; i < base + 100; ++i) {
      // Joined in an order unrelated to the address order.
      const unsigned g = (i * 7919) % kGroups;
      const std::string addr = "239.2." + std::to_string(g / 250) + "." + std::to_string(g % 250);
      recs.push_back({net::RecordType::IsExclude, ip(addr.c_str()), {}, 0});
    }
    sw.send("h1", v3_report("10.0.0.11", 0x11, std::move(recs)));
  }
  const json all = ask(sw, {{"command", "show groups"}});
  ASSERT_EQ(all.size(), kGroups);
  for (size_t i = 1; i < all.size(); ++i) {
    ASSERT_LT(ip(all[i - 1]["group"].get<std::string>().c_str()), ip(all[i]["group"].get<std::string>().c_str()))
        << "at " << i;
  }
  EXPECT_EQ(all, sw.control().show_groups()) << "the one-shot answer (many slices into one vector) agrees";
}

TEST(Views, QuerierShowsItsPortAndTheValuesInForce) {
  SwitchHarness sw(rhhh(), {vlan1(/*querier=*/true)});
  json q = sw.control().show_querier();
  ASSERT_GE(q.size(), 1u);
  EXPECT_EQ(q[0]["self"], true);
  EXPECT_EQ(q[0]["port"], nullptr);
  EXPECT_EQ(q[0]["qrv"], 2u);
  EXPECT_EQ(q[0]["qqi_s"], 10.0);
  EXPECT_EQ(q[0]["qri_s"], 2.0);
  EXPECT_TRUE(q[0]["next_query_s"].is_number());
  EXPECT_LE(q[0]["next_query_s"].get<double>(), 2.5) << "startup queries QI/4 apart";

  net::IgmpQuery lower;
  lower.src = ip("10.0.0.1");
  lower.qrv = 3;
  lower.qqi_s = 12;
  lower.max_resp_ms = 1500;
  net::FrameOptions o;
  o.src_mac = mac(0xee);
  sw.send("h3", net::build(lower, o));
  q = sw.control().show_querier();
  EXPECT_EQ(q[0]["self"], false);
  EXPECT_EQ(q[0]["querier"], "10.0.0.1");
  EXPECT_EQ(q[0]["port"], "h3");
  EXPECT_EQ(q[0]["qrv"], 3u);
  EXPECT_EQ(q[0]["qqi_s"], 12.0);
  EXPECT_EQ(q[0]["qri_s"], 1.5);
  EXPECT_EQ(q[0]["next_query_s"], nullptr);
}

TEST(Views, RoutersSayHowTheyWereLearned) {
  std::vector<HarnessPort> ports = rhhh();
  ports[3].snoop.router = snoop::RouterMode::Always;
  SwitchHarness sw(ports, {vlan1()});
  sw.send("r", general_query());
  net::PimHello hello;
  hello.src = ip("10.0.0.1");
  hello.holdtime_s = 30;
  sw.send("r", net::build(hello, {}));
  net::MrdAdvertisement adv;
  adv.src = ip("10.0.0.2");
  sw.send("h2", net::build(adv, {}));
  const json routers = sw.control().show_routers();
  ASSERT_EQ(routers.size(), 4u) << "h3 is a router port of both families";
  EXPECT_EQ(routers[0]["port"], "r");
  EXPECT_EQ(routers[0]["learned_by"], json::array({"query", "pim"}));
  EXPECT_EQ(routers[0]["timers"]["pim"], 30.0);
  EXPECT_EQ(routers[1]["port"], "h2");
  EXPECT_EQ(routers[1]["learned_by"], json::array({"mrd"}));
  EXPECT_EQ(routers[2]["port"], "h3");
  EXPECT_EQ(routers[2]["kind"], "static");
  EXPECT_EQ(routers[2]["learned_by"], json::array({"static"}));
  EXPECT_EQ(routers[3]["port"], "h3");
  EXPECT_EQ(routers[3]["family"], "ipv6");
}

TEST(Views, PortsShowNicCountersGroupLimitAndPolicerDrops) {
  std::vector<HarnessPort> ports = rhhh();
  ports[1].punt_rate_pps = 1;  // the token bucket holds about one packet
  ports[1].snoop.max_groups = 5;
  SwitchHarness sw(ports, {vlan1()});
  sw.send("r", general_query());
  for (int i = 0; i < 40; ++i) sw.inject("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.step();
  const json all = sw.control().show_ports();
  const json& h1 = *port_of(all, "h1");
  EXPECT_GT(h1["policer_drops"].get<uint64_t>(), 0u);
  EXPECT_EQ(h1["policer_drops"], h1["drops"]["punt_rate_limited"]);
  EXPECT_EQ(h1["igmp_rate_limit"], 1u);
  EXPECT_EQ(h1["groups"], 1u);
  EXPECT_EQ(h1["max_groups"], 5u);
  ASSERT_TRUE(h1["nic"].is_object());
  for (const char* k : {"ipackets", "opackets", "imissed", "ierrors", "oerrors", "rx_nombuf"}) {
    EXPECT_TRUE(h1["nic"][k].is_number_unsigned()) << k;
  }
  EXPECT_EQ(h1["nic"]["ipackets"], 40u) << "the ring device counts what it handed over";
}

TEST(Views, ClearGroupsRelearnsAndQueries) {
  SwitchHarness sw(rhhh(), {vlan1(/*querier=*/true)});
  sw.advance(seconds(6));  // past the startup queries
  sw.drain_all();
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h2", v2_report("239.1.1.1", "10.0.0.12", 0x12));
  auto out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  ASSERT_EQ(out["h1"].size(), 1u);

  const json cleared = ask(sw, {{"command", "clear groups"}, {"port", "h1"}});
  EXPECT_EQ(cleared["removed"], 1u);
  EXPECT_EQ(cleared["queries_sent"], 1u);
  sw.step();
  auto query = sw.capture("h1");
  ASSERT_EQ(query.size(), 1u) << "our general query, so that hosts report at once";
  EXPECT_EQ(query[0].info().l4_proto, 2) << "IGMP";
  EXPECT_EQ(query[0].info().group, ip("224.0.0.1")) << "a general query";
  sw.drain_all();
  out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(out["h1"].size(), 0u) << "the MFT no longer sends the group to h1";
  EXPECT_EQ(out["h2"].size(), 1u) << "h2 kept its membership";
  const json groups = sw.control().show_groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["ports"], json::array({"h2"}));
  // The host answers the general query: relearned.
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  out = sw.send("h3", udp_to("239.1.1.1", "10.0.0.13", mac(0x13)));
  EXPECT_EQ(out["h1"].size(), 1u) << sw.control().show_groups().dump() << sw.control().show_stats().dump();
  EXPECT_EQ(ask(sw, {{"command", "clear groups"}})["removed"], 2u);
  EXPECT_TRUE(sw.control().show_groups().empty());
}

TEST(Views, ClearCountersZeroesTheViewsNotTheCounters) {
  SwitchHarness sw(rhhh(), {vlan1()});
  sw.send("r", general_query());
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  ASSERT_GT(sw.control().show_stats()["rx_packets"].get<uint64_t>(), 0u);
  ask(sw, {{"command", "clear counters"}});
  json stats = sw.control().show_stats();
  EXPECT_EQ(stats["rx_packets"], 0u);
  EXPECT_EQ(stats["snooping"]["reports"], 0u);
  EXPECT_EQ(stats["messages"]["rx"]["igmp"]["reports_v2"], 0u);
  EXPECT_EQ(stats["control"]["punted_frames"], 0u);
  EXPECT_TRUE(stats["counters_cleared_s_ago"].is_number());
  const json h1 = *port_of(sw.control().show_ports(), "h1");
  EXPECT_EQ(h1["rx_packets"], 0u);
  EXPECT_EQ(h1["nic"]["ipackets"], 0u);
  EXPECT_EQ(h1["messages"]["rx"]["igmp"]["reports_v2"], 0u);
  // The counters themselves went on: the next report counts from zero in the views.
  EXPECT_EQ(sw.control().engine().counters().reports, 1u);
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  stats = sw.control().show_stats();
  EXPECT_EQ(stats["snooping"]["reports"], 1u);
  EXPECT_EQ(stats["messages"]["rx"]["igmp"]["reports_v2"], 1u);
  EXPECT_EQ(sw.control().engine().counters().reports, 2u);
}

// Every counter of the views counts from the clear, the ones kept outside the engine and the
// data plane too (port security, the MAC table's limits).
TEST(Views, ClearCountersZeroesPortSecurityCountersToo) {
  std::vector<HarnessPort> ports = rhhh();
  ports[1].max_macs = 1;
  SwitchHarness sw(ports, {vlan1()});
  for (uint8_t i = 1; i <= 3; ++i) sw.send("h1", eth_frame(mac(i), net::MacAddr::broadcast()));
  ASSERT_EQ((*port_of(sw.control().show_ports(), "h1"))["macs_refused"], 2u);
  ASSERT_EQ(sw.control().show_stats()["mac_table"]["refused_port_limit"], 2u);
  ask(sw, {{"command", "clear counters"}});
  EXPECT_EQ((*port_of(sw.control().show_ports(), "h1"))["macs_refused"], 0u);
  EXPECT_EQ(sw.control().show_stats()["mac_table"]["refused_port_limit"], 0u);
  EXPECT_EQ((*port_of(sw.control().show_ports(), "h1"))["macs"], 1u) << "a level, not a counter";
  sw.send("h1", eth_frame(mac(4), net::MacAddr::broadcast()));
  EXPECT_EQ((*port_of(sw.control().show_ports(), "h1"))["macs_refused"], 1u);
  EXPECT_EQ(sw.control().show_stats()["mac_table"]["refused_port_limit"], 1u);
}

TEST(Views, VlansMacAndVersion) {
  std::vector<HarnessPort> ports = rhhh();
  ports[3].mode = dataplane::VlanMode::Trunk;
  ports[3].allowed = {1, 20};
  ports[2].snoop.router = snoop::RouterMode::Always;
  HarnessVlan v20;
  v20.id = 20;
  v20.snooping = false;
  SwitchHarness sw(ports, {vlan1(/*querier=*/true), v20});
  sw.send("h1", v2_report("239.1.1.1", "10.0.0.11", 0x11));
  sw.send("h3", eth_frame(mac(0x33), net::MacAddr::broadcast(), 20));

  const json vlans = ask(sw, {{"command", "show vlans"}});
  ASSERT_EQ(vlans.size(), 2u);
  EXPECT_EQ(vlans[0]["id"], 1);
  EXPECT_EQ(vlans[0]["members"], json::array({"r", "h1", "h2", "h3"}));
  EXPECT_EQ(vlans[0]["tagged"], json::array({"h3"}));
  EXPECT_EQ(vlans[0]["snooping"], true);
  EXPECT_EQ(vlans[0]["unregistered"], "flood");
  EXPECT_EQ(vlans[0]["querier"]["ipv4"]["self"], true);
  EXPECT_EQ(vlans[0]["groups"], 1u);
  EXPECT_EQ(vlans[0]["router_ports"], json({{"ipv4", {"h2"}}, {"ipv6", {"h2"}}})) << "by family";
  EXPECT_EQ(vlans[1]["id"], 20);
  EXPECT_EQ(vlans[1]["snooping"], false);
  EXPECT_EQ(vlans[1]["members"], json::array({"h3"}));

  const json macs = ask(sw, {{"command", "show mac"}});
  ASSERT_EQ(macs.size(), 2u);
  EXPECT_EQ(macs[0]["vlan"], 1);
  EXPECT_EQ(macs[0]["mac"], "02:00:00:00:00:11");
  EXPECT_EQ(macs[0]["port"], "h1");
  EXPECT_EQ(macs[1]["vlan"], 20);
  EXPECT_EQ(macs[1]["port"], "h3");
  EXPECT_EQ(ask(sw, {{"command", "show mac"}, {"vlan", 20}}).size(), 1u);
  EXPECT_EQ(ask(sw, {{"command", "show mac"}, {"port", "h1"}}).size(), 1u);
  EXPECT_EQ(ask(sw, {{"command", "show mac"}, {"port", "h2"}}).size(), 0u);

  sw.control().set_run_info("9.9.9", "/etc/mcsnoop/test.yaml");
  sw.advance(seconds(2));
  const json version = ask(sw, {{"command", "show version"}});
  EXPECT_EQ(version["version"], "9.9.9");
  EXPECT_EQ(version["config"], "/etc/mcsnoop/test.yaml");
  EXPECT_GE(version["uptime_s"].get<double>(), 2.0);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("vw-views-pl", "0-1"));
  return RUN_ALL_TESTS();
}
