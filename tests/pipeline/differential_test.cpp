// Differential test of the worker's burst pipeline: the real data path (Worker::rx_burst's
// stages, on both lcore compositions) against a straightforward per-frame reference model written
// here from the rules (IEEE 802.1Q VLAN ingress and egress tagging, RFC 4541 snooping, MAC
// learning), over randomized VLAN layouts, static MFT entries and frames.
//
// Every case builds a switch of five ports with a random VLAN layout (access and trunk ports,
// with or without a native VLAN) over VLAN 10 (IGMP and MLD snooped), 20 (IGMP only) and 30 (not
// snooped), each with a random unregistered-multicast policy and random static (*,G) and (S,G)
// entries; then it sends random bursts of 1-32 frames into random ports: unicast to known and
// unknown hosts, broadcast, BPDUs and other IEEE reserved addresses, non-IP multicast, IPv4 and
// IPv6 multicast data to registered and unregistered groups, link-local and reserved-scope
// groups, IGMP and MLD reports (some to the wrong MAC), malformed IPv4, in random tags
// (untagged, 802.1Q with a random VID and priority, priority-tagged, 802.1ad).
//
// The model is told by the generator what each frame is; it does not parse. It decides, frame
// by frame, the VLAN, whether the sender is learned, and the set of ports the frame leaves on
// (or that it is punted to the control lcore), with the one burst-level rule of the worker:
// every sender of a burst is learned before its destinations are resolved. The test compares,
// port by port and in order, the frames each port transmitted (tag removed, and the tag checked
// against the port's egress rule) and the frames punted.
//
// On a mismatch it prints the seed, case, burst and frame; MCSNOOP_DIFF_SEED=<n> reruns a seed.
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "mcsnoop/dataplane/mbuf_meta.hpp"
#include "switch_harness.hpp"

namespace mcsnoop::testing {
namespace {

using dataplane::VlanMode;
using std::chrono::milliseconds;

constexpr unsigned kPorts = 5;
constexpr unsigned kCases = 10;
constexpr unsigned kBursts = 60;
constexpr VlanId kVlans[] = {10, 20, 30};
constexpr unsigned kHosts = 14;  // MAC addresses senders and destinations are drawn from

enum class Composition { RunToCompletion, Split };

// ---- the configuration the model knows -----------------------------------------------------

struct PortModel {
  bool trunk = false;
  VlanId access = 0;
  std::vector<VlanId> allowed;  // trunk: tagged VLANs
  VlanId native = 0;            // trunk: untagged VLAN, 0 = none
};

struct StaticModel {
  net::IpAddr group;
  std::optional<net::IpAddr> source;
  PortMask ports;
};

struct VlanModel {
  VlanId id = 0;
  bool snoop_igmp = false;
  bool snoop_mld = false;
  snoop::UnregisteredPolicy unregistered = snoop::UnregisteredPolicy::Flood;
  std::vector<StaticModel> statics;
};

enum class Tag : uint8_t { None, Dot1q, Priority, QinQ };

enum class Kind : uint8_t {
  Unicast, Broadcast, NonIpMulticast, Bpdu, Reserved, Data4, Data6, LinkLocal4, AllNodes6,
  Reserved6, NlbLike, IgmpReport, MldReport, Malformed4,
};
const char* kind_name(Kind k) {
  static const char* const names[] = {"unicast", "broadcast", "non-ip-multicast", "bpdu", "reserved",
                                      "data4", "data6", "link-local4", "all-nodes6", "reserved-scope6",
                                      "nlb-like", "igmp-report", "mld-report", "malformed4"};
  return names[static_cast<unsigned>(k)];
}

struct GenFrame {
  Kind kind;
  Tag tag;
  VlanId vid = 0;
  PortId in = 0;
  net::MacAddr src;
  net::MacAddr dst;
  net::IpAddr group;
  net::IpAddr source;
  bool group_mac_ok = true;
  std::vector<uint8_t> bytes;
  std::string describe() const {
    std::ostringstream o;
    o << kind_name(kind) << " in port " << in << " tag "
      << (tag == Tag::None ? "none" : tag == Tag::Dot1q ? "802.1Q" : tag == Tag::Priority ? "priority" : "802.1ad")
      << " vid " << vid << " src " << src.to_string() << " dst " << dst.to_string();
    if (kind == Kind::Data4 || kind == Kind::Data6 || kind == Kind::IgmpReport || kind == Kind::MldReport)
      o << " group " << group.to_string() << " source " << source.to_string();
    return o.str();
  }
};

// What the model expects of one frame.
struct Expect {
  bool punted = false;
  PortMask egress;
  VlanId vlan = 0;
};

// ---- the reference model -------------------------------------------------------------------

class Model {
 public:
  Model(std::vector<PortModel> ports, std::vector<VlanModel> vlans) : ports_(std::move(ports)) {
    for (VlanModel& v : vlans) vlans_[v.id] = std::move(v);
  }

  // 802.1Q ingress: the frame's VLAN on port p, or 0 (dropped).
  VlanId ingress_vlan(PortId p, Tag tag, VlanId vid) const {
    const PortModel& pm = ports_[p];
    switch (tag) {
      case Tag::QinQ: return 0;  // no 802.1ad support: not switched
      case Tag::None:
      case Tag::Priority: return pm.trunk ? pm.native : pm.access;
      case Tag::Dot1q:
        if (!pm.trunk) return vid == pm.access ? vid : 0;
        if (vid == pm.native && vid != 0) return vid;
        for (VlanId a : pm.allowed)
          if (a == vid) return vid;
        return 0;
    }
    return 0;
  }
  bool carries(PortId p, VlanId v) const {
    const PortModel& pm = ports_[p];
    if (!pm.trunk) return pm.access == v;
    if (pm.native == v) return true;
    for (VlanId a : pm.allowed)
      if (a == v) return true;
    return false;
  }
  PortMask members(VlanId v) const {
    PortMask m;
    for (PortId p = 0; p < ports_.size(); ++p)
      if (carries(p, v)) m.set(p);
    return m;
  }
  // 802.1Q egress: a port sends VLAN v untagged when it is its access or native VLAN.
  bool untagged(PortId p, VlanId v) const { return !ports_[p].trunk || ports_[p].native == v; }

  // A burst from one port: learn every admitted sender first, then decide every frame.
  std::vector<Expect> burst(const std::vector<GenFrame>& frames) {
    std::vector<Expect> out(frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      const GenFrame& f = frames[i];
      out[i].vlan = ingress_vlan(f.in, f.tag, f.vid);
      if (out[i].vlan == 0 || !vlans_.count(out[i].vlan)) {
        out[i].vlan = 0;
        continue;
      }
      if (f.kind == Kind::Reserved) continue;  // dropped before anything is learned
      if ((f.src.b[0] & 1) == 0) macs_[{out[i].vlan, f.src}] = f.in;
    }
    for (size_t i = 0; i < frames.size(); ++i) {
      if (out[i].vlan == 0) continue;
      decide(frames[i], out[i]);
      out[i].egress = (out[i].egress & members(out[i].vlan)).without(frames[i].in);
    }
    return out;
  }

 private:
  // RFC 4541 2.1.2 and 3 and plain bridging, for one admitted frame.
  void decide(const GenFrame& f, Expect& e) const {
    const VlanModel& vm = vlans_.at(e.vlan);
    const PortMask flood = members(e.vlan);
    switch (f.kind) {
      case Kind::Unicast: {
        const auto it = macs_.find({e.vlan, f.dst});
        e.egress = it != macs_.end() ? PortMask::of(it->second) : flood;
        return;
      }
      case Kind::Broadcast:
      case Kind::NonIpMulticast:
      case Kind::Bpdu:             // bpdu: flood, the default
      case Kind::LinkLocal4:       // 224.0.0.0/24: every port (2.1.2(2))
      case Kind::AllNodes6:        // ff02::1: every port (3)
      case Kind::NlbLike:          // multicast MAC, unicast IP: not IP multicast
        e.egress = flood;
        return;
      case Kind::Reserved:
      case Kind::Reserved6:        // scope 0 and 1 never belong on a link
      case Kind::Malformed4:       // 2.1.2(6): bad IPv4 header checksum
        return;
      case Kind::IgmpReport:
      case Kind::MldReport: {
        if (!f.group_mac_ok) return;  // a report to another MAC reaches other listeners: refused
        const bool snooped = f.kind == Kind::IgmpReport ? vm.snoop_igmp : vm.snoop_mld;
        if (snooped) {
          e.punted = true;
        } else {
          e.egress = flood;
        }
        return;
      }
      case Kind::Data4:
      case Kind::Data6:
        e.egress = data_ports(vm, f, flood);
        return;
    }
  }

  // A data frame of a group: the ports of every membership that wants it (any-source ones, and
  // those naming its source); a group nobody registered follows the VLAN's policy; a family the
  // VLAN does not snoop floods.
  static PortMask data_ports(const VlanModel& vm, const GenFrame& f, PortMask flood) {
    const bool snooped = f.kind == Kind::Data4 ? vm.snoop_igmp : vm.snoop_mld;
    if (!snooped) return flood;
    bool registered = false;
    PortMask ports;
    for (const StaticModel& s : vm.statics) {
      if (s.group != f.group) continue;
      registered = true;
      if (!s.source || *s.source == f.source) ports = ports | s.ports;
    }
    if (registered) return ports;
    switch (vm.unregistered) {
      case snoop::UnregisteredPolicy::Flood: return flood;
      case snoop::UnregisteredPolicy::RouterPorts:  // no router port is ever learned here
      case snoop::UnregisteredPolicy::Drop: return PortMask();
    }
    return PortMask();
  }

  std::vector<PortModel> ports_;
  std::map<VlanId, VlanModel> vlans_;
  std::map<std::pair<VlanId, net::MacAddr>, PortId> macs_;
};

// ---- random configurations and frames ------------------------------------------------------

net::IpAddr ip4(uint32_t v) { return net::IpAddr::v4(v); }
net::IpAddr ip6(uint8_t scope_hi, uint8_t scope_lo, uint16_t low) {
  return net::IpAddr::v6({scope_hi, scope_lo, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(low >> 8),
                          static_cast<uint8_t>(low)});
}
const net::IpAddr kGroups4[] = {ip4(0xef010001), ip4(0xef010002), ip4(0xef010003), ip4(0xef010004),
                                ip4(0xef010005), ip4(0xe8000001)};
const net::IpAddr kGroups6[] = {ip6(0xff, 0x0e, 1), ip6(0xff, 0x0e, 2), ip6(0xff, 0x05, 3), ip6(0xff, 0x02, 0xfb)};
const net::IpAddr kSources4[] = {ip4(0x0a000001), ip4(0x0a000002), ip4(0x0a000003)};
const net::IpAddr kSources6[] = {*net::IpAddr::parse("2001:db8::1"), *net::IpAddr::parse("2001:db8::2"),
                                 *net::IpAddr::parse("2001:db8::3")};

net::MacAddr host_mac(unsigned h) { return net::MacAddr{{0x02, 0xdd, 0, 0, 0, static_cast<uint8_t>(h)}}; }

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  unsigned below(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T, size_t N>
  const T& pick(const T (&a)[N]) { return a[below(N)]; }

  std::vector<PortModel> ports() {
    std::vector<PortModel> out(kPorts);
    for (PortModel& p : out) {
      p.trunk = chance(50);
      if (!p.trunk) {
        p.access = pick(kVlans);
        continue;
      }
      for (VlanId v : kVlans)
        if (chance(60)) p.allowed.push_back(v);
      if (chance(60)) {
        p.native = pick(kVlans);
        std::erase(p.allowed, p.native);
      }
      if (p.allowed.empty() && p.native == 0) p.allowed.push_back(pick(kVlans));
    }
    return out;
  }

  std::vector<VlanModel> vlans(const Model& m) {
    std::vector<VlanModel> out;
    for (VlanId id : kVlans) {
      VlanModel v;
      v.id = id;
      v.snoop_igmp = id != 30;
      v.snoop_mld = id == 10;
      v.unregistered = static_cast<snoop::UnregisteredPolicy>(below(3));
      const PortMask members = m.members(id);
      auto some_members = [&] {
        PortMask s;
        members.for_each([&](PortId p) {
          if (chance(50)) s.set(p);
        });
        return s;
      };
      if (v.snoop_igmp && !members.empty()) {
        for (unsigned k = below(5); k > 0; --k) {
          StaticModel s{pick(kGroups4), std::nullopt, some_members()};
          if (chance(50)) s.source = pick(kSources4);
          if (!s.ports.empty()) v.statics.push_back(s);
        }
      }
      if (v.snoop_mld && !members.empty()) {
        for (unsigned k = below(3); k > 0; --k) {
          StaticModel s{pick(kGroups6), std::nullopt, some_members()};
          if (chance(50)) s.source = pick(kSources6);
          if (!s.ports.empty()) v.statics.push_back(s);
        }
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  // Hosts stay on their home port; now and then one moves (to the port it sends from).
  GenFrame frame(PortId in, std::vector<PortId>& home) {
    GenFrame f;
    f.in = in;
    f.kind = static_cast<Kind>(below(static_cast<unsigned>(Kind::Malformed4) + 1));
    if (chance(30)) f.kind = Kind::Unicast;  // the common case, more often
    const unsigned t = below(10);
    f.tag = t < 5 ? Tag::None : t < 8 ? Tag::Dot1q : t < 9 ? Tag::Priority : Tag::QinQ;
    if (f.tag == Tag::Dot1q) f.vid = chance(90) ? pick(kVlans) : 40;
    std::vector<unsigned> local;
    for (unsigned h = 0; h < kHosts; ++h)
      if (home[h] == in) local.push_back(h);
    unsigned sender = local.empty() || chance(2) ? below(kHosts) : local[below(static_cast<unsigned>(local.size()))];
    home[sender] = in;
    f.src = chance(3) ? net::MacAddr{{0x03, 0, 0, 0, 0, 0x01}} : host_mac(sender);
    f.dst = host_mac(below(kHosts + 2));  // two never send
    build(f);
    return f;
  }

 private:
  void build(GenFrame& f) {
    net::FrameOptions o;
    o.src_mac = f.src;
    if (f.tag != Tag::None) {
      o.vlan = net::VlanTag{f.tag == Tag::QinQ ? net::ether_type::kQinQ : net::ether_type::kVlan,
                            static_cast<uint8_t>(below(8)), false, f.tag == Tag::Priority ? VlanId{0} : f.vid};
      if (f.tag == Tag::QinQ) o.vlan->vid = pick(kVlans);
    }
    const uint32_t id = serial_++;
    auto udp = [&](const net::IpAddr& src, const net::IpAddr& dst) {
      net::UdpDatagram u;
      u.src = src;
      u.dst = dst;
      u.payload = {static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16), static_cast<uint8_t>(id >> 8),
                   static_cast<uint8_t>(id)};
      u.payload_len = 4;
      return net::build(u, o);
    };
    auto ether = [&](net::MacAddr dst) {
      net::EthernetFrame e;
      e.dst = dst;
      std::vector<uint8_t> b = net::build(e, o);
      for (unsigned k = 0; k < 4; ++k) b[b.size() - 1 - k] = static_cast<uint8_t>(id >> (8 * k));
      return b;
    };
    switch (f.kind) {
      case Kind::Unicast: f.bytes = ether(f.dst); break;
      case Kind::Broadcast: f.bytes = ether(net::MacAddr::broadcast()); break;
      case Kind::NonIpMulticast: f.bytes = ether(net::MacAddr{{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}}); break;
      case Kind::Bpdu: f.bytes = ether(net::MacAddr{{0x01, 0x80, 0xc2, 0, 0, 0}}); break;
      case Kind::Reserved: f.bytes = ether(net::MacAddr{{0x01, 0x80, 0xc2, 0, 0, 0x0e}}); break;
      case Kind::Data4:
        f.group = pick(kGroups4);
        f.source = pick(kSources4);
        f.bytes = udp(f.source, f.group);
        break;
      case Kind::Data6:
        f.group = pick(kGroups6);
        f.source = pick(kSources6);
        f.bytes = udp(f.source, f.group);
        break;
      case Kind::LinkLocal4: f.bytes = udp(pick(kSources4), ip4(0xe00000fb)); break;
      case Kind::AllNodes6: f.bytes = udp(pick(kSources6), net::addr::kAllNodes6); break;
      case Kind::Reserved6: f.bytes = udp(pick(kSources6), ip6(0xff, static_cast<uint8_t>(below(2)), 5)); break;
      case Kind::NlbLike:
        o.dst_mac = net::MacAddr{{0x01, 0x00, 0x5e, 0x7f, 0x00, 0x01}};
        f.bytes = udp(pick(kSources4), ip4(0x0a0000fe));
        break;
      case Kind::Malformed4:
        f.bytes = udp(pick(kSources4), pick(kGroups4));
        // The IPv4 header checksum (10 bytes into the header, after the Ethernet header and tag).
        f.bytes[net::kEthernetHeaderLen + (f.tag != Tag::None ? net::kVlanTagLen : 0) + 10] ^= 0x5a;
        break;
      case Kind::IgmpReport: {
        f.group = pick(kGroups4);
        f.source = pick(kSources4);
        f.group_mac_ok = chance(85);
        if (!f.group_mac_ok) o.dst_mac = net::MacAddr{{0x01, 0x00, 0x5e, 0x7f, 0x7f, 0x7f}};
        net::IgmpReport r;
        r.src = f.source;
        r.group = f.group;
        f.bytes = net::build(r, o);
        break;
      }
      case Kind::MldReport: {
        f.group = pick(kGroups6);
        f.source = *net::IpAddr::parse("fe80::1");
        f.group_mac_ok = chance(85);
        if (!f.group_mac_ok) o.dst_mac = net::MacAddr{{0x33, 0x33, 0x7f, 0x7f, 0x7f, 0x7f}};
        net::MldReport r;
        r.src = f.source;
        r.group = f.group;
        f.bytes = net::build(r, o);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  uint32_t serial_ = 0;
};

// ---- running one case ----------------------------------------------------------------------

// The frame without its first 802.1Q / 802.1ad tag (what every copy of it has in common).
std::vector<uint8_t> untagged_bytes(const std::vector<uint8_t>& b) {
  if (b.size() < 18) return b;
  const uint16_t type = static_cast<uint16_t>(b[12] << 8 | b[13]);
  if (type != net::ether_type::kVlan && type != net::ether_type::kQinQ) return b;
  std::vector<uint8_t> out(b.begin(), b.begin() + 12);
  out.insert(out.end(), b.begin() + 16, b.end());
  return out;
}

HarnessLayout layout_for(Composition c) {
  HarnessLayout l;
  if (c == Composition::Split) l.lcores = {.rx = {1}, .tx = {2}};
  l.mac_move_limit = 1000;  // hosts move on purpose; flapping protection is not under test here
  return l;
}

// What a run covered, so that a pass is not vacuous.
struct Tally {
  std::map<Kind, unsigned> delivered, punted, dropped;
  unsigned copies = 0;
};

// Runs one case; returns false (after recording the failure) at the first disagreement.
bool run_case(uint64_t seed, unsigned case_no, Composition comp, Tally& tally) {
  Generator gen(seed);
  std::vector<PortModel> pm = gen.ports();
  Model probe(pm, {});
  std::vector<VlanModel> vm = gen.vlans(probe);
  Model model(pm, vm);

  std::vector<HarnessPort> ports;
  for (PortId p = 0; p < kPorts; ++p) {
    HarnessPort hp;
    hp.name = "p" + std::to_string(p);
    hp.mode = pm[p].trunk ? VlanMode::Trunk : VlanMode::Access;
    hp.vlan = pm[p].access;
    hp.allowed = pm[p].allowed;
    hp.native = pm[p].native;
    ports.push_back(hp);
  }
  std::vector<HarnessVlan> vlans;
  for (const VlanModel& v : vm) {
    HarnessVlan hv;
    hv.id = v.id;
    hv.snooping = v.snoop_igmp;
    hv.mld = v.snoop_mld;
    hv.unregistered = v.unregistered;
    for (const StaticModel& s : v.statics) hv.static_groups.push_back(snoop::StaticGroup{s.group, s.source, s.ports});
    vlans.push_back(hv);
  }
  SwitchHarness sw(ports, vlans, std::chrono::seconds(300), layout_for(comp));
  std::vector<PortId> home(kHosts);
  for (unsigned h = 0; h < kHosts; ++h) home[h] = static_cast<PortId>(h % kPorts);

  const std::string where = "seed " + std::to_string(seed) + " case " + std::to_string(case_no) + " (" +
                            (comp == Composition::Split ? "split" : "run-to-completion") + ")";
  for (unsigned burst = 0; burst < kBursts; ++burst) {
    const auto in = static_cast<PortId>(gen.below(kPorts));
    std::vector<GenFrame> frames;
    for (unsigned n = 1 + gen.below(32); n > 0; --n) frames.push_back(gen.frame(in, home));
    const std::vector<Expect> want = model.burst(frames);
    for (size_t i = 0; i < frames.size(); ++i) {
      if (want[i].punted) ++tally.punted[frames[i].kind];
      else if (want[i].egress.empty()) ++tally.dropped[frames[i].kind];
      else ++tally.delivered[frames[i].kind];
      tally.copies += want[i].egress.count();
    }
    for (const GenFrame& f : frames) sw.inject("p" + std::to_string(in), f.bytes);
    sw.poll_data_path();

    auto fail = [&](size_t i, const std::string& what) {
      ADD_FAILURE() << where << " burst " << burst << " frame " << i << " of " << frames.size() << ": "
                    << frames[i].describe() << ": " << what;
      return false;
    };
    // Every port: the frames the model sends there, in order, each with the port's tag.
    for (PortId p = 0; p < kPorts; ++p) {
      const std::vector<Captured> got = sw.capture("p" + std::to_string(p));
      size_t g = 0;
      for (size_t i = 0; i < frames.size(); ++i) {
        if (!want[i].egress.test(p)) continue;
        if (g == got.size() || untagged_bytes(got[g].bytes) != untagged_bytes(frames[i].bytes))
          return fail(i, "expected on port " + std::to_string(p) + " (egress " +
                             std::to_string(want[i].egress.bits()) + ", VLAN " + std::to_string(want[i].vlan) +
                             "), not sent there");
        const net::FrameInfo info = got[g].info();
        const bool want_tag = !model.untagged(p, want[i].vlan);
        if (info.tagged != want_tag || (want_tag && info.vid != want[i].vlan))
          return fail(i, "port " + std::to_string(p) + " got it " + (info.tagged ? "tagged " + std::to_string(info.vid) : "untagged"));
        ++g;
      }
      if (g != got.size()) {
        for (size_t i = 0; i < frames.size(); ++i)
          if (untagged_bytes(got[g].bytes) == untagged_bytes(frames[i].bytes))
            return fail(i, "sent to port " + std::to_string(p) + ", the model says egress " +
                               std::to_string(want[i].egress.bits()) + " in VLAN " + std::to_string(want[i].vlan));
        ADD_FAILURE() << where << " burst " << burst << ": port " << p << " sent an unknown frame";
        return false;
      }
    }
    // The punt ring: the control frames the model punts, in order, with their VLAN and port.
    std::vector<rte_mbuf*> punted(64);
    punted.resize(rte_ring_dequeue_burst(sw.dp().punt_ring(), reinterpret_cast<void**>(punted.data()), 64, nullptr));
    size_t k = 0;
    bool ok = true;
    for (size_t i = 0; i < frames.size() && ok; ++i) {
      if (!want[i].punted) continue;
      if (k == punted.size()) {
        ok = fail(i, "expected on the punt ring");
        break;
      }
      const dataplane::MbufMeta md = dataplane::meta(punted[k]);
      std::vector<uint8_t> b(rte_pktmbuf_pkt_len(punted[k]));
      std::memcpy(b.data(), rte_pktmbuf_mtod(punted[k], const uint8_t*), b.size());
      if (untagged_bytes(b) != untagged_bytes(frames[i].bytes) || md.vlan != want[i].vlan || md.in_port != in)
        ok = fail(i, "punted frame " + std::to_string(k) + " differs (VLAN " + std::to_string(md.vlan) + ")");
      ++k;
    }
    if (ok && k != punted.size()) {
      ADD_FAILURE() << where << " burst " << burst << ": " << punted.size() - k << " frames punted beyond the model's";
      ok = false;
    }
    for (rte_mbuf* m : punted) rte_pktmbuf_free(m);
    if (!ok) return false;
    // The control lcore applies the learning events (and whatever else it does) before the next
    // burst; what it transmits itself is not under test.
    sw.poll_control(milliseconds(20));
    sw.poll_data_path();
    sw.drain_all();
  }
  return true;
}

class Differential : public ::testing::TestWithParam<Composition> {};

TEST_P(Differential, WorkerAgreesWithTheReferenceModel) {
  uint64_t first = 0x5eed0000;
  unsigned cases = kCases;
  if (const char* s = std::getenv("MCSNOOP_DIFF_SEED")) {
    first = std::strtoull(s, nullptr, 0);
    cases = 1;
  }
  Tally tally;
  for (unsigned c = 0; c < cases; ++c) {
    if (!run_case(first + c, c, GetParam(), tally)) break;
  }
  std::ostringstream o;
  for (unsigned k = 0; k <= static_cast<unsigned>(Kind::Malformed4); ++k) {
    const Kind kind = static_cast<Kind>(k);
    o << " " << kind_name(kind) << " " << tally.delivered[kind] << "/" << tally.punted[kind] << "/"
      << tally.dropped[kind];
  }
  std::printf("frames by kind, delivered/punted/not sent:%s; %u copies\n", o.str().c_str(), tally.copies);
  // Every kind must have been seen going each way the rules allow, or the run proved little.
  EXPECT_GT(tally.delivered[Kind::Unicast], 0u);
  EXPECT_GT(tally.dropped[Kind::Unicast], 0u);
  EXPECT_GT(tally.delivered[Kind::Data4], 0u);
  EXPECT_GT(tally.dropped[Kind::Data4], 0u);
  EXPECT_GT(tally.delivered[Kind::Data6], 0u);
  EXPECT_GT(tally.punted[Kind::IgmpReport], 0u);
  EXPECT_GT(tally.punted[Kind::MldReport], 0u);
  EXPECT_GT(tally.delivered[Kind::IgmpReport], 0u);
}

INSTANTIATE_TEST_SUITE_P(Compositions, Differential,
                         ::testing::Values(Composition::RunToCompletion, Composition::Split),
                         [](const auto& info) {
                           return std::string(info.param == Composition::Split ? "Split" : "RunToCompletion");
                         });

}  // namespace
}  // namespace mcsnoop::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new mcsnoop::testing::EalEnvironment("pl-diff", "(0-2)@(0-1)"));
  return RUN_ALL_TESTS();
}
