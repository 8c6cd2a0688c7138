// Every configuration shipped in the repository's config/ directory must load cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "load_helpers.hpp"

namespace mcsnoop::config {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> shipped_configs() {
  const char* dir = std::getenv("MCSNOOP_CONFIG_DIR");
  std::vector<fs::path> files;
  if (dir == nullptr) return files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml")) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ShippedConfigs, EveryFileLoads) {
  ASSERT_NE(std::getenv("MCSNOOP_CONFIG_DIR"), nullptr) << "meson passes MCSNOOP_CONFIG_DIR";
  const std::vector<fs::path> files = shipped_configs();
  ASSERT_FALSE(files.empty()) << "no *.yaml in " << std::getenv("MCSNOOP_CONFIG_DIR");
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.string());
    const LoadResult r = load_file(f.string());
    EXPECT_TRUE(r.ok()) << test::dump(r.errors);
    EXPECT_TRUE(r.warnings.empty()) << test::dump(r.warnings);
  }
}

TEST(ShippedConfigs, ExamplesSayWhatTheirCommentsSay) {
  ASSERT_NE(std::getenv("MCSNOOP_CONFIG_DIR"), nullptr);
  const fs::path dir = std::getenv("MCSNOOP_CONFIG_DIR");

  const LoadResult access = load_file((dir / "example-access.yaml").string());
  ASSERT_TRUE(access.ok()) << test::dump(access.errors);
  const Config& a = *access.config;
  EXPECT_EQ(a.ports.size(), 3u);
  EXPECT_TRUE(std::all_of(a.ports.begin(), a.ports.end(), [](const Port& p) { return p.vlan_mode == VlanMode::Access; }));
  ASSERT_NE(a.find_vlan(10), nullptr);
  EXPECT_TRUE(a.find_vlan(10)->querier.enabled);
  EXPECT_EQ(a.find_vlan(20)->effective.unregistered, UnregisteredPolicy::RouterPorts);

  const LoadResult trunk = load_file((dir / "example-trunk.yaml").string());
  ASSERT_TRUE(trunk.ok()) << test::dump(trunk.errors);
  const Config& t = *trunk.config;
  EXPECT_TRUE(t.cores.split());
  const Port& up = t.ports[t.port_index("uplink")];
  EXPECT_EQ(up.vlan_mode, VlanMode::Trunk);
  EXPECT_EQ(up.multicast_router, RouterMode::Always);
  EXPECT_EQ(t.port_vlans(t.port_index("uplink")), (std::vector<VlanId>{1, 10, 20, 21, 22, 30}));
  ASSERT_NE(t.find_vlan(21), nullptr);
  EXPECT_TRUE(t.find_vlan(21)->implicit);
  EXPECT_EQ(t.find_vlan(21)->effective, t.snooping);
  EXPECT_EQ(t.find_vlan(30)->static_groups.size(), 2u);
  EXPECT_EQ(t.find_vlan(10)->effective.query_interval, std::chrono::seconds(60));
}

// The annotated example in docs/configuration.md is the first ```yaml block after its heading.
TEST(ShippedConfigs, DocumentedExampleLoads) {
  const char* dir = std::getenv("MCSNOOP_DOCS_DIR");
  ASSERT_NE(dir, nullptr) << "meson passes MCSNOOP_DOCS_DIR";
  std::ifstream in(fs::path(dir) / "configuration.md");
  ASSERT_TRUE(in) << "cannot open configuration.md in " << dir;
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t heading = doc.find("## Annotated full example");
  ASSERT_NE(heading, std::string::npos);
  const size_t start = doc.find("```yaml\n", heading);
  ASSERT_NE(start, std::string::npos);
  const size_t end = doc.find("```", start + 8);
  ASSERT_NE(end, std::string::npos);
  const LoadResult r = load_string(doc.substr(start + 8, end - start - 8), "configuration.md example");
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  EXPECT_TRUE(r.warnings.empty()) << test::dump(r.warnings);
  const Config& c = *r.config;
  EXPECT_EQ(c.ports.size(), 3u);
  ASSERT_NE(c.find_vlan(21), nullptr);
  EXPECT_TRUE(c.find_vlan(21)->implicit);
  EXPECT_EQ(c.find_vlan(10)->static_groups.size(), 2u);
}

}  // namespace
}  // namespace mcsnoop::config
