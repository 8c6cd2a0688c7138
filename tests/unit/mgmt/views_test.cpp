// mcsnoopctl's tables: the generic renderer and each `show` topic on sample data.

#include "ctl/views.hpp"

#include <gtest/gtest.h>

#include "ctl/table.hpp"
#include "sample_replies.hpp"

namespace mcsnoop::ctl {
namespace {

using nlohmann::json;
namespace samples = mgmt::testing;

TEST(RenderTableTest, PadsColumnsToTheWidestCellAndAlignsNumbersRight) {
  const std::vector<Column> columns = {{"NAME"}, {"COUNT", Align::kRight}, {"NOTE"}};
  const std::vector<Row> rows = {{"a", "7", "short"}, {"longer-name", "12345", ""}};
  EXPECT_EQ(render_table(columns, rows),
            "NAME         COUNT  NOTE\n"
            "a                7  short\n"
            "longer-name  12345\n");
}

TEST(RenderTableTest, NoRowsGivesTheHeaderAndNone) {
  const std::vector<Column> columns = {{"A"}, {"B"}};
  EXPECT_EQ(render_table(columns, std::vector<Row>{}), "A  B\n(none)\n");
}

TEST(RenderTableTest, ShortRowsArePaddedAndExtraCellsIgnored) {
  const std::vector<Column> columns = {{"A"}, {"B", Align::kRight}};
  const std::vector<Row> rows = {{"x"}, {"y", "22", "ignored"}};
  EXPECT_EQ(render_table(columns, rows), "A   B\nx\ny  22\n");
}

TEST(RenderTableTest, WidthCountsCodePointsNotBytes) {
  EXPECT_EQ(display_width("port-\xC3\xA9"), 6u);  // "port-é"
  const std::vector<Column> columns = {{"PORT"}, {"X"}};
  const std::vector<Row> rows = {{"\xC3\xA9", "1"}};
  EXPECT_EQ(render_table(columns, rows), "PORT  X\n\xC3\xA9     1\n");
}

TEST(FormatTest, Values) {
  EXPECT_EQ(format_value(json()), "-");
  EXPECT_EQ(format_value(json("")), "-");
  EXPECT_EQ(format_value(json(true)), "yes");
  EXPECT_EQ(format_value(json(false)), "no");
  EXPECT_EQ(format_value(json(-3)), "-3");
  EXPECT_EQ(format_value(json(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(format_value(json(0.5)), "0.5");
  EXPECT_EQ(format_value(json::array({"h1", "h2", 3})), "h1,h2,3");
  EXPECT_EQ(format_value(json::array()), "-");
  EXPECT_EQ(format_value(json{{"k", 1}}), R"({"k":1})");
}

TEST(FormatTest, ExpiresHasOneDecimalOrADash) {
  EXPECT_EQ(format_expires(json(12.34)), "12.3s");
  EXPECT_EQ(format_expires(json(12.36)), "12.4s");
  EXPECT_EQ(format_expires(json(260)), "260.0s");
  EXPECT_EQ(format_expires(json(0)), "0.0s");
  EXPECT_EQ(format_expires(json()), "-");
  EXPECT_EQ(format_expires(json("soon")), "-");
}

TEST(ViewsTest, Groups) {
  EXPECT_EQ(render_groups(samples::sample_groups()),
            "VLAN  GROUP         SOURCE    MODE     PORTS  EXPIRES\n"
            "  10  239.1.1.1     *         exclude  h1,h2   259.8s\n"
            "  10  239.1.1.1     10.0.0.1  include  h1       12.0s\n"
            " 200  ff3e::8000:1  *         exclude  -            -\n");
}

TEST(ViewsTest, Routers) {
  EXPECT_EQ(render_routers(samples::sample_routers()),
            "VLAN  FAMILY  PORT    KIND     LEARNED BY  EXPIRES\n"
            "  10  ipv4    uplink  learned  query,pim    255.0s\n"
            "  10  ipv6    h3      static   static            -\n");
}

TEST(ViewsTest, QuerierNamesTheProtocolVersion) {
  EXPECT_EQ(render_querier(samples::sample_querier()),
            "VLAN  FAMILY  QUERIER      SELF  PORT    VERSION  EXPIRES  QRV     QQI    QRI  NEXT QUERY\n"
            "  10  ipv4    192.0.2.254  yes   -       IGMPv3         -    2  125.0s  10.0s       61.2s\n"
            "  10  ipv6    fe80::1      no    uplink  MLDv2     211.5s    3   90.0s   5.0s           -\n");
}

TEST(ViewsTest, PortsTotalTheDropsAndListOnlyNonZeroReasons) {
  EXPECT_EQ(render_ports(samples::sample_ports()),
            "NAME    LINK   MTU    RX    TX  IGMP  GROUPS  MACS  POLICED  NIC ERR  DROPS  DROP REASONS\n"
            "h1      up    9000  1200  3400    12   3/100     -        3        6      4  punt_rate_limited=3 vlan=1\n"
            "uplink  down     -     0     0     0       -     -        -        -      0  -\n");
}

TEST(ViewsTest, PortsShowBpduGuardAndTheMacCount) {
  const json ports = json::parse(
      R"([{"name": "h1", "link": "up", "state": "bpdu-guard-shut", "macs": 0},
          {"name": "h2", "link": "up", "state": "forwarding", "macs": 7}])");
  EXPECT_EQ(render_ports(ports),
            "NAME  LINK               MTU  RX  TX  IGMP  GROUPS  MACS  POLICED  NIC ERR  DROPS  DROP REASONS\n"
            "h1    shut (bpdu guard)    -   -   -     -       -     0        -        -      -  -\n"
            "h2    up                   -   -   -     -       -     7        -        -      -  -\n");
}

TEST(ViewsTest, PortsAcceptABooleanLink) {
  const json ports = json::parse(R"([{"name": "p", "link": false}])");
  EXPECT_EQ(render_ports(ports),
            "NAME  LINK  MTU  RX  TX  IGMP  GROUPS  MACS  POLICED  NIC ERR  DROPS  DROP REASONS\n"
            "p     down    -   -   -     -       -     -        -        -      -  -\n");
}

TEST(ViewsTest, StatsFlattensNestedCountersWithDots) {
  EXPECT_EQ(render_stats(samples::sample_stats()),
            "COUNTER        VALUE\n"
            "drops.no_mbuf      0\n"
            "drops.policer      3\n"
            "groups             2\n"
            "rx_packets      5000\n"
            "tx_packets      7000\n");
  EXPECT_EQ(render_stats(json::object()), "COUNTER  VALUE\n(none)\n");
  EXPECT_EQ(render_stats(json{{"lcores", {1, 2}}}), "COUNTER   VALUE\nlcores.0      1\nlcores.1      2\n");
}

// show groups detail: a row per (port, group), then one per source of it, blocked ones marked.
TEST(ViewsTest, GroupDetailHasARowPerPortGroupAndSource) {
  EXPECT_EQ(render_groups(samples::sample_group_detail()),
            "VLAN  GROUP      SOURCE    PORT  MODE     VERSION  EXPIRES   UPTIME  HOSTS  LAST REPORTER  TYPE\n"
            "  10  232.1.1.1  *         h1    exclude  IGMPv3    250.0s  3600.0s      2  10.0.0.11      learned\n"
            "  10  232.1.1.1  10.9.0.1  h1    blocked                 -                                 learned\n"
            "  10  232.1.1.1  *         h3    include  IGMPv3         -        -      0  -              static\n"
            "  10  232.1.1.1  10.9.0.2  h3    forward                 -                                 static\n");
  EXPECT_EQ(render_group_detail(samples::sample_group_detail()), render_groups(samples::sample_group_detail()));
  EXPECT_EQ(render_group_detail(json::array()),
            "VLAN  GROUP  SOURCE  PORT  MODE  VERSION  EXPIRES  UPTIME  HOSTS  LAST REPORTER  TYPE\n"
            "(none)\n")
      << "no membership matched: still the detail table's header";
  json overflow = samples::sample_group_detail();
  overflow[0]["hosts_overflow"] = true;
  EXPECT_NE(render_groups(overflow).find(" 2+  10.0.0.11"), std::string::npos) << "more hosts than tracked";
}

TEST(ViewsTest, VlansMarkTaggedMembersAndOurQuerier) {
  EXPECT_EQ(render_vlans(samples::sample_vlans()),
            "VLAN  SNOOPING  MLD  UNREGISTERED  QUERIER (IPV4)      QUERIER (IPV6)  ROUTER PORTS              GROUPS  MEMBERS\n"
            "  10  yes       yes  flood         192.0.2.254 (self)  -               uplink,h1(ipv4),h2(ipv6)       2  h1,h2,uplink(t)\n"
            "  20  no        no   flood         -                   -               -                              0  uplink(t)\n");
}

TEST(ViewsTest, StatsShowMessagesReceivedAndSentSideBySide) {
  const json stats = json::parse(R"({"messages": {"rx": {"igmp": {"queries_v2": 4, "reports_v2": 9},
                                                         "mrd": {"solicitations": 0}},
                                                  "tx": {"igmp": {"queries_v2": 8, "reports_v2": 3},
                                                         "mrd": {"solicitations": 6}},
                                                  "ports": {"h1": {}}},
                                     "rx_packets": 12})");
  EXPECT_EQ(render_stats(stats),
            "MESSAGE            RX  TX\n"
            "igmp queries_v2     4   8\n"
            "igmp reports_v2     9   3\n"
            "mrd solicitations   0   6\n"
            "\n"
            "COUNTER     VALUE\n"
            "rx_packets     12\n");
}

TEST(ViewsTest, MacVersionAndClear) {
  EXPECT_EQ(render_mac(json::parse(R"([{"vlan": 1, "mac": "02:00:00:00:00:11", "port": "h1", "age_s": 3.2}])")),
            "VLAN  MAC                PORT   AGE\n"
            "   1  02:00:00:00:00:11  h1    3.2s\n");
  EXPECT_EQ(render_version(json::parse(R"({"version": "0.1.0", "uptime_s": 3725.5, "config": "/etc/m.yaml",
                                           "dpdk": "DPDK 22.11.4"})")),
            "FIELD    VALUE\n"
            "version  0.1.0\n"
            "uptime   3725.5s\n"
            "config   /etc/m.yaml\n"
            "dpdk     DPDK 22.11.4\n");
  EXPECT_THROW(render_version(json::array()), ReplyShapeError);
  EXPECT_EQ(render_clear("groups", json::parse(R"({"removed": 1, "queries_sent": 2})")),
            "cleared 1 membership(s); 2 general queries sent\n");
  EXPECT_EQ(render_clear("counters", json::parse(R"({"cleared": true})")), "counters cleared\n");
}

TEST(ViewsTest, EmptyListsShowNone) {
  EXPECT_EQ(render_groups(json::array()), "VLAN  GROUP  SOURCE  MODE  PORTS  EXPIRES\n(none)\n");
  EXPECT_EQ(render_routers(json::array()), "VLAN  FAMILY  PORT  KIND  LEARNED BY  EXPIRES\n(none)\n");
}

TEST(ViewsTest, MissingFieldsShowADash) {
  EXPECT_EQ(render_routers(json::parse(R"([{"vlan": 5}])")),
            "VLAN  FAMILY  PORT  KIND  LEARNED BY  EXPIRES\n"
            "   5  -       -     -     -                 -\n");
}

TEST(ViewsTest, WrongShapesAreReported) {
  EXPECT_THROW(render_groups(json::object()), ReplyShapeError);
  EXPECT_THROW(render_routers(json::array({1, 2})), ReplyShapeError);
  EXPECT_THROW(render_ports(json()), ReplyShapeError);
  EXPECT_THROW(render_stats(json::array()), ReplyShapeError);
}

TEST(ViewsTest, EveryTopicMapsToItsCommand) {
  for (const View& v : views()) {
    EXPECT_EQ(v.command, "show " + std::string(v.topic));
    EXPECT_EQ(find_view(v.topic), &v);
  }
  EXPECT_EQ(views().size(), 8u);
  EXPECT_EQ(find_view("config"), nullptr);
}

}  // namespace
}  // namespace mcsnoop::ctl
