// The EAL allow list (src/app/eal_devices.cpp): PCI ports become `-a DEVICE`, a switch without
// PCI ports gets --no-pci, and device options the user gave are left alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eal_devices.hpp"
#include "mcsnoop/config/loader.hpp"
#include "wiring.hpp"

namespace mcsnoop::app {
namespace {

using Args = std::vector<std::string>;

config::Config load(const std::string& eal_args, const std::vector<std::string>& devices) {
  std::string yaml = "dpdk:\n  eal_args: [" + eal_args + "]\nports:\n";
  for (size_t i = 0; i < devices.size(); ++i) {
    yaml += "  - {name: p" + std::to_string(i) + ", device: \"" + devices[i] + "\"}\n";
  }
  config::LoadResult r = config::load_string(yaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  return r.config.value_or(config::Config{});
}

TEST(EalDevices, PciPortsGoOnTheAllowListWithTheirDevargs) {
  const config::Config cfg = load("--no-huge", {"net_null0", "0000:03:00.0", "3:00.1,rx_vec_en=0"});
  const EalDeviceArgs d = eal_device_args(cfg, {});
  EXPECT_EQ(d.args, (Args{"-a", "0000:03:00.0", "-a", "3:00.1,rx_vec_en=0"}));
  EXPECT_NE(d.note.find("0000:03:00.1 (ports[2])"), std::string::npos) << d.note;
  EXPECT_EQ(make_eal_args(cfg, "mcsnoop", {"--log-level", "8"}),
            (Args{"mcsnoop", "--no-huge", "-a", "0000:03:00.0", "-a", "3:00.1,rx_vec_en=0", "--log-level", "8"}));
}

TEST(EalDevices, NoPciPortMeansNoPci) {
  const config::Config cfg = load("--no-huge", {"net_null0", "net_null1"});
  EXPECT_EQ(eal_device_args(cfg, {}).args, (Args{"--no-pci"}));
}

TEST(EalDevices, TheUsersDeviceOptionsWin) {
  const config::Config pci = load("--no-huge", {"0000:03:00.0"});
  for (const Args& extra : {Args{"-a", "0000:04:00.0"}, Args{"-a0000:04:00.0"}, Args{"--allow=0000:04:00.0"},
                            Args{"--allow", "x"}, Args{"-b", "0000:05:00.0"}, Args{"--block=0000:05:00.0"}}) {
    const EalDeviceArgs d = eal_device_args(pci, extra);
    EXPECT_TRUE(d.args.empty()) << extra[0];
    EXPECT_NE(d.note.find(extra[0]), std::string::npos) << d.note;
  }
  const config::Config in_config = load("--no-huge, -b, \"0000:05:00.0\"", {"0000:03:00.0"});
  EXPECT_TRUE(eal_device_args(in_config, {}).args.empty());
  const config::Config no_pci = load("--no-huge, --no-pci", {"net_null0"});
  EXPECT_TRUE(eal_device_args(no_pci, {}).args.empty());
  // Options that merely start alike are not device options.
  const config::Config other = load("--no-huge, --base-virtaddr, \"0x100000000\"", {"0000:03:00.0"});
  EXPECT_EQ(eal_device_args(other, {}).args, (Args{"-a", "0000:03:00.0"}));
}

}  // namespace
}  // namespace mcsnoop::app
