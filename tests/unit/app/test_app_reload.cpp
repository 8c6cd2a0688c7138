// plan_reload: what the `reload` command answers for a file, before anything is applied.
#include <gtest/gtest.h>

#include "reload.hpp"

namespace mcsnoop::app {
namespace {

const char* kRunning = R"(ports:
  - {name: h1, device: net_null0}
  - {name: h2, device: net_null1}
control: {socket: /tmp/rl-unit.sock}
)";

config::Config running() { return *config::load_string(kRunning, "running.yaml").config; }

TEST(PlanReload, LiveChangeIsApplicableAndListed) {
  const std::string next = std::string(kRunning).replace(std::string(kRunning).find("net_null1}"), 10,
                                                         "net_null1, fast_leave: true}");
  const ReloadOutcome o = plan_reload(running(), config::load_string(next, "next.yaml"));
  EXPECT_TRUE(o.errors.empty());
  ASSERT_EQ(o.changes.size(), 1u);
  const nlohmann::json j = o.to_json();
  EXPECT_EQ(j["applied"], false) << "planned, not applied yet";
  EXPECT_EQ(j["changes"][0], (nlohmann::json{{"key", "ports[h2].fast_leave"}, {"old", "false"}, {"new", "true"}}));
  EXPECT_TRUE(j["restart_required"].empty());
}

TEST(PlanReload, InvalidFileIsRefusedWithTheLoadersErrors) {
  const ReloadOutcome o = plan_reload(running(), config::load_string("ports: [{name: h1}]\n", "next.yaml"));
  ASSERT_FALSE(o.errors.empty());
  EXPECT_NE(o.errors[0].find("ports[0]"), std::string::npos) << o.errors[0];
  EXPECT_TRUE(o.changes.empty());
}

TEST(PlanReload, RestartKeyIsRefusedAndNamedInTheErrors) {
  std::string next = kRunning;
  next.replace(next.find("/tmp/rl-unit.sock"), 17, "/tmp/other.sock");
  const ReloadOutcome o = plan_reload(running(), config::load_string(next, "next.yaml"));
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_EQ(o.errors[0], "control.socket: changed (/tmp/rl-unit.sock -> /tmp/other.sock), which needs a restart; "
                         "nothing of the file was applied");
  EXPECT_EQ(o.to_json()["restart_required"][0]["key"], "control.socket");
}

}  // namespace
}  // namespace mcsnoop::app
