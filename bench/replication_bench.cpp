// replication_bench: what replicating one frame to k ports costs, by reference count against by
// copy, for each frame size, in TSC cycles per input frame.
//
// Each pass takes 32-frame bursts through what the worker and the ports' TX completion do:
// a "received" frame (an mbuf of the packet pool, its bytes written as the RX path would), then
//   refcount: rte_pktmbuf_refcnt_update(m, k - 1) and the same mbuf for each of the k ports;
//   copy:     the mbuf for the first port and, for each other port, an mbuf from the same pool
//             with the frame copied into it (TxStage::emit_same);
// and, per burst, every port's mbufs freed one by one (as net_null's TX and a NIC's TX
// completion do: an atomic decrement for a shared mbuf, the non-atomic fast path otherwise).
// Figures: median and minimum over --reps passes of 2^14 frames (the minimum is the figure to
// quote on a shared machine: some short passes run without being preempted).
//
// Usage: replication_bench [--reps N] [-- EAL args]
#include "bench_env.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

namespace {

constexpr unsigned kBurst = 32;
constexpr unsigned kFrames = 1u << 14;

enum class Mode { Refcount, Copy };

rte_mbuf* received(rte_mempool* pool, uint16_t len, uint8_t fill) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) std::abort();
  auto* p = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, len));
  std::memset(p, fill, len);
  return m;
}

template <Mode kMode>
double pass_cycles_per_frame(rte_mempool* pool, uint16_t len, unsigned k) {
  rte_mbuf* out[8][kBurst];
  const uint64_t start = rte_rdtsc_precise();
  for (unsigned base = 0; base < kFrames; base += kBurst) {
    for (unsigned i = 0; i < kBurst; ++i) {
      rte_mbuf* m = received(pool, len, static_cast<uint8_t>(i));
      if constexpr (kMode == Mode::Refcount) {
        rte_pktmbuf_refcnt_update(m, static_cast<int16_t>(k - 1));
        for (unsigned p = 0; p < k; ++p) out[p][i] = m;
      } else {
        out[0][i] = m;
        const auto* src = rte_pktmbuf_mtod(m, const uint8_t*);
        rte_mbuf* copies[8];
        if (rte_pktmbuf_alloc_bulk(pool, copies, k - 1) != 0) std::abort();
        for (unsigned p = 1; p < k; ++p) {
          rte_mbuf* c = copies[p - 1];
          std::memcpy(rte_pktmbuf_mtod(c, uint8_t*), src, m->data_len);
          c->data_len = m->data_len;
          c->pkt_len = m->pkt_len;
          out[p][i] = c;
        }
      }
    }
    for (unsigned p = 0; p < k; ++p)
      for (unsigned i = 0; i < kBurst; ++i) rte_pktmbuf_free(out[p][i]);
  }
  return static_cast<double>(rte_rdtsc_precise() - start) / kFrames;
}

using mcsnoop::bench::Figure;
using mcsnoop::bench::summarize;

}  // namespace

int main(int argc, char** argv) {
  unsigned reps = 0;
  if (const int rc = mcsnoop::bench::start_micro(argc, argv, "replbench", 512, 51, &reps); rc != 0) return rc;
  // As the switch's packet pool: default data room, a per-lcore cache of 256.
  rte_mempool* pool = rte_pktmbuf_pool_create("replbench", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (pool == nullptr) {
    std::fprintf(stderr, "pool: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  std::printf("# cycles per input frame (TSC %.0f MHz): median (min) over %u passes of %u frames\n",
              rte_get_tsc_hz() / 1e6, reps, kFrames);
  std::printf("%6s %7s %16s %16s %10s\n", "bytes", "fan-out", "refcount", "copy", "copy/ref");
  for (const unsigned k : {2u, 4u}) {
    for (const uint16_t wire : {64, 128, 256, 512, 1518}) {
      const auto len = static_cast<uint16_t>(wire - 4);  // without the FCS
      std::vector<double> r, c;
      for (unsigned rep = 0; rep < reps; ++rep) {  // interleaved, so drift hits both
        r.push_back(pass_cycles_per_frame<Mode::Refcount>(pool, len, k));
        c.push_back(pass_cycles_per_frame<Mode::Copy>(pool, len, k));
      }
      const Figure fr = summarize(r), fc = summarize(c);
      std::printf("%6u %7u %7.1f (%6.1f) %7.1f (%6.1f) %10.2f\n", wire, k, fr.median, fr.min, fc.median, fc.min,
                  fc.min / fr.min);
      std::fflush(stdout);
    }
  }
  rte_mempool_free(pool);
  rte_eal_cleanup();
  return 0;
}
