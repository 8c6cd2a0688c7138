// The counters only a real device moves (issue 10: "a counter that never moves in any test is not
// done"). The ring ethdevs of the other pipeline tests count packets and nothing else, and they
// cannot change their MTU, so here the switch gets ports on DPDK 22.11's virtual PMDs that do
// count, probed from the same device strings a configuration's `ports[].device` holds:
//   net_pcap, rx_pcap file:   rx_nombuf (no mbuf for a frame), ierrors (no mbuf to chain a frame
//                             longer than one mbuf onto)            pcap_ethdev.c eth_pcap_rx
//   net_pcap, rx_iface:       imissed (the kernel's drops, pcap_stats ps_drop, while the switch
//                             does not read)                        queue_missed_stat_update
//   net_af_packet:            oerrors (a frame longer than the TX ring's frame) eth_af_packet_tx
//   net_null:                 an MTU that can be set (eth_mtu_set), for control.tx_oversize
// Each counter is read where operators read it: `show ports` / `show stats` and the /metrics page.
// docs/control-socket.md, "Counters and the tests that move them", names the PMD lines that count
// and the counters no virtual device can move.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "device_test_helpers.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

HarnessVlan vlan1() {
  HarnessVlan v;
  v.id = 1;
  return v;
}

// A vdev name no other harness of this process used (the PMDs keep their names until removed).
std::string vdev(const std::string& driver) {
  static unsigned seq = 0;
  return driver + "_nic" + std::to_string(seq++);
}

// The NIC counters `show ports` reports for `port`.
json nic_of(SwitchHarness& sw, const std::string& port) { return port_of(sw.control().show_ports(), port)["nic"]; }

uint64_t u64(const json& v) { return v.is_number_unsigned() ? v.get<uint64_t>() : 0; }

// A pcap savefile (microsecond timestamps, Ethernet) holding `frames`, written for net_pcap's
// rx_pcap; removed with the object.
class PcapFile {
 public:
  explicit PcapFile(const std::vector<std::vector<uint8_t>>& frames) {
    static unsigned seq = 0;
    path_ = ::testing::TempDir() + "mcsnoop-nic-" + std::to_string(getpid()) + "-" + std::to_string(seq++) + ".pcap";
    std::ofstream out(path_, std::ios::binary);
    const uint32_t global[6] = {0xa1b2c3d4, 2 | (4u << 16), 0, 0, 65535, 1};  // magic, 2.4, zone, sigfigs, snaplen, EN10MB
    out.write(reinterpret_cast<const char*>(global), sizeof(global));
    uint32_t ts = 1;
    for (const std::vector<uint8_t>& f : frames) {
      const uint32_t rec[4] = {ts++, 0, static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size())};
      out.write(reinterpret_cast<const char*>(rec), sizeof(rec));
      out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
    }
    EXPECT_TRUE(out.good()) << path_;
  }
  ~PcapFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Holds every free mbuf of a pool (the test thread's lcore cache first, then the pool), as a
// switch whose mbufs all wait in queues would; give_back() returns some.
class Hoard {
 public:
  explicit Hoard(rte_mempool* pool) {
    for (rte_mbuf* m; (m = rte_pktmbuf_alloc(pool)) != nullptr;) held_.push_back(m);
  }
  ~Hoard() { give_back(held_.size()); }
  void give_back(size_t n) {
    for (; n > 0 && !held_.empty(); --n) {
      rte_pktmbuf_free(held_.back());
      held_.pop_back();
    }
  }
  size_t size() const { return held_.size(); }

 private:
  std::vector<rte_mbuf*> held_;
};

// ---- net_pcap on a savefile: rx_nombuf and ierrors ------------------------------------------

// A frame the PMD has read but finds no mbuf for is lost and counted as rx_nombuf
// (pcap_ethdev.c eth_pcap_rx: rte_pktmbuf_alloc == NULL -> rx_stat.rx_nombuf++). Once mbufs are
// back the next frames arrive and are forwarded.
TEST(DeviceCounters, FramesArrivingWithTheMbufPoolEmptyAreCountedAsRxNombuf) {
  const PcapFile file({broadcast_of(64, 1), broadcast_of(64, 2), broadcast_of(64, 3)});
  SwitchHarness sw({{.name = "r"}, {.name = "p", .device = vdev("net_pcap") + ",rx_pcap=" + file.path()}}, {vlan1()},
                   seconds(300), {.step_at_start = false});
  {
    Hoard hoard(sw.dp().packet_pool());
    ASSERT_GT(hoard.size(), 0u);
    sw.poll_data_path();
    const json nic = nic_of(sw, "p");
    EXPECT_GE(u64(nic["rx_nombuf"]), 1u) << nic.dump();
    EXPECT_EQ(nic["ipackets"], 0u) << nic.dump();
    EXPECT_EQ(nic["ierrors"], 0u) << nic.dump();
  }
  sw.step();
  const json nic = nic_of(sw, "p");
  EXPECT_EQ(u64(nic["rx_nombuf"]) + u64(nic["ipackets"]), 3u) << "each frame either arrived or was lost: " << nic.dump();
  EXPECT_GE(nic["ipackets"], 1u) << nic.dump();
  EXPECT_EQ(sw.capture("r").size(), u64(nic["ipackets"])) << "what arrived was flooded";
  const std::string page = sw.control().render_metrics();
  EXPECT_EQ(metric(page, "mcsnoop_nic_rx_nombuf_total", "p"), static_cast<double>(u64(nic["rx_nombuf"])));
  EXPECT_EQ(metric(page, "mcsnoop_nic_rx_nombuf_total", "r"), 0);
}

// A frame longer than one mbuf's data room is read into a chain (the switch's pool has 2048-byte
// rooms, net_pcap offers no RX scatter and chains by itself); when the pool has the first mbuf
// but not the second, the frame is lost and counted as ierrors (pcap_ethdev.c eth_pcap_rx:
// eth_pcap_rx_jumbo == -1 -> rx_stat.err_pkts++), not as rx_nombuf.
TEST(DeviceCounters, AFrameThatCannotBeChainedForWantOfMbufsIsCountedAsIerrors) {
  const PcapFile file({broadcast_of(3000, 1), broadcast_of(64, 2)});
  SwitchHarness sw({{.name = "r"}, {.name = "p", .device = vdev("net_pcap") + ",rx_pcap=" + file.path()}}, {vlan1()},
                   seconds(300), {.step_at_start = false});
  {
    Hoard hoard(sw.dp().packet_pool());
    ASSERT_GT(hoard.size(), 1u);
    hoard.give_back(1);  // room for the first segment only
    sw.poll_data_path();
    sw.poll_data_path();  // the short frame needs one mbuf: the one the long frame gave back
  }
  sw.step();
  const json nic = nic_of(sw, "p");
  EXPECT_EQ(nic["ierrors"], 1u) << nic.dump();
  EXPECT_EQ(nic["rx_nombuf"], 0u) << nic.dump();
  EXPECT_EQ(nic["ipackets"], 1u) << nic.dump();
  const std::vector<Captured> out = sw.capture("r");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes.size(), 64u) << "the short frame is the one that went through";
  EXPECT_EQ(metric(sw.control().render_metrics(), "mcsnoop_nic_rx_errors_total", "p"), 1);
}

// ---- devices on a veth pair in a network namespace of the test's own -------------------------

// A raw AF_PACKET socket sending on `iface` (the link partner of a switch port).
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
  // Frames the kernel took.
  unsigned send(const std::vector<uint8_t>& frame, unsigned count) {
    unsigned sent = 0;
    for (unsigned i = 0; i < count; ++i)
      if (::send(fd_, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size())) ++sent;
    return sent;
  }

 private:
  int fd_ = -1;
};

// af_packet drops a frame longer than its TX ring's frames (framesz less the tpacket2 header:
// 1024 - 32 = 992 bytes) and counts it as oerrors (rte_eth_af_packet.c eth_af_packet_tx: "drop
// oversized packets", err_pkts += i - num_tx). A frame that fits goes out and is not counted.
TEST(DeviceCounters, AFrameLongerThanTheAfPacketFrameIsCountedAsOerrors) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  SwitchHarness sw({{.name = "a"},
                    {.name = "b"},
                    {.name = "x", .device = vdev("net_af_packet") + ",iface=nicA,framesz=1024,framecnt=64"}},
                   {vlan1()});
  sw.send("a", broadcast_of(600, 1));
  json nic = nic_of(sw, "x");
  EXPECT_EQ(nic["opackets"], 1u) << nic.dump();
  EXPECT_EQ(nic["oerrors"], 0u) << nic.dump();
  const auto out = sw.send("a", broadcast_of(1200, 1));
  EXPECT_EQ(out.at("b").size(), 1u) << "the frame itself is fine: the ring port sends it";
  nic = nic_of(sw, "x");
  EXPECT_EQ(nic["opackets"], 1u) << nic.dump();
  EXPECT_EQ(nic["oerrors"], 1u) << nic.dump();
  EXPECT_EQ(port_of(sw.control().show_ports(), "b")["nic"]["oerrors"], 0u);
  EXPECT_EQ(metric(sw.control().render_metrics(), "mcsnoop_nic_tx_errors_total", "x"), 1);
}

// While the switch does not read a net_pcap port on an interface, the kernel's capture ring
// (libpcap's 2 MB buffer) fills and the kernel drops what follows; libpcap reports those drops
// as ps_drop, net_pcap as imissed (pcap_ethdev.c queue_missed_stat_update / eth_stats_get). The
// harness steps the data path by hand, so "not reading" is simply not stepping it.
TEST(DeviceCounters, KernelDropsWhileTheSwitchDoesNotReadAreCountedAsImissed) {
  VethNamespace ns;
  if (!ns.skip_reason().empty()) GTEST_SKIP() << ns.skip_reason();
  SwitchHarness sw({{.name = "r"}, {.name = "p", .device = vdev("net_pcap") + ",rx_iface=nicA"}}, {vlan1()});
  ASSERT_EQ(nic_of(sw, "p")["imissed"], 0u);
  RawSender partner("nicB");
  const std::vector<uint8_t> frame = broadcast_of(1514, 7);
  uint64_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  json nic = nic_of(sw, "p");
  while (u64(nic["imissed"]) == 0 && std::chrono::steady_clock::now() < deadline) {
    sent += partner.send(frame, 500);  // 500 x 1514 bytes: the buffer holds about 1,300 of them
    nic = nic_of(sw, "p");
  }
  EXPECT_GT(u64(nic["imissed"]), 0u) << sent << " frames sent; " << nic.dump();
  EXPECT_LT(u64(nic["imissed"]), sent);
  EXPECT_EQ(nic["ipackets"], 0u) << "nothing was read";
  EXPECT_EQ(metric(sw.control().render_metrics(), "mcsnoop_nic_rx_missed_total", "p"),
            static_cast<double>(u64(nic_of(sw, "p")["imissed"])));
}

// ---- control.tx_oversize ---------------------------------------------------------------------

// The control plane sends no frame longer than its egress ports' MTU (plus the Ethernet header)
// allows: with a port of MTU 68 (the least DPDK accepts; net_null can set it, a ring device
// cannot) in the VLAN, the 90-byte MLDv2 general query does not fit and is counted as
// control.tx_oversize, while the 50-byte IGMPv3 general query still goes out.
TEST(DeviceCounters, AQueryLongerThanAnEgressMtuAllowsIsCountedAsTxOversize) {
  HarnessVlan v = vlan1();
  v.querier.enabled = true;
  v.querier.address = ip("10.0.0.254");
  v.querier.address6 = ip("fe80::254");
  v.timers.query_interval = seconds(8);  // startup queries QI/4 = 2 s apart
  SwitchHarness sw({{.name = "r"}, {.name = "n", .device = vdev("net_null") + ",no-rx=1", .mtu = 68}}, {v});
  const uint64_t at_start = u64(sw.control().show_stats()["control"]["tx_oversize"]);
  EXPECT_GE(at_start, 1u) << "the first MLD startup query";
  sw.advance(seconds(3));  // the second startup queries
  unsigned igmp = 0, mld = 0;
  for (const Captured& c : sw.capture("r")) {
    const net::FrameClass cls = c.info().cls;
    if (cls == net::FrameClass::IgmpControl) ++igmp;
    if (cls == net::FrameClass::MldControl) ++mld;
  }
  EXPECT_GE(igmp, 1u) << "the IGMP query fits";
  EXPECT_EQ(mld, 0u) << "no port gets the MLD query: it does not fit all of them";
  const uint64_t now = u64(sw.control().show_stats()["control"]["tx_oversize"]);
  EXPECT_GT(now, at_start);
  EXPECT_EQ(metric(sw.control().render_metrics(), "mcsnoop_control_tx_oversize_total"), static_cast<double>(now));
}

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("nic-device-counters-pl", "0-1"));
  return RUN_ALL_TESTS();
}
