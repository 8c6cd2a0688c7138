// mcsnoopctl's command-line parsing.

#include "ctl/cli.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace mcsnoop::ctl {
namespace {

std::variant<Invocation, UsageError> parse(std::initializer_list<std::string_view> args,
                                           const char* env = nullptr) {
  const std::vector<std::string_view> v(args);
  return parse_command_line(v, env);
}

Invocation ok(std::initializer_list<std::string_view> args, const char* env = nullptr) {
  const auto r = parse(args, env);
  if (const auto* e = std::get_if<UsageError>(&r)) ADD_FAILURE() << "usage error: " << e->message;
  return std::holds_alternative<Invocation>(r) ? std::get<Invocation>(r) : Invocation{};
}

std::string usage_error(std::initializer_list<std::string_view> args) {
  const auto r = parse(args);
  if (!std::holds_alternative<UsageError>(r)) {
    ADD_FAILURE() << "accepted";
    return "";
  }
  return std::get<UsageError>(r).message;
}

TEST(CliTest, ShowWithTheDefaultSocket) {
  const Invocation inv = ok({"show", "groups"});
  EXPECT_EQ(inv.action, Invocation::Action::kShow);
  EXPECT_EQ(inv.topic, "groups");
  EXPECT_FALSE(inv.json);
  EXPECT_EQ(inv.socket_path, "/run/mcsnoop/mcsnoop.sock");
}

TEST(CliTest, SocketComesFromOptionThenEnvironmentThenDefault) {
  EXPECT_EQ(ok({"show", "ports"}, "/tmp/env.sock").socket_path, "/tmp/env.sock");
  EXPECT_EQ(ok({"-s", "/tmp/opt.sock", "show", "ports"}, "/tmp/env.sock").socket_path,
            "/tmp/opt.sock");
  EXPECT_EQ(ok({"show", "ports"}, "").socket_path, "/run/mcsnoop/mcsnoop.sock")
      << "an empty variable counts as unset";
}

TEST(CliTest, OptionsMayComeAnywhere) {
  const Invocation inv = ok({"show", "--json", "stats", "-s", "x.sock"});
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(inv.topic, "stats");
  EXPECT_EQ(inv.socket_path, "x.sock");
}

TEST(CliTest, PortEnableTakesOnePortName) {
  const Invocation inv = ok({"port", "enable", "h1", "-s", "x.sock"});
  EXPECT_EQ(inv.action, Invocation::Action::kPortEnable);
  EXPECT_EQ(inv.port, "h1");
  EXPECT_EQ(inv.socket_path, "x.sock");
  EXPECT_EQ(usage_error({"port", "enable"}), "port enable needs a port name");
  EXPECT_EQ(usage_error({"port", "disable", "h1"}), "port what? (port enable NAME)");
  EXPECT_EQ(usage_error({"port", "enable", "h1", "h2"}), "unexpected argument 'h2'");
}

TEST(CliTest, ReloadTakesNoArgument) {
  const Invocation inv = ok({"reload", "-s", "x.sock", "--json"});
  EXPECT_EQ(inv.action, Invocation::Action::kReload);
  EXPECT_EQ(inv.socket_path, "x.sock");
  EXPECT_TRUE(inv.json);
  EXPECT_EQ(usage_error({"reload", "now"}), "unexpected argument 'now'");
}

TEST(CliTest, ShowGroupsTakesFiltersAndDetailInAnyOrder) {
  const Invocation inv = ok({"show", "groups", "detail", "port", "h1", "vlan", "10", "group", "ff3e::8000:1"});
  EXPECT_EQ(inv.action, Invocation::Action::kShow);
  EXPECT_EQ(inv.topic, "groups");
  EXPECT_EQ(inv.args, nlohmann::json::parse(R"({"vlan": 10, "port": "h1", "group": "ff3e::8000:1", "detail": true})"));
  EXPECT_EQ(ok({"show", "groups"}).args, nlohmann::json::object());
  EXPECT_EQ(ok({"show", "mac", "vlan", "4094"}).args, nlohmann::json::parse(R"({"vlan": 4094})"));
}

TEST(CliTest, FilterErrors) {
  EXPECT_EQ(usage_error({"show", "groups", "vlan"}), "'vlan' needs a value");
  EXPECT_EQ(usage_error({"show", "groups", "vlan", "0"}), "vlan: '0' is not a VLAN id (1..4094)");
  EXPECT_EQ(usage_error({"show", "groups", "vlan", "4095"}), "vlan: '4095' is not a VLAN id (1..4094)");
  EXPECT_EQ(usage_error({"show", "groups", "vlan", "1x"}), "vlan: '1x' is not a VLAN id (1..4094)");
  EXPECT_EQ(usage_error({"show", "groups", "group", "10.0.0.1"}), "group: '10.0.0.1' is not a multicast address");
  EXPECT_EQ(usage_error({"show", "groups", "group", "fe80::1"}), "group: 'fe80::1' is not a multicast address");
  EXPECT_EQ(usage_error({"show", "groups", "port", "h1", "port", "h2"}), "'port' given twice");
  EXPECT_EQ(usage_error({"show", "mac", "detail"}), "unexpected argument 'detail'");
  EXPECT_EQ(usage_error({"show", "ports", "vlan", "1"}), "unexpected argument 'vlan'");
  EXPECT_EQ(usage_error({"clear", "counters", "vlan", "1"}), "unexpected argument 'vlan'");
}

TEST(CliTest, ClearGroupsAndCounters) {
  Invocation inv = ok({"clear", "groups", "vlan", "5", "port", "h2"});
  EXPECT_EQ(inv.action, Invocation::Action::kClear);
  EXPECT_EQ(inv.topic, "groups");
  EXPECT_EQ(inv.args, nlohmann::json::parse(R"({"vlan": 5, "port": "h2"})"));
  inv = ok({"clear", "counters", "--json"});
  EXPECT_EQ(inv.action, Invocation::Action::kClear);
  EXPECT_EQ(inv.topic, "counters");
  EXPECT_TRUE(inv.json);
}

TEST(CliTest, HelpWinsOverEverythingElse) {
  EXPECT_EQ(ok({"-h"}).action, Invocation::Action::kHelp);
  EXPECT_EQ(ok({"show", "bogus", "--help"}).action, Invocation::Action::kHelp);
}

TEST(CliTest, UsageErrors) {
  EXPECT_EQ(usage_error({}), "missing command");
  EXPECT_EQ(usage_error({"clear", "stats"}), "cannot clear 'stats' (try groups, counters)");
  EXPECT_EQ(usage_error({"clear"}), "clear what? (groups, counters)");
  EXPECT_EQ(usage_error({"bogus"}), "unknown command 'bogus'");
  EXPECT_NE(usage_error({"show"}).find("groups, routers, querier, ports, stats"), std::string::npos);
  EXPECT_NE(usage_error({"show", "config"}).find("cannot show 'config'"), std::string::npos);
  EXPECT_EQ(usage_error({"show", "groups", "extra"}), "unexpected argument 'extra'");
  EXPECT_EQ(usage_error({"show", "groups", "-s"}), "option -s needs a socket path");
  EXPECT_EQ(usage_error({"-s", "", "show", "groups"}), "option -s needs a non-empty socket path");
  EXPECT_EQ(usage_error({"show", "groups", "--yaml"}), "unknown option '--yaml'");
}

TEST(CliTest, HelpTextListsEveryTopicAndTheExitCodes) {
  const std::string text = usage_text();
  for (const char* topic : {"show groups", "show routers", "show querier", "show ports", "show stats", "show vlans",
                            "show mac", "show version", "clear groups", "clear counters"}) {
    EXPECT_NE(text.find(topic), std::string::npos) << topic;
  }
  EXPECT_NE(text.find("MCSNOOP_SOCKET"), std::string::npos);
  EXPECT_NE(text.find("Exit status"), std::string::npos);
  EXPECT_EQ(text.rfind(usage_synopsis(), 0), 0u);
}

}  // namespace
}  // namespace mcsnoop::ctl
