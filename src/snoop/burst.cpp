// receive_burst(): receive() for each message, with the table lookups of the following
// messages started early.
//
// On a table larger than the caches, a report waits for two memory round trips in a row: its
// index slot, then (in parallel) its group's hot line and its membership. Nothing within one
// message can overlap them, but across a burst they can: a message's slots are fetched
// 2 x kAhead messages before it is applied, and kAhead messages before it the slots (in cache
// by then) give the addresses of its group line and membership, which are fetched too. The
// hints only read, never keep anything; a hint made stale by an earlier message of the burst
// (a group created or deleted, the index rehashed) costs a wasted fetch, never a wrong result.
#include <algorithm>
#include <cassert>

#include "engine_impl.hpp"

namespace mcsnoop::snoop {

namespace {
// Each stage runs this many messages ahead: a few hundred ns, one memory round trip or more.
constexpr size_t kAhead = 4;
// Records hinted per message; the rest of a long report is looked up without hints.
constexpr size_t kHintedRecords = 4;
}  // namespace

void Engine::Impl::prefetch_slots(const Received& in) const {
  const net::McastMessage& msg = *in.msg;
  if (msg.kind != net::MsgKind::Report) return;
  const size_t n = std::min(msg.records.size(), kHintedRecords);
  for (size_t r = 0; r < n; ++r) index.prefetch(group_hash(in.vlan, msg.records[r].group));
}

void Engine::Impl::prefetch_state(const Received& in) const {
  const net::McastMessage& msg = *in.msg;
  if (msg.kind != net::MsgKind::Report || in.port >= kMaxPorts) return;
  const size_t n = std::min(msg.records.size(), kHintedRecords);
  for (size_t r = 0; r < n; ++r) {
    // The first entry with the group's tag: the group itself in all but rare cases (the key
    // check is receive()'s job, and would wait for the very line this fetches).
    const GroupIndex::Entry* e =
        index.find(group_hash(in.vlan, msg.records[r].group), [](const GroupIndex::Entry&) { return true; });
    if (e == nullptr) continue;
    __builtin_prefetch(&groups[e->value], 1);
    const MemberLocator& loc = e->extra;
    if (loc.ports.test(in.port)) __builtin_prefetch(loc.members + rank_below(loc.ports, in.port), 1);
  }
}

void Engine::receive_burst(std::span<const Received> in, Ms now, std::span<Actions> out) {
  const Impl& im = *impl_;
  assert(out.size() >= in.size());
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < std::min(n, 2 * kAhead); ++i) im.prefetch_slots(in[i]);
  for (size_t i = 0; i < std::min(n, kAhead); ++i) im.prefetch_state(in[i]);
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 * kAhead < n) im.prefetch_slots(in[i + 2 * kAhead]);
    if (i + kAhead < n) im.prefetch_state(in[i + kAhead]);
    receive(*in[i].msg, in[i].vlan, in[i].port, now, out[i]);
  }
}

}  // namespace mcsnoop::snoop
