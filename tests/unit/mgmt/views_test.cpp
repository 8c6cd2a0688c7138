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
            "VLAN  FAMILY  PORT    KIND     EXPIRES\n"
            "  10  ipv4    uplink  learned   255.0s\n"
            "  10  ipv6    h3      static         -\n");
}

TEST(ViewsTest, QuerierNamesTheProtocolVersion) {
  EXPECT_EQ(render_querier(samples::sample_querier()),
            "VLAN  FAMILY  QUERIER      SELF  VERSION  EXPIRES\n"
            "  10  ipv4    192.0.2.254  yes   IGMPv3         -\n"
            "  10  ipv6    fe80::1      no    MLDv2     211.5s\n");
}

TEST(ViewsTest, PortsTotalTheDropsAndListOnlyNonZeroReasons) {
  EXPECT_EQ(render_ports(samples::sample_ports()),
            "NAME    LINK    RX    TX  IGMP  MACS  DROPS  DROP REASONS\n"
            "h1      up    1200  3400    12     -      4  policer=3 vlan=1\n"
            "uplink  down     0     0     0     -      0  -\n");
}

TEST(ViewsTest, PortsShowBpduGuardAndTheMacCount) {
  const json ports = json::parse(
      R"([{"name": "h1", "link": "up", "state": "bpdu-guard-shut", "macs": 0},
          {"name": "h2", "link": "up", "state": "forwarding", "macs": 7}])");
  EXPECT_EQ(render_ports(ports),
            "NAME  LINK               RX  TX  IGMP  MACS  DROPS  DROP REASONS\n"
            "h1    shut (bpdu guard)   -   -     -     0      -  -\n"
            "h2    up                  -   -     -     7      -  -\n");
}

TEST(ViewsTest, PortsAcceptABooleanLink) {
  const json ports = json::parse(R"([{"name": "p", "link": false}])");
  EXPECT_EQ(render_ports(ports),
            "NAME  LINK  RX  TX  IGMP  MACS  DROPS  DROP REASONS\n"
            "p     down   -   -     -     -      -  -\n");
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

TEST(ViewsTest, EmptyListsShowNone) {
  EXPECT_EQ(render_groups(json::array()), "VLAN  GROUP  SOURCE  MODE  PORTS  EXPIRES\n(none)\n");
  EXPECT_EQ(render_routers(json::array()), "VLAN  FAMILY  PORT  KIND  EXPIRES\n(none)\n");
}

TEST(ViewsTest, MissingFieldsShowADash) {
  EXPECT_EQ(render_routers(json::parse(R"([{"vlan": 5}])")),
            "VLAN  FAMILY  PORT  KIND  EXPIRES\n"
            "   5  -       -     -           -\n");
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
  EXPECT_EQ(views().size(), 5u);
  EXPECT_EQ(find_view("config"), nullptr);
}

}  // namespace
}  // namespace mcsnoop::ctl
