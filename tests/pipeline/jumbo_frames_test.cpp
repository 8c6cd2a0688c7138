// ports[].mtu: jumbo frames end to end. The switch applies a port's configured MTU at start
// (ethdev rxmode.mtu; for net_af_packet the kernel interface's MTU and ring slots sized for it),
// sizes its mbufs for the largest one, shows it in `show ports` and /metrics, and fails the
// start when a device refuses it. On ring ethdevs (which enforce no MTU) a 9000-byte frame
// crosses whole; on net_af_packet over a veth pair (a kernel that does enforce one) it crosses
// with mtu 9000 and is dropped by the kernel at the default.
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rte_bus_vdev.h>

#include "device_test_helpers.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

HarnessVlan vlan(VlanId id) {
  HarnessVlan v;
  v.id = id;
  return v;
}

std::string vdev(const std::string& driver) {
  static unsigned seq = 0;
  return driver + "_jumbo" + std::to_string(seq++);
}

constexpr size_t kJumboFrame = 9000 + 14;  // an MTU-9000 untagged frame without FCS

// ---- ring ethdevs ----------------------------------------------------------------------------

TEST(JumboFrames, TheConfiguredMtuIsInForceAndShown) {
  SwitchHarness sw({{.name = "a", .port_mtu = 9000}, {.name = "b", .port_mtu = 9000}, {.name = "c", .vlan = 2}},
                   {vlan(1), vlan(2)});
  const json ports = sw.control().show_ports();
  EXPECT_EQ(port_of(ports, "a")["mtu"], 9000);
  EXPECT_EQ(port_of(ports, "b")["mtu"], 9000);
  EXPECT_EQ(port_of(ports, "c")["mtu"], 1500) << "unset: the device's default";
  const std::string page = sw.control().render_metrics();
  EXPECT_EQ(metric(page, "mcsnoop_port_mtu_bytes", "a"), 9000);
  EXPECT_EQ(metric(page, "mcsnoop_port_mtu_bytes", "c"), 1500);
  uint16_t mtu = 0;
  ASSERT_EQ(rte_eth_dev_get_mtu(sw.dp().port_info(sw.port("a")).dpdk_port, &mtu), 0);
  EXPECT_EQ(mtu, 9000) << "ethdev has it (rxmode.mtu), not only the switch";
  // Every frame of the largest MTU fits one packet mbuf (+ Ethernet header, two tags, CRC).
  EXPECT_GE(rte_pktmbuf_data_room_size(sw.dp().packet_pool()) - RTE_PKTMBUF_HEADROOM, 9000u + 14 + 8 + 4);
}

TEST(JumboFrames, WithoutAnMtuThePacketPoolKeepsItsDefaultMbufs) {
  SwitchHarness sw({{.name = "a"}, {.name = "b"}}, {vlan(1)});
  EXPECT_EQ(rte_pktmbuf_data_room_size(sw.dp().packet_pool()), RTE_MBUF_DEFAULT_BUF_SIZE);
  EXPECT_EQ(port_of(sw.control().show_ports(), "a")["mtu"], 1500);
}

// The frame with an 802.1Q tag inserted after the MAC addresses.
std::vector<uint8_t> tagged(const std::vector<uint8_t>& frame, VlanId vid) {
  std::vector<uint8_t> f = frame;
  f.insert(f.begin() + 12, {0x81, 0x00, static_cast<uint8_t>(vid >> 8), static_cast<uint8_t>(vid & 0xff)});
  return f;
}

// A frame received as a chain (a NIC with RX scatter) crosses whole, untagged to an access
// port and tagged to a trunk (a header mbuf chained to the payload).
TEST(JumboFrames, A9000ByteFrameCrossesJumboPortsWhole) {
  SwitchHarness sw({{.name = "a", .port_mtu = 9000},
                    {.name = "b", .port_mtu = 9000},
                    {.name = "t", .mode = dataplane::VlanMode::Trunk, .allowed = {1}, .port_mtu = 9000}},
                   {vlan(1)});
  const std::vector<uint8_t> frame = broadcast_of(kJumboFrame, 1);
  sw.inject_segments("a", frame, 2000);
  sw.step();
  const std::vector<Captured> b = sw.capture("b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].bytes, frame);
  const std::vector<Captured> t = sw.capture("t");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].bytes, tagged(frame, 1));
}

// ---- live reload ------------------------------------------------------------------------------

// The running settings of a harness with port `port`'s MTU replaced, reloaded
// (ControlPlane::reconfigure, what `mcsnoopctl reload` ends in).
bool reload_mtus(SwitchHarness& sw, const std::map<std::string, std::optional<uint16_t>>& mtus, std::string* err) {
  dataplane::SwitchSpec spec = sw.dp().spec();
  for (const auto& [name, mtu] : mtus) spec.ports[sw.port(name)].mtu = mtu;
  return sw.control().reconfigure(sw.control().engine().config(), spec, err);
}

uint16_t ethdev_mtu(SwitchHarness& sw, const std::string& port) {
  uint16_t mtu = 0;
  EXPECT_EQ(rte_eth_dev_get_mtu(sw.dp().port_info(sw.port(port)).dpdk_port, &mtu), 0);
  return mtu;
}

uint64_t tx_oversize(SwitchHarness& sw) {
  const json stats = sw.control().show_stats();
  const json& v = stats["control"]["tx_oversize"];
  return v.is_number_unsigned() ? v.get<uint64_t>() : 0;
}

// net_null can change its MTU while started. The control plane's own frames follow the new MTU
// at once: at 68 the 90-byte MLDv2 general query no longer fits the port (control.tx_oversize).
TEST(JumboFrames, AReloadChangesTheMtuLiveWhereTheDeviceAllows) {
  HarnessVlan v = vlan(1);
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.querier.address6 = ip("fe80::254");
  v.timers.query_interval = seconds(8);  // startup queries QI/4 = 2 s apart
  SwitchHarness sw({{.name = "r", .port_mtu = 9000},
                    {.name = "n", .device = vdev("net_null") + ",no-rx=1", .port_mtu = 9000}},
                   {v});
  std::string err;
  ASSERT_TRUE(reload_mtus(sw, {{"n", 4000}}, &err)) << err;
  EXPECT_EQ(ethdev_mtu(sw, "n"), 4000);
  EXPECT_EQ(port_of(sw.control().show_ports(), "n")["mtu"], 4000);
  EXPECT_EQ(sw.dp().spec().ports[sw.port("n")].mtu, 4000);
  ASSERT_TRUE(reload_mtus(sw, {{"n", std::nullopt}}, &err)) << err;
  EXPECT_EQ(port_of(sw.control().show_ports(), "n")["mtu"], 1500) << "unset: the default again";

  const uint64_t before = tx_oversize(sw);
  ASSERT_TRUE(reload_mtus(sw, {{"n", 68}}, &err)) << err;
  sw.advance(seconds(3));  // the next startup queries (QI/4 = 2 s)
  EXPECT_GT(tx_oversize(sw), before) << "the MLD query is longer than the new MTU allows";
  unsigned mld = 0;
  for (const Captured& c : sw.capture("r")) mld += c.info().cls == net::FrameClass::MldControl ? 1 : 0;
  EXPECT_EQ(mld, 0u) << "no port gets it: it does not fit all of them";
}

// A device that cannot change its MTU while started (net_ring has no mtu_set) refuses the
// reload, naming the port; the other port's change in the same reload is set back.
TEST(JumboFrames, AReloadTheDeviceCannotTakeLiveIsRefusedAndChangesNothing) {
  SwitchHarness sw({{.name = "n", .device = vdev("net_null") + ",no-rx=1", .port_mtu = 9000},
                    {.name = "r", .port_mtu = 9000}},
                   {vlan(1)});
  std::string err;
  EXPECT_FALSE(reload_mtus(sw, {{"n", 4000}, {"r", 1500}}, &err));
  EXPECT_NE(err.find("ports[r].mtu: 9000 -> 1500 cannot be applied while running"), std::string::npos) << err;
  EXPECT_NE(err.find("restart"), std::string::npos) << err;
  EXPECT_EQ(ethdev_mtu(sw, "n"), 9000) << "set back";
  EXPECT_EQ(port_of(sw.control().show_ports(), "n")["mtu"], 9000);
  EXPECT_EQ(sw.dp().spec().ports[sw.port("n")].mtu, 9000);
  EXPECT_EQ(port_of(sw.control().show_ports(), "r")["mtu"], 9000);
}

// The packet mbufs are sized at start: a device without RX scatter cannot take a larger MTU
// than they hold without a restart.
TEST(JumboFrames, AReloadBeyondTheMbufsSizedAtStartNeedsARestart) {
  SwitchHarness sw({{.name = "r"}, {.name = "n", .device = vdev("net_null") + ",no-rx=1"}}, {vlan(1)});
  std::string err;
  EXPECT_FALSE(reload_mtus(sw, {{"n", 9000}}, &err));
  EXPECT_NE(err.find("ports[n].mtu: unset -> 9000"), std::string::npos) << err;
  EXPECT_NE(err.find("mbufs were sized at start"), std::string::npos) << err;
  EXPECT_EQ(ethdev_mtu(sw, "n"), 1500);
  EXPECT_TRUE(reload_mtus(sw, {{"n", 1800}}, &err)) << "within the 2048-byte mbufs: " << err;
  EXPECT_EQ(ethdev_mtu(sw, "n"), 1800);
}

// ---- net_af_packet on a veth pair in a network namespace of the test's own -------------------

// The kernel's view of an interface of the thread's namespace (sysfs shows the mount's).
uint16_t kernel_mtu(const char* iface) {
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int rc = ioctl(s, SIOCGIFMTU, &ifr);
  close(s);
  return rc == 0 ? static_cast<uint16_t>(ifr.ifr_mtu) : 0;
}

rtnl_link_stats kernel_stats(const char* iface) {
  rtnl_link_stats out{};
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return out;
  for (ifaddrs* a = all; a != nullptr; a = a->ifa_next)
    if (a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_PACKET && a->ifa_data != nullptr &&
        std::strcmp(a->ifa_name, iface) == 0)
      out = *static_cast<const rtnl_link_stats*>(a->ifa_data);
  freeifaddrs(all);
  return out;
}

// A raw AF_PACKET socket sending on `iface` (the host on the other end of a switch port).
class RawSender {
 public:
  explicit RawSender(const char* iface) {
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: receives nothing
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_ifindex = static_cast<int>(if_nametoindex(iface));
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << std::strerror(errno);
  }
  ~RawSender() {
    if (fd_ >= 0) close(fd_);
  }
  bool send(const std::vector<uint8_t>& frame) {
    return ::send(fd_, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
  }

 private:
  int fd_ = -1;
};

// Steps the switch until port `out` has sent a frame from source id `src` (or 5 s passed);
// every frame `out` sent meanwhile.
std::vector<Captured> until_frame_from(SwitchHarness& sw, const std::string& out, uint8_t src) {
  std::vector<Captured> got;
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    sw.step();
    for (Captured& c : sw.capture(out)) got.push_back(std::move(c));
    if (std::any_of(got.begin(), got.end(), [&](const Captured& c) { return c.bytes.size() > 11 && c.bytes[11] == src; }))
      break;
  }
  return got;
}

// With mtu 9000 the switch sizes the af_packet ring for it (no framesz in the device string) and
// sets the kernel interface's MTU: a 9014-byte frame from the host crosses to the ring port
// whole, and one from the ring port leaves through the kernel to the host.
TEST(JumboFrames, AnAfPacketPortWithMtu9000CarriesJumboFramesBothWays) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  ASSERT_EQ(std::system("ip link set nicB mtu 9000"), 0) << "the host's side";
  SwitchHarness sw({{.name = "r", .port_mtu = 9000},
                    {.name = "x", .device = vdev("net_af_packet") + ",iface=nicA", .port_mtu = 9000},
                    {.name = "flat",
                     .mode = dataplane::VlanMode::Trunk,
                     .allowed = {1},
                     .tx_multi_seg = false,
                     .port_mtu = 9000}},
                   {vlan(1)});
  EXPECT_EQ(kernel_mtu("nicA"), 9000) << "the switch set its interface's MTU";
  EXPECT_EQ(port_of(sw.control().show_ports(), "x")["mtu"], 9000) << "shown although ethdev does not track it";
  EXPECT_EQ(metric(sw.control().render_metrics(), "mcsnoop_port_mtu_bytes", "x"), 9000);

  // Several frames, so that the ring's later slots (and blocks) are read as well as the first.
  RawSender host("nicB");
  constexpr uint8_t kFrames = 6;
  for (uint8_t src = 1; src <= kFrames; ++src) ASSERT_TRUE(host.send(broadcast_of(kJumboFrame, src))) << std::strerror(errno);
  const std::vector<uint8_t> in = broadcast_of(kJumboFrame, 1);
  const std::vector<Captured> got = until_frame_from(sw, "r", kFrames);
  ASSERT_EQ(got.size(), kFrames);
  for (uint8_t i = 0; i < kFrames; ++i)
    EXPECT_EQ(got[i].bytes, broadcast_of(kJumboFrame, static_cast<uint8_t>(i + 1)))
        << "frame " << int{i} << " whole, not cut at the default 2048-byte ring slot";
  // A port without MULTI_SEGS gets the tagged frame as one flat copy, from the switch's packet
  // pool, whose mbufs hold it (with 2048-byte mbufs it would be dropped as tx_no_multiseg).
  const std::vector<Captured> flat = sw.capture("flat");
  ASSERT_EQ(flat.size(), kFrames);
  EXPECT_EQ(flat[0].nb_segs, 1u);
  EXPECT_EQ(flat[0].bytes, tagged(in, 1));

  const rtnl_link_stats before = kernel_stats("nicB");
  sw.inject_segments("r", broadcast_of(kJumboFrame, 2), 2000);
  sw.step();
  const json nic = port_of(sw.control().show_ports(), "x")["nic"];
  EXPECT_EQ(nic["opackets"], 1u) << nic.dump();
  EXPECT_EQ(nic["oerrors"], 0u) << nic.dump();
  rtnl_link_stats after = kernel_stats("nicB");
  for (const auto deadline = std::chrono::steady_clock::now() + seconds(5);
       after.rx_packets == before.rx_packets && std::chrono::steady_clock::now() < deadline;)
    after = kernel_stats("nicB");
  EXPECT_EQ(after.rx_packets - before.rx_packets, 1u);
  EXPECT_EQ(after.rx_bytes - before.rx_bytes, kJumboFrame) << "the host got the whole frame";
}

// At the default MTU the kernel drops the host's jumbo frame before the switch can see it (as a
// NIC would, counting it in its own statistics); a short frame sent after it still crosses.
TEST(JumboFrames, AnAfPacketPortAtTheDefaultMtuNeverSeesJumboFrames) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  ASSERT_EQ(std::system("ip link set nicB mtu 9000"), 0);
  SwitchHarness sw({{.name = "r", .port_mtu = 9000}, {.name = "x", .device = vdev("net_af_packet") + ",iface=nicA"}},
                   {vlan(1)});
  EXPECT_EQ(kernel_mtu("nicA"), 1500) << "left as it was";
  EXPECT_EQ(port_of(sw.control().show_ports(), "x")["mtu"], 1500);
  const rtnl_link_stats a0 = kernel_stats("nicA"), b0 = kernel_stats("nicB");
  RawSender host("nicB");
  host.send(broadcast_of(kJumboFrame, 1));  // the veth reports its drop to the sender (ENOBUFS)
  ASSERT_TRUE(host.send(broadcast_of(64, 2)));
  const std::vector<Captured> got = until_frame_from(sw, "r", 2);
  ASSERT_EQ(got.size(), 1u) << "the short frame only";
  EXPECT_EQ(got[0].bytes.size(), 64u);
  const rtnl_link_stats a1 = kernel_stats("nicA"), b1 = kernel_stats("nicB");
  EXPECT_EQ(b1.tx_dropped - b0.tx_dropped, 1u) << "the kernel counted the drop";
  EXPECT_EQ(a1.rx_dropped - a0.rx_dropped, 1u) << "on both ends of the pair";
}

// An af_packet port takes a new MTU live (its kernel interface's) within the ring slots sized
// at start; beyond them a restart is needed.
TEST(JumboFrames, AnAfPacketPortTakesAnMtuChangeLiveWithinItsRing) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  SwitchHarness sw({{.name = "r", .port_mtu = 9000},
                    {.name = "x", .device = vdev("net_af_packet") + ",iface=nicA", .port_mtu = 9000}},
                   {vlan(1)});
  std::string err;
  ASSERT_TRUE(reload_mtus(sw, {{"x", 1500}}, &err)) << err;
  EXPECT_EQ(kernel_mtu("nicA"), 1500);
  EXPECT_EQ(port_of(sw.control().show_ports(), "x")["mtu"], 1500);
  EXPECT_FALSE(reload_mtus(sw, {{"x", 9600}}, &err));
  EXPECT_NE(err.find("ports[x].mtu: 1500 -> 9600"), std::string::npos) << err;
  EXPECT_NE(err.find("ring slots"), std::string::npos) << err;
  EXPECT_EQ(kernel_mtu("nicA"), 1500);
  ASSERT_TRUE(reload_mtus(sw, {{"x", 9000}}, &err)) << err;
  EXPECT_EQ(kernel_mtu("nicA"), 9000);
}

// A device that refuses the MTU fails the start, naming the port and why: a macvlan cannot have
// an MTU above its lower device's (nicA, 1500).
TEST(JumboFrames, AnInterfaceThatRefusesTheMtuFailsTheStart) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  ASSERT_EQ(std::system("ip link add mv0 link nicA type macvlan mode bridge && ip link set mv0 up"), 0);
  const std::string dev = vdev("net_af_packet");
  dataplane::SwitchSpec spec;
  spec.lcores = {.workers = {1}};
  spec.mac_table_size = 1024;
  spec.mft_capacity = 1024;
  spec.mbufs = 4095;
  dataplane::PortSpec ps;
  ps.name = "x";
  ps.device = dev + ",iface=mv0";
  ps.mtu = 9000;
  spec.ports.push_back(ps);
  std::string err;
  EXPECT_EQ(app::Switch::create(spec, &err), nullptr);
  EXPECT_NE(err.find("ports[0].mtu: cannot set the MTU of interface mv0 to 9000"), std::string::npos) << err;
  EXPECT_EQ(kernel_mtu("mv0"), 1500) << "never another MTU in silence";
  rte_vdev_uninit(dev.c_str());
}

// ---- the egress MTU --------------------------------------------------------------------------

uint64_t mtu_drops(SwitchHarness& sw, const std::string& port) {
  return sw.dp().port_counters(sw.port(port)).drops[static_cast<size_t>(dataplane::Drop::TxMtuExceeded)];
}

// A frame longer than an egress port's MTU allows is not sent there: it is dropped on that port
// and counted (tx_mtu_exceeded), while ports whose MTU holds it get it. A port takes its MTU
// plus the Ethernet header and one VLAN tag (as the Linux bridge does): a full-size tagged
// frame still reaches a trunk at the default MTU.
TEST(JumboFrames, AFrameLongerThanTheEgressMtuIsDroppedThereAndCounted) {
  SwitchHarness sw({{.name = "a", .port_mtu = 9000},
                    {.name = "b", .port_mtu = 9000},
                    {.name = "c"},
                    {.name = "t", .mode = dataplane::VlanMode::Trunk, .allowed = {1}}},
                   {vlan(1)});
  sw.inject_segments("a", broadcast_of(kJumboFrame, 1), 2000);
  sw.step();
  EXPECT_EQ(sw.capture("b").size(), 1u);
  EXPECT_TRUE(sw.capture("c").empty()) << "9014 bytes do not fit an MTU of 1500";
  EXPECT_TRUE(sw.capture("t").empty());
  EXPECT_EQ(mtu_drops(sw, "c"), 1u);
  EXPECT_EQ(mtu_drops(sw, "t"), 1u);
  EXPECT_EQ(mtu_drops(sw, "b"), 0u);

  // The longest frames an MTU of 1500 allows: 1514 bytes untagged, 1518 with the trunk's tag.
  const std::vector<uint8_t> full = broadcast_of(1500 + 14, 2);
  sw.inject("a", full);
  sw.step();
  const std::vector<Captured> c = sw.capture("c");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].bytes, full);
  const std::vector<Captured> t = sw.capture("t");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].bytes, tagged(full, 1));
  EXPECT_EQ(mtu_drops(sw, "c"), 1u) << "nothing more dropped";
  EXPECT_EQ(mtu_drops(sw, "t"), 1u);
}

// The limit follows a reload of the port's MTU at once (net_null takes an MTU change live; it
// cannot send chains, so the frame is one the harness sends in one mbuf).
TEST(JumboFrames, TheEgressLimitFollowsAReloadedMtu) {
  SwitchHarness sw({{.name = "r", .port_mtu = 9000},
                    {.name = "n", .device = vdev("net_null") + ",no-rx=1", .port_mtu = 2000}},
                   {vlan(1)});
  const std::vector<uint8_t> frame = broadcast_of(1800, 3);
  const auto sent = [&] { return sw.dp().port_counters(sw.port("n")).tx_packets; };
  const uint64_t before = sent();
  sw.inject("r", frame);
  sw.step();
  EXPECT_EQ(sent(), before + 1) << "1800 bytes fit an MTU of 2000";
  EXPECT_EQ(mtu_drops(sw, "n"), 0u);

  std::string err;
  ASSERT_TRUE(reload_mtus(sw, {{"n", std::nullopt}}, &err)) << err;
  sw.inject("r", frame);
  sw.step();
  EXPECT_EQ(sent(), before + 1) << "not sent at the default MTU of 1500";
  EXPECT_EQ(mtu_drops(sw, "n"), 1u);

  ASSERT_TRUE(reload_mtus(sw, {{"n", 2000}}, &err)) << err;
  sw.inject("r", frame);
  sw.step();
  EXPECT_EQ(sent(), before + 2);
  EXPECT_EQ(mtu_drops(sw, "n"), 1u);
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("mtu-jumbo-pl", "0-1"));
  return RUN_ALL_TESTS();
}
