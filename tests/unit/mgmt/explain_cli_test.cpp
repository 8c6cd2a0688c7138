// mcsnoopctl explain: its options, its request, its table, and its exit codes against a fake
// switch (the real decision is tested in tests/pipeline/explain_test.cpp).

#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include "ctl/cli.hpp"
#include "ctl/explain.hpp"
#include "ctl/views.hpp"
#include "mcsnoop/mgmt/control_server.hpp"
#include "test_support.hpp"

namespace mcsnoop::ctl {
namespace {

using nlohmann::json;
using mgmt::testing::ProcessResult;

std::variant<Invocation, UsageError> parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v(args);
  return parse_command_line(v, nullptr);
}

std::string usage_error(std::initializer_list<std::string_view> args) {
  const auto r = parse(args);
  if (!std::holds_alternative<UsageError>(r)) {
    ADD_FAILURE() << "accepted";
    return "";
  }
  return std::get<UsageError>(r).message;
}

TEST(ExplainCliTest, OptionsMakeTheRequest) {
  const auto r = parse({"-s", "/x.sock", "explain", "--port", "h1", "--dst", "239.1.1.1", "--src", "10.0.0.1",
                        "--vlan", "20", "--json"});
  ASSERT_TRUE(std::holds_alternative<Invocation>(r)) << std::get<UsageError>(r).message;
  const Invocation& inv = std::get<Invocation>(r);
  EXPECT_EQ(inv.action, Invocation::Action::kExplain);
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(inv.socket_path, "/x.sock");
  EXPECT_EQ(explain_request(inv.explain),
            json({{"command", "explain"}, {"port", "h1"}, {"dst", "239.1.1.1"}, {"src", "10.0.0.1"}, {"vlan", 20}}));
  const auto v6 = parse({"explain", "--dst", "ff0e::1", "--port", "t1"});
  ASSERT_TRUE(std::holds_alternative<Invocation>(v6));
  EXPECT_EQ(explain_request(std::get<Invocation>(v6).explain),
            json({{"command", "explain"}, {"port", "t1"}, {"dst", "ff0e::1"}}));
}

TEST(ExplainCliTest, UsageErrors) {
  EXPECT_EQ(usage_error({"explain", "--dst", "239.1.1.1"}), "explain needs --port PORT");
  EXPECT_EQ(usage_error({"explain", "--port", "h1"}), "explain needs --dst GROUP");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst"}), "option --dst needs a value");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "239.1.1"}),
            "--dst '239.1.1' is not an IPv4 or IPv6 address");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "10.1.1.1"}), "--dst 10.1.1.1 is not a multicast group address");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "239.1.1.1", "--src", "239.2.2.2"}),
            "--src 239.2.2.2 is a multicast address");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "239.1.1.1", "--src", "2001:db8::1"}),
            "--src 2001:db8::1 and --dst 239.1.1.1 are not of one address family");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "239.1.1.1", "--vlan", "4095"}),
            "--vlan '4095' is not a VLAN id (1-4094)");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--dst", "239.1.1.1", "--vlan", "2x"}),
            "--vlan '2x' is not a VLAN id (1-4094)");
  EXPECT_EQ(usage_error({"explain", "--port", "h1", "--port", "h2", "--dst", "239.1.1.1"}), "option --port given twice");
  EXPECT_EQ(usage_error({"explain", "h1"}), "unexpected argument 'h1'");
  EXPECT_EQ(usage_error({"show", "groups", "--port", "h1"}), "unknown option '--port'") << "explain's options only";
}

json sample_answer() {
  return {{"port", "h3"}, {"vlan", 1}, {"dst", "239.5.5.5"}, {"src", "192.0.2.1"}, {"family", "ipv4"},
          {"class", "mcast_data4"}, {"classification", "IPv4 multicast data: MFT lookup"},
          {"lookup", {"(S,G)"}}, {"match", "(S,G)"}, {"unregistered", nullptr},
          {"egress", {"r", "h1"}},
          {"ports", {{{"name", "r"}, {"forwarded", true}, {"reason", "router port (learned by query, 20 s left)"}, {"tagged", false}},
                     {{"name", "h1"}, {"forwarded", true}, {"reason", "member in INCLUDE mode (IGMPv3, 1 source), source 192.0.2.1 listed"}, {"tagged", true}},
                     {{"name", "h3"}, {"forwarded", false}, {"reason", "ingress port"}}}},
          {"notes", json::array()}};
}

TEST(ExplainCliTest, TableForPeople) {
  EXPECT_EQ(render_explain(sample_answer()),
            "frame   239.5.5.5 from 192.0.2.1, in on h3, VLAN 1\n"
            "class   IPv4 multicast data: MFT lookup\n"
            "lookup  (S,G) hit\n"
            "match   (S,G)\n"
            "egress  r, h1\n"
            "\n"
            "PORT  FORWARDED     REASON\n"
            "r     yes           router port (learned by query, 20 s left)\n"
            "h1    yes (tagged)  member in INCLUDE mode (IGMPv3, 1 source), source 192.0.2.1 listed\n"
            "h3    no            ingress port\n");
  json unregistered = sample_answer();
  unregistered["lookup"] = {"(S,G)", "(*,G)"};
  unregistered["match"] = "none";
  unregistered["unregistered"] = "router-ports";
  unregistered["egress"] = json::array();
  const std::string text = render_explain(unregistered);
  EXPECT_NE(text.find("lookup  (S,G) miss, (*,G) miss\nmatch   none: unregistered policy router-ports\negress  (none)\n"),
            std::string::npos) << text;
  EXPECT_THROW(render_explain(json::array()), ReplyShapeError);
}

// The real binary against a switch that answers `explain` (or refuses an unknown port).
class ExplainBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("MCSNOOPCTL");
    ASSERT_NE(path, nullptr) << "MCSNOOPCTL must name the mcsnoopctl binary (set by meson test)";
    binary_ = path;
    server_.on("explain", [this](const json& req) -> json {
      last_request_ = req;
      if (req.value("port", "") != "h3") throw std::runtime_error("explain: no port named '" + req.value("port", "") + "'");
      return sample_answer();
    });
    std::string err;
    ASSERT_TRUE(server_.open(dir_.file("s.sock"), &err)) << err;
    thread_ = std::make_unique<mgmt::testing::ServerThread>(server_);
  }
  void TearDown() override { thread_.reset(); }

  ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {binary_, "-s", dir_.file("s.sock")});
    return mgmt::testing::run_process(args, {}, {"MCSNOOP_SOCKET"});
  }

  std::string binary_;
  mgmt::testing::TempDir dir_;
  mgmt::ControlServer server_;
  std::unique_ptr<mgmt::testing::ServerThread> thread_;
  json last_request_;
};

TEST_F(ExplainBinaryTest, JsonTableAndExitCodes) {
  ProcessResult r = ctl({"explain", "--port", "h3", "--dst", "239.5.5.5", "--src", "192.0.2.1", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), sample_answer());
  r = ctl({"explain", "--port", "h3", "--dst", "239.5.5.5", "--src", "192.0.2.1", "--vlan", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, render_explain(sample_answer()));
  thread_.reset();  // the request was answered: its record is stable
  EXPECT_EQ(last_request_["vlan"], 1);
  thread_ = std::make_unique<mgmt::testing::ServerThread>(server_);

  r = ctl({"explain", "--port", "nope", "--dst", "239.5.5.5"});
  EXPECT_EQ(r.exit_code, 1) << "refused by the switch";
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("no port named 'nope'"), std::string::npos) << r.err;

  r = ctl({"explain", "--port", "h3", "--dst", "10.0.0.1"});
  EXPECT_EQ(r.exit_code, 2) << "a usage error, found before asking";
  EXPECT_NE(r.err.find("not a multicast group address"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mcsnoop::ctl
