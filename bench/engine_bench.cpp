// engine_bench: throughput and memory of the snoop engine on its own.
//
// Drives one Engine with decoded IGMPv2 and IGMPv3 reports (as the net decoder hands them
// over: one reused McastMessage) over 100,000 groups and 64 ports. Every group has members on
// 8 of the 64 ports (800,000 (group, port) memberships, one reporting host each).
//   phase 1: every membership joins once; the heap growth divided by the membership count is
//            the memory per membership (engine tables, hash index, timers, published sets).
//   phase 2: a random stream of refreshing reports (v2 and v3 alternating) with the virtual
//            clock moving 1 ms per 2,000 reports and advance() run at each tick; reports per
//            second of this thread's CPU time over that stream (the "on one core":
//            CPU time stays meaningful on a loaded machine, wall time is printed to stderr).
//            One receive() per report, as the control plane calls it.
//   phase 3: the same stream handed over with receive_burst() in bursts of 32 (the punt
//            ring's burst); its rate goes to stderr only.
// Output (stdout, exactly): engine_reports_per_sec N / engine_bytes_per_membership N
#include <malloc.h>
#include <time.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include "mcsnoop/snoop/engine.hpp"

namespace {

using mcsnoop::PortId;
using mcsnoop::PortMask;
using mcsnoop::net::Compat;
using mcsnoop::net::IpAddr;
using mcsnoop::net::McastMessage;
using mcsnoop::net::RecordType;
using namespace mcsnoop::snoop;

constexpr uint32_t kGroups = 100'000;
constexpr uint32_t kPorts = 64;
constexpr uint32_t kPortsPerGroup = 8;
constexpr uint64_t kMemberships = uint64_t{kGroups} * kPortsPerGroup;
constexpr uint64_t kTimedReports = 10'000'000;
constexpr uint64_t kReportsPerMs = 2'000;
constexpr size_t kBurst = 32;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;  // small-block arena plus mmapped large blocks
}

EngineConfig bench_config() {
  EngineConfig cfg;
  cfg.ports.resize(kPorts);
  cfg.max_groups = kGroups * 2;
  VlanConfig v;
  v.id = 10;
  v.members = PortMask::all(kPorts);
  v.unregistered = UnregisteredPolicy::RouterPorts;
  cfg.vlans.push_back(v);
  return cfg;
}

// Membership m (0 .. kMemberships-1): group m / 8 on port (group + 8 * (m % 8)) % 64, so the 8
// ports of a group are distinct and every port carries 12,500 groups.
struct Member {
  IpAddr group;
  IpAddr host;
  PortId port;
};
Member member(uint64_t m) {
  const auto g = static_cast<uint32_t>(m / kPortsPerGroup);
  const auto j = static_cast<uint32_t>(m % kPortsPerGroup);
  const auto port = static_cast<PortId>((g + 8 * j) % kPorts);
  return {IpAddr::v4(0xe8000000u | 0x01000000u | g),          // 233.x.y.z (not SSM, not 224.0.0/24)
          IpAddr::v4(0x0a000000u | (uint32_t{port} << 16) | 1), port};
}

// Rewrites the reused message as an IGMPv2 report (parser form: IS_EX({}) with compat V2) or
// an IGMPv3 report with one IS_EX({}) record.
void encode(McastMessage& msg, const Member& mb, bool v3) {
  msg.compat = v3 ? Compat::V3 : Compat::V2;
  msg.src = mb.host;
  msg.records[0].group = mb.group;
}

}  // namespace

int main() {
  McastMessage msg;
  msg.kind = mcsnoop::net::MsgKind::Report;
  msg.family = mcsnoop::net::Family::V4;
  msg.dst = IpAddr::v4(0xe0000016u);
  msg.records.push_back(mcsnoop::net::GroupRecord{RecordType::IsExclude, IpAddr(), 0, 0});
  Actions out;
  out.fwd.reserve(64);

  const size_t heap_before = heap_in_use();
  Engine engine(bench_config());
  Ms now{0};
  engine.start(now, out);

  for (uint64_t m = 0; m < kMemberships; ++m) {
    const Member mb = member(m);
    encode(msg, mb, m % 2 == 0);
    out.clear();
    engine.receive(msg, 10, mb.port, now, out);
  }
  const size_t heap_after = heap_in_use();
  size_t live = 0;
  for (const GroupView& g : engine.groups(now)) live += g.ports.count();
  if (live != kMemberships) {
    std::fprintf(stderr, "engine_bench: expected %llu memberships, found %zu\n",
                 static_cast<unsigned long long>(kMemberships), live);
    return 1;
  }

  uint64_t x = 0x9e3779b97f4a7c15ULL;  // xorshift64: a cheap, fixed random stream
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  for (uint64_t i = 0; i < kTimedReports; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const Member mb = member(x % kMemberships);
    encode(msg, mb, (i & 1) != 0);
    out.clear();
    engine.receive(msg, 10, mb.port, now, out);
    if ((i + 1) % kReportsPerMs == 0) {
      now += Ms{1};
      out.clear();
      engine.advance(now, out);
    }
  }
  const double cpu = thread_cpu_seconds() - cpu0;
  const std::chrono::duration<double> secs = std::chrono::steady_clock::now() - t0;
  const Ms timed_end = now;

  std::array<McastMessage, kBurst> burst;
  burst.fill(msg);
  std::array<Received, kBurst> in{};
  std::array<Actions, kBurst> outs;
  const double burst_cpu0 = thread_cpu_seconds();
  for (uint64_t i = 0; i < kTimedReports; i += kBurst) {
    for (size_t k = 0; k < kBurst; ++k) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const Member mb = member(x % kMemberships);
      encode(burst[k], mb, (k & 1) != 0);
      in[k] = Received{&burst[k], 10, mb.port};
      outs[k].clear();
    }
    engine.receive_burst(in, now, outs);
    if ((i + kBurst) / kReportsPerMs != i / kReportsPerMs) {
      now += Ms{1};
      out.clear();
      engine.advance(now, out);
    }
  }
  const double burst_cpu = thread_cpu_seconds() - burst_cpu0;

  const uint64_t per_sec = static_cast<uint64_t>(static_cast<double>(kTimedReports) / cpu);
  const uint64_t bytes = (heap_after - heap_before) / kMemberships;
  std::printf("engine_reports_per_sec %llu\n", static_cast<unsigned long long>(per_sec));
  std::printf("engine_bytes_per_membership %llu\n", static_cast<unsigned long long>(bytes));
  std::fprintf(stderr, "engine_bench: %llu reports in %.3f s CPU, %.3f s wall (virtual time %lld ms), %llu refused\n",
               static_cast<unsigned long long>(kTimedReports), cpu, secs.count(),
               static_cast<long long>(timed_end.count()),
               static_cast<unsigned long long>(engine.counters().refused_table_full +
                                               engine.counters().refused_port_limit));
  std::fprintf(stderr, "engine_bench: receive_burst (%zu per burst): %llu reports/s\n", kBurst,
               static_cast<unsigned long long>(static_cast<double>(kTimedReports) / burst_cpu));
  return 0;
}
