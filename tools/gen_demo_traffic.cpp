// gen_demo_traffic: writes the traffic of the README demo (scripts/demo.sh), one pcap per port
// and phase, named OUTDIR/<phase>-<port>.pcap, and prints a manifest line per file:
//
//   <phase> <port> <frames> <path>
//
// The demo is one VLAN with four access ports:
//   router  the upstream multicast router (10.0.0.1, fe80::1), which sends the data
//   h1      10.0.0.11, joins 239.1.1.1 with IGMPv2
//   h2      10.0.0.12, joins 239.2.2.2 with IGMPv3 and ff0e::1:1 with MLDv2
//   h3      10.0.0.13, joins nothing
// Phase 1: the router sends an IGMPv3 and an MLDv2 general query (so it becomes a router port).
// Phase 2: the hosts join; h3 only asks (ARP, broadcast) for the router.
// Phase 3: the router sends multicast data to joined, unjoined and link-local groups and answers
//          h3's ARP; h1 sends unicast to h2.
// The phases must reach the switch in order, each after the previous one took effect: the demo
// script replays them one by one and waits on the switch's state in between. Timestamps say the
// same (phase N at N seconds past a fixed epoch), so the output is the same on every run and
// tools/pcap_summary can put the ports' frames back in order.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "mcsnoop/net/build.hpp"
#include "mcsnoop/net/pcap_file.hpp"

namespace {

using namespace mcsnoop::net;

struct Host {
  const char* name;
  MacAddr mac;
  IpAddr ipv4;
  IpAddr ipv6;  // link-local; unspecified when the host does not speak IPv6 here
};

IpAddr ip(const char* text) {
  const auto a = IpAddr::parse(text);
  if (!a) {
    std::fprintf(stderr, "gen_demo_traffic: bad address in the scenario: %s\n", text);
    std::exit(2);
  }
  return *a;
}

constexpr uint64_t kEpochNs = 1'704'067'200ULL * 1'000'000'000ULL;  // 2024-01-01T00:00:00Z
constexpr uint64_t kPhaseNs = 1'000'000'000ULL;
constexpr uint64_t kFrameGapNs = 1'000'000ULL;  // 1 ms between frames of a phase

// Frames per (phase, port), stamped in the order they are added.
class Traffic {
 public:
  void add(int phase, const Host& from, std::vector<uint8_t> frame) {
    const uint64_t ts = kEpochNs + static_cast<uint64_t>(phase) * kPhaseNs + next_[phase]++ * kFrameGapNs;
    files_[{phase, from.name}].push_back({ts, std::move(frame)});
  }

  bool write(const std::string& dir) const {
    for (const auto& [key, frames] : files_) {
      std::string path = dir;
      path.append("/").append(std::to_string(key.first)).append("-").append(key.second).append(".pcap");
      PcapWriter w;
      bool ok = w.open(path);
      for (const auto& [ts, frame] : frames) ok = ok && w.write(frame, ts);
      ok = w.close() && ok;
      if (!ok) {
        std::fprintf(stderr, "gen_demo_traffic: %s: %s\n", path.c_str(),
                     w.error().empty() ? "write failed" : w.error().c_str());
        return false;
      }
      std::printf("%d %s %zu %s\n", key.first, key.second.c_str(), frames.size(), path.c_str());
    }
    return true;
  }

 private:
  std::map<int, uint64_t> next_;
  std::map<std::pair<int, std::string>, std::vector<std::pair<uint64_t, std::vector<uint8_t>>>> files_;
};

// ARP over Ethernet (RFC 826): a broadcast request, or a reply unicast to the asker.
std::vector<uint8_t> arp(bool request, const Host& sender, const Host& target) {
  std::vector<uint8_t> f;
  const MacAddr dst = request ? MacAddr::broadcast() : target.mac;
  f.insert(f.end(), dst.b.begin(), dst.b.end());
  f.insert(f.end(), sender.mac.b.begin(), sender.mac.b.end());
  const uint8_t head[] = {0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, request ? uint8_t{1} : uint8_t{2}};
  f.insert(f.end(), std::begin(head), std::end(head));
  f.insert(f.end(), sender.mac.b.begin(), sender.mac.b.end());
  f.insert(f.end(), sender.ipv4.v4_ptr(), sender.ipv4.v4_ptr() + 4);
  const MacAddr tha = request ? MacAddr{} : target.mac;
  f.insert(f.end(), tha.b.begin(), tha.b.end());
  f.insert(f.end(), target.ipv4.v4_ptr(), target.ipv4.v4_ptr() + 4);
  f.resize(kEthernetMinFrameLen, 0);
  return f;
}

// A datagram whose payload starts with its sequence number, so no two frames of a stream are
// identical and every copy the switch sends can be traced to the one frame it came from.
std::vector<uint8_t> datagram(const Host& from, const IpAddr& src, const IpAddr& dst, uint16_t port,
                              uint32_t seq, const FrameOptions& o) {
  std::vector<uint8_t> payload(32);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
  payload[0] = static_cast<uint8_t>(seq >> 24);
  payload[1] = static_cast<uint8_t>(seq >> 16);
  payload[2] = static_cast<uint8_t>(seq >> 8);
  payload[3] = static_cast<uint8_t>(seq);
  FrameOptions opts = o;
  opts.src_mac = from.mac;
  return build(UdpDatagram{.src = src, .dst = dst, .src_port = port, .dst_port = port, .payload = payload},
               opts);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: gen_demo_traffic OUTDIR\n", stderr);
    return 2;
  }
  const Host router{"router", *MacAddr::parse("02:00:0a:00:00:01"), ip("10.0.0.1"), ip("fe80::1")};
  const Host h1{"h1", *MacAddr::parse("02:00:0a:00:00:0b"), ip("10.0.0.11"), IpAddr()};
  const Host h2{"h2", *MacAddr::parse("02:00:0a:00:00:0c"), ip("10.0.0.12"), ip("fe80::12")};
  const Host h3{"h3", *MacAddr::parse("02:00:0a:00:00:0d"), ip("10.0.0.13"), IpAddr()};
  Traffic t;

  // Phase 1: the router asks who listens (RFC 3376 4.1, RFC 3810 5.1), which makes its port a
  // multicast router port for IPv4 and IPv6 (RFC 4541 2.1.1(1)).
  t.add(1, router, build(IgmpQuery{.version = Compat::V3, .src = router.ipv4}, {.src_mac = router.mac}));
  t.add(1, router, build(MldQuery{.version = Compat::V3, .src = router.ipv6}, {.src_mac = router.mac}));

  // Phase 2: joins in three protocol versions. An IGMPv3/MLDv2 join is a CHANGE_TO_EXCLUDE({})
  // record (RFC 3376 5.1); the switch forwards each report to the router port only.
  t.add(2, h1, build(IgmpReport{.version = Compat::V2, .src = h1.ipv4, .group = ip("239.1.1.1")},
                     {.src_mac = h1.mac}));
  t.add(2, h2, build(IgmpV3Report{.src = h2.ipv4,
                                  .records = {{.type = RecordType::ToExclude, .group = ip("239.2.2.2")}}},
                     {.src_mac = h2.mac}));
  t.add(2, h2, build(MldV2Report{.src = h2.ipv6,
                                 .records = {{.type = RecordType::ToExclude, .group = ip("ff0e::1:1")}}},
                     {.src_mac = h2.mac}));
  t.add(2, h3, arp(/*request=*/true, h3, router));

  // Phase 3: the router's streams, interleaved as a real sender would send them. 239.3.3.3 has
  // no listener; 224.0.0.251 (mDNS) is link-local and never snooped; ff0e::1:1 is a global-scope
  // IPv6 group from a routed source.
  struct Stream {
    IpAddr src, group;
    uint16_t port;
    uint32_t packets;
  };
  const Stream streams[] = {
      {router.ipv4, ip("239.1.1.1"), 5001, 12}, {router.ipv4, ip("239.2.2.2"), 5002, 8},
      {router.ipv4, ip("239.3.3.3"), 5003, 5},  {router.ipv4, ip("224.0.0.251"), 5353, 3},
      {ip("2001:db8::1"), ip("ff0e::1:1"), 5004, 6},
  };
  for (uint32_t seq = 0; seq < 12; ++seq) {
    for (const Stream& s : streams)
      if (seq < s.packets) t.add(3, router, datagram(router, s.src, s.group, s.port, seq, {}));
  }
  t.add(3, router, arp(/*request=*/false, router, h3));
  for (uint32_t seq = 0; seq < 4; ++seq)
    t.add(3, h1, datagram(h1, h1.ipv4, h2.ipv4, 7000, seq, {.dst_mac = h2.mac}));

  return t.write(argv[1]) ? 0 : 1;
}
