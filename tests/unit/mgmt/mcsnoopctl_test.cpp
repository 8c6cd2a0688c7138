// The control client against a fake switch: a ControlServer with canned handlers, polled on its
// own thread like the control lcore would. First the client library, then the real mcsnoopctl
// binary (its path comes from meson in $MCSNOOPCTL).

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "ctl/control_client.hpp"
#include "ctl/views.hpp"
#include "mcsnoop/mgmt/control_server.hpp"
#include "mcsnoop/mgmt/unix_address.hpp"
#include "sample_replies.hpp"
#include "test_support.hpp"

namespace mcsnoop::mgmt {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::run_process;

// A switch that knows every contract command and answers with the sample data; `reload`
// answers `reload_answer`.
class FakeSwitch {
 public:
  explicit FakeSwitch(json reload_answer = json::object()) {
    server_.on("reload", [reload_answer](const json&) { return reload_answer; });
    server_.on(std::string(command::kShowGroups), [](const json&) { return testing::sample_groups(); });
    server_.on(std::string(command::kShowRouters), [](const json&) { return testing::sample_routers(); });
    server_.on(std::string(command::kShowQuerier), [](const json&) { return testing::sample_querier(); });
    server_.on(std::string(command::kShowPorts), [](const json&) { return testing::sample_ports(); });
    server_.on(std::string(command::kShowStats), [](const json&) -> json {
      throw std::runtime_error("statistics are being reset");
    });
    // Echoes the request: what mcsnoopctl sent, arguments included.
    server_.on(std::string(command::kShowMac), [](const json& req) { return json::array({req}); });
    server_.on(std::string(command::kClearGroups), [](const json& req) {
      return json{{"removed", 3}, {"queries_sent", 1}, {"request", req}};
    });
    std::string err;
    EXPECT_TRUE(server_.open(path(), &err)) << err;
    thread_ = std::make_unique<testing::ServerThread>(server_);
  }
  ~FakeSwitch() { thread_.reset(); }

  std::string path() const { return dir_.file("mcsnoop.sock"); }

 private:
  testing::TempDir dir_;
  ControlServer server_;
  std::unique_ptr<testing::ServerThread> thread_;
};

TEST(ControlClientTest, ReturnsTheDataOfASuccessfulReply) {
  FakeSwitch sw;
  const ctl::Reply reply = ctl::request(sw.path(), command::kShowGroups, 2s);
  ASSERT_EQ(reply.status, ctl::Reply::Status::kOk) << reply.error;
  EXPECT_EQ(reply.data, testing::sample_groups());
}

TEST(ControlClientTest, ReportsTheSwitchsError) {
  FakeSwitch sw;
  const ctl::Reply reply = ctl::request(sw.path(), command::kShowStats, 2s);
  EXPECT_EQ(reply.status, ctl::Reply::Status::kFailed);
  EXPECT_EQ(reply.error, "statistics are being reset");
}

TEST(ControlClientTest, MissingSocketIsUnreachable) {
  testing::TempDir dir;
  const ctl::Reply reply = ctl::request(dir.file("absent.sock"), command::kShowGroups, 2s);
  EXPECT_EQ(reply.status, ctl::Reply::Status::kUnreachable);
  EXPECT_EQ(reply.error, "No such file or directory");
}

TEST(ControlClientTest, SilentSwitchTimesOut) {
  // Listening but never accepting: connect() succeeds through the backlog, no reply comes.
  testing::TempDir dir;
  const std::string path = dir.file("silent.sock");
  sockaddr_un addr{};
  socklen_t len = 0;
  ASSERT_TRUE(make_unix_address(path, &addr, &len));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::listen(fd, 4), 0);

  const auto start = std::chrono::steady_clock::now();
  const ctl::Reply reply = ctl::request(path, command::kShowGroups, 200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(reply.status, ctl::Reply::Status::kUnreachable);
  EXPECT_EQ(reply.error, "no reply within 200 ms");
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 5s);
}

class McsnoopctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("MCSNOOPCTL");
    ASSERT_NE(path, nullptr) << "MCSNOOPCTL must name the mcsnoopctl binary (set by meson test)";
    binary_ = path;
  }

  // Runs mcsnoopctl with `args`; MCSNOOP_SOCKET is removed unless given in `env`.
  ProcessResult ctl(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), binary_);
    std::vector<std::string> unset;
    if (!env.contains("MCSNOOP_SOCKET")) unset.push_back("MCSNOOP_SOCKET");
    return run_process(args, env, unset);
  }

  std::string binary_;
};

TEST_F(McsnoopctlTest, JsonOutputIsTheReplysDataPrettyPrinted) {
  FakeSwitch sw;
  const std::pair<const char*, json> cases[] = {
      {"groups", testing::sample_groups()},
      {"routers", testing::sample_routers()},
      {"querier", testing::sample_querier()},
      {"ports", testing::sample_ports()},
  };
  for (const auto& [topic, expected] : cases) {
    const ProcessResult r = ctl({"-s", sw.path(), "show", topic, "--json"});
    EXPECT_EQ(r.exit_code, 0) << topic << ": " << r.err;
    EXPECT_EQ(r.err, "") << topic;
    EXPECT_EQ(json::parse(r.out), expected) << topic;
    EXPECT_EQ(r.out, expected.dump(2) + "\n") << topic << ": 2-space indent";
  }
}

TEST_F(McsnoopctlTest, TableOutputIsTheRenderedView) {
  FakeSwitch sw;
  const ProcessResult r = ctl({"-s", sw.path(), "show", "groups"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ctl::render_groups(testing::sample_groups()));
  EXPECT_EQ(r.out.rfind("VLAN  GROUP", 0), 0u) << r.out;
}

TEST_F(McsnoopctlTest, SocketFromTheEnvironment) {
  FakeSwitch sw;
  const ProcessResult r = ctl({"show", "routers", "--json"}, {{"MCSNOOP_SOCKET", sw.path()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), testing::sample_routers());
}

TEST_F(McsnoopctlTest, UnreachableSwitchExitsWithOne) {
  testing::TempDir dir;
  const std::string path = dir.file("nobody.sock");
  const ProcessResult r = ctl({"-s", path, "show", "groups"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mcsnoopctl: cannot reach mcsnoop at " + path + ": No such file or directory\n");
}

TEST_F(McsnoopctlTest, ErrorReplyExitsWithOne) {
  FakeSwitch sw;
  const ProcessResult r = ctl({"-s", sw.path(), "show", "stats", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("statistics are being reset"), std::string::npos) << r.err;
}

TEST_F(McsnoopctlTest, UsageErrorsExitWithTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {"show"}, {"show", "config"}, {"clear", "stats"}, {"show", "groups", "--bogus"},
           {"show", "groups", "-s"}, {"clear"}, {"show", "groups", "vlan", "0"},
           {"show", "groups", "group", "10.0.0.1"}, {"show", "routers", "vlan", "1"},
           {"clear", "groups", "detail"}}) {
    const ProcessResult r = ctl(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(r.out, "") << ::testing::PrintToString(args);
    EXPECT_NE(r.err.find("Usage: mcsnoopctl"), std::string::npos) << r.err;
  }
}

TEST_F(McsnoopctlTest, ReloadAppliedPrintsTheChangesAndExitsWithZero) {
  FakeSwitch sw(json{{"applied", true},
                     {"changes", json::array({{{"key", "ports[h2].fast_leave"}, {"old", "false"}, {"new", "true"}}})},
                     {"errors", json::array()},
                     {"restart_required", json::array()}});
  const ProcessResult r = ctl({"-s", sw.path(), "reload"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "reload: applied 1 change\n  ports[h2].fast_leave: false -> true\n");
}

TEST_F(McsnoopctlTest, ReloadRefusedPrintsTheErrorsAndExitsWithOne) {
  const json refused{{"applied", false},
                     {"changes", json::array()},
                     {"errors", json::array({"a.yaml:3: ports[0].vlan: must be within 1-4094"})},
                     {"restart_required", json::array()}};
  FakeSwitch sw(refused);
  ProcessResult r = ctl({"-s", sw.path(), "reload"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "reload: refused, the running configuration is kept\n"
                   "  a.yaml:3: ports[0].vlan: must be within 1-4094\n");
  r = ctl({"-s", sw.path(), "reload", "--json"});
  EXPECT_EQ(r.exit_code, 1) << "refused is exit 1 with --json too";
  EXPECT_EQ(json::parse(r.out), refused);
}

TEST_F(McsnoopctlTest, FilterArgumentsReachTheSwitch) {
  FakeSwitch sw;
  const ProcessResult r = ctl({"-s", sw.path(), "show", "mac", "vlan", "10", "port", "h1", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(R"([{"command": "show mac", "vlan": 10, "port": "h1"}])"));
}

TEST_F(McsnoopctlTest, ClearGroupsSaysWhatWasDone) {
  FakeSwitch sw;
  ProcessResult r = ctl({"-s", sw.path(), "clear", "groups", "port", "h2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "cleared 3 membership(s); 1 general query sent\n");
  r = ctl({"-s", sw.path(), "clear", "groups", "vlan", "7", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["request"], json::parse(R"({"command": "clear groups", "vlan": 7})"));
  r = ctl({"-s", sw.path(), "clear", "counters"});
  EXPECT_EQ(r.exit_code, 1) << "the fake switch has no such command: refused";
  EXPECT_NE(r.err.find("failed 'clear counters'"), std::string::npos) << r.err;
}

TEST_F(McsnoopctlTest, HelpGoesToStdoutAndExitsWithZero) {
  const ProcessResult r = ctl({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("Usage: mcsnoopctl", 0), 0u) << r.out;
}

}  // namespace
}  // namespace mcsnoop::mgmt
