// Device strings (mcsnoop/config/device_spec.hpp): every devargs key syntax DPDK's rte_kvargs
// accepts is accepted (hyphenated keys such as net_null's no-rx, bare keys, bracketed lists),
// checked against rte_kvargs_parse itself; the loader's PCI/--no-pci error and the warning for
// kernel interface names.
#include <gtest/gtest.h>

#include <rte_kvargs.h>

#include <string>
#include <vector>

#include "load_helpers.hpp"
#include "mcsnoop/config/device_spec.hpp"

namespace mcsnoop::config {
namespace {

using test::has_error;
using test::load;

DeviceSpec accepted(std::string_view text) {
  auto r = parse_device(text);
  if (auto* why = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << "'" << text << "' refused: " << *why;
    return {};
  }
  return std::get<DeviceSpec>(r);
}

std::string refused(std::string_view text) {
  auto r = parse_device(text);
  if (std::holds_alternative<DeviceSpec>(r)) {
    ADD_FAILURE() << "'" << text << "' accepted";
    return {};
  }
  return std::get<std::string>(r);
}

TEST(DeviceSpec, HyphenatedKeyOfNetNull) {
  const DeviceSpec s = accepted("net_null2,no-rx=1");
  EXPECT_EQ(s.name, "net_null2");
  EXPECT_EQ(s.args, (std::vector<DeviceArg>{{"no-rx", "1"}}));
}

TEST(DeviceSpec, KeySyntaxesOfRteKvargs) {
  EXPECT_EQ(accepted("net_tap0,iface=tap0,persist").args,
            (std::vector<DeviceArg>{{"iface", "tap0"}, {"persist", std::nullopt}}));
  EXPECT_EQ(accepted("0000:03:00.0,representor=[0,2-3],rx_vec_en=0").args,
            (std::vector<DeviceArg>{{"representor", "[0,2-3]"}, {"rx_vec_en", "0"}}));
  EXPECT_EQ(accepted("net_x0,a.b=1,c:d=2,e/f=3,G-H_9=").args,
            (std::vector<DeviceArg>{{"a.b", "1"}, {"c:d", "2"}, {"e/f", "3"}, {"G-H_9", ""}}));
  EXPECT_EQ(accepted("net_null0,,size=64,").args, (std::vector<DeviceArg>{{"size", "64"}}));
  EXPECT_EQ(accepted("net_ring0,nodeaction=r1:0:CREATE").args,
            (std::vector<DeviceArg>{{"nodeaction", "r1:0:CREATE"}}));
}

TEST(DeviceSpec, RefusedWithAReason) {
  EXPECT_NE(refused("net_null0,=1").find("no key"), std::string::npos);
  EXPECT_NE(refused("net_null0,a=b=c").find("cannot contain '='"), std::string::npos);
  EXPECT_NE(refused("net_null0,a=[1,2").find("unbalanced"), std::string::npos);
  EXPECT_NE(refused("net_null0,a]=1").find("unbalanced"), std::string::npos);
  EXPECT_NE(refused("net_null0, a=1").find("no spaces"), std::string::npos);
  std::string many = "net_null0";
  for (int i = 0; i <= 32; ++i) many += ",k" + std::to_string(i) + "=1";
  EXPECT_NE(refused(many).find("more than 32"), std::string::npos);
}

// What we accept, rte_kvargs_parse accepts and splits into the same keys and values.
TEST(DeviceSpec, SameSplitAsRteKvargs) {
  std::string many = "net_null0";
  for (int i = 0; i < 32; ++i) many += ",k" + std::to_string(i) + "=" + std::to_string(i);
  for (std::string_view text :
       {std::string_view("net_null2,no-rx=1"), std::string_view("net_tap0,iface=tap0,persist"),
        std::string_view("0000:03:00.0,representor=[0,2-3],rx_vec_en=0"),
        std::string_view("net_x0,a.b=1,c:d=2,e/f=3,G-H_9="), std::string_view("net_null0,,size=64,"),
        std::string_view("net_pcap0,rx_pcap=/tmp/a.pcap,tx_pcap=/tmp/b.pcap"),
        std::string_view("net_bonding0,mode=1,member=0000:03:00.0,member=0000:03:00.1"),
        std::string_view(many)}) {
    const DeviceSpec ours = accepted(text);
    const std::string args(text.substr(text.find(',') + 1));
    rte_kvargs* kv = rte_kvargs_parse(args.c_str(), nullptr);
    ASSERT_NE(kv, nullptr) << text;
    ASSERT_EQ(kv->count, ours.args.size()) << text;
    for (unsigned i = 0; i < kv->count; ++i) {
      EXPECT_STREQ(kv->pairs[i].key, ours.args[i].key.c_str()) << text;
      if (ours.args[i].value) {
        ASSERT_NE(kv->pairs[i].value, nullptr) << text;
        EXPECT_STREQ(kv->pairs[i].value, ours.args[i].value->c_str()) << text;
      } else {
        EXPECT_EQ(kv->pairs[i].value, nullptr) << text;
      }
    }
    rte_kvargs_free(kv);
  }
}

TEST(DeviceSpec, KernelInterfaceNames) {
  for (const char* name : {"eth1", "ens1f0", "enp3s0", "eno1", "enp59s0f1np1", "wlan0"}) {
    EXPECT_TRUE(looks_like_kernel_interface(accepted(name))) << name;
  }
  for (const char* name : {"net_null0", "eth_ring0", "net_af_packet0,iface=eth1", "0000:03:00.0"}) {
    EXPECT_FALSE(looks_like_kernel_interface(accepted(name))) << name;
  }
}

TEST(DeviceLoad, PciPortWithNoPciIsAnErrorAtTheDeviceKey) {
  const LoadResult r = load(R"(dpdk:
  eal_args: [--no-huge, --no-pci]
ports:
  - {name: p0, device: "net_null0"}
  - {name: p1, device: "0000:03:00.0"}
)");
  EXPECT_TRUE(has_error(r, "ports[1].device", 5, "--no-pci"));
  EXPECT_EQ(r.errors.size(), 1u) << test::dump(r.errors);
  const LoadResult without = load(R"(dpdk:
  eal_args: [--no-huge]
ports:
  - {name: p1, device: "0000:03:00.0"}
)");
  EXPECT_TRUE(without.ok()) << test::dump(without.errors);
}

TEST(DeviceLoad, KernelInterfaceNameIsAWarningAtTheDeviceKey) {
  const LoadResult r = load(R"(ports:
  - {name: p0, device: "eth1"}
  - {name: p1, device: "net_af_packet0,iface=eth2"}
)");
  ASSERT_TRUE(r.ok()) << test::dump(r.errors);
  ASSERT_EQ(r.warnings.size(), 1u) << test::dump(r.warnings);
  EXPECT_EQ(r.warnings[0].path, "ports[0].device");
  EXPECT_NE(r.warnings[0].message.find("net_af_packetN,iface=eth1"), std::string::npos) << r.warnings[0].message;
}

TEST(DeviceLoad, HyphenatedDevargsLoad) {
  const LoadResult r = load(R"(ports:
  - {name: p0, device: "net_null0,no-rx=1"}
  - {name: p1, device: "net_null1,no-rx=1"}
)");
  EXPECT_TRUE(r.ok()) << test::dump(r.errors);
}

}  // namespace
}  // namespace mcsnoop::config
