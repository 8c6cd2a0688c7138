// RFC 3376 6.4.1 / 6.4.2 (and RFC 3810 7.4.1 / 7.4.2): one function per row.
//
// Notation as in the RFC: A+B union, A*B intersection, A-B difference; (S)=v sets the timers of
// S to v; GT is the group timer's current value. A row is written as a decision per source:
// every address of the current list or of the record is visited once, in order, and the row
// says whether it stays (with which timer), is deleted, and whether a query is asked for it.
#include "filter_rows.hpp"

#include <algorithm>

namespace mcsnoop::snoop {

namespace {

// The decision of a row for one source.
struct Verdict {
  Ms timer;            // new timer; kStopped = 0 (Y list); kDelete = remove the source
  bool query = false;  // include the source in the row's Send Q(G, ...)
};
constexpr Ms kDelete = Ms::min() + Ms{1};

Verdict keep(const SourceTimer* cur, bool query = false) { return {cur->expires, query}; }
Verdict set(Ms timer, bool query = false) { return {timer, query}; }
Verdict drop() { return {kDelete, false}; }
bool in_x(const SourceTimer* cur) { return cur != nullptr && cur->running(); }
bool in_y(const SourceTimer* cur) { return cur != nullptr && !cur->running(); }

// Walks the union of the current list and `b` in address order and calls
// `visit(here, addr, verdict)` for every source: `here` is the current entry (nullptr when the
// source is only in the record), `verdict` what `row(here, in_b)` decides for it.
template <typename Row, typename Visit>
void merge_walk(const Membership& m, std::span<const net::IpAddr> b, Row& row, Visit&& visit) {
  const SourceTimer* cur = m.sources.begin();
  const SourceTimer* const cur_end = m.sources.end();
  size_t bi = 0;
  while (cur != cur_end || bi < b.size()) {
    const SourceTimer* here = nullptr;
    bool in_b = false;
    net::IpAddr addr;
    if (bi == b.size() || (cur != cur_end && cur->addr < b[bi])) {
      here = cur++;
      addr = here->addr;
    } else if (cur == cur_end || b[bi] < cur->addr) {
      addr = b[bi++];
      in_b = true;
    } else {
      here = cur++;
      addr = b[bi++];
      in_b = true;
    }
    visit(here, addr, row(here, in_b));
  }
}

// Visits the union of the current list and `b` in address order. `row(cur, in_b)` gets the
// current entry (nullptr when the source is only in the record) and decides its fate.
//
// The whole resulting list holds at most cx.max_sources. Sources already in the list are kept
// first (a flood of new sources cannot push out the ones a host is receiving); new sources
// beyond the cap are refused and counted, and asked about in no query. A refusal always errs
// towards forwarding more to this port only: in INCLUDE mode the refused source is not
// forwarded to the port that asked for it (its own loss, nobody else's); in EXCLUDE mode a
// refused source is in neither X nor Y, and an EXCLUDE port receives every source it does not
// block, so a refused Y entry (a block) means the port keeps getting that source, and a refused
// X entry changes nothing while the group timer runs.
template <typename Row>
void rewrite(Membership& m, std::span<const net::IpAddr> b, RowContext& cx, Row&& row) {
  if (b.empty() && m.sources.empty()) return;  // any-source refresh: no source to visit
  // First pass: how many current sources the row keeps, so that they go first.
  uint32_t kept = 0;
  merge_walk(m, b, row, [&](const SourceTimer* here, const net::IpAddr&, const Verdict& v) {
    if (here != nullptr && v.timer != kDelete) ++kept;
  });
  const uint32_t cap = std::min<uint32_t>(cx.max_sources, Membership::kMaxSources);
  const uint32_t room_for_new = cap > kept ? cap - kept : 0;
  std::vector<SourceTimer>& out = *cx.scratch;
  out.clear();
  uint32_t old_taken = 0;
  uint32_t new_taken = 0;
  bool changed = false;
  merge_walk(m, b, row, [&](const SourceTimer* here, const net::IpAddr& addr, const Verdict& v) {
    if (v.timer == kDelete) {
      if (here != nullptr) changed = true;
      return;
    }
    if (here == nullptr) {
      if (new_taken >= room_for_new) {
        ++cx.sources_refused;
        return;
      }
      ++new_taken;
      changed = true;
    } else {
      // Only when the cap was lowered below what the list already holds (a reload).
      if (old_taken >= cap) {
        ++cx.sources_refused;
        changed = true;
        return;
      }
      ++old_taken;
      if (here->running() != (v.timer != kStopped)) changed = true;
    }
    if (v.query) cx.query_sources->push_back(addr);
    out.push_back(SourceTimer{addr, v.timer});
  });
  // Cannot fail (out.size() <= Membership::kMaxSources, which the list's size type holds); if
  // it did, the membership would keep its old list and every source of the record is refused.
  if (!m.sources.assign(out)) {
    cx.sources_refused += static_cast<uint32_t>(b.size());
    cx.query_sources->clear();
    return;
  }
  cx.changed |= changed;
}

void enter_exclude(Membership& m, RowContext& cx) {
  if (m.mode != FilterMode::Exclude) cx.changed = true;
  m.mode = FilterMode::Exclude;
}

}  // namespace

// State         Record     New state          Actions
// INCLUDE (A)   IS_IN (B)  INCLUDE (A+B)      (B)=GMI
void include_is_in(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  rewrite(m, b, cx, [&](const SourceTimer* cur, bool in_b) {
    return in_b ? set(cx.now + cx.gmi) : keep(cur);
  });
}

// State         Record     New state          Actions
// INCLUDE (A)   IS_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), GT=GMI
void include_is_ex(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  rewrite(m, b, cx, [&](const SourceTimer* cur, bool in_b) {
    if (!in_b) return drop();                   // A-B
    return cur ? keep(cur) : set(kStopped);     // A*B keeps its timer; B-A = 0
  });
  enter_exclude(m, cx);
  m.group_expires = cx.now + cx.gmi;
}

// State          Record     New state          Actions
// EXCLUDE (X,Y)  IS_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
void exclude_is_in(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  rewrite(m, a, cx, [&](const SourceTimer* cur, bool in_a) {
    return in_a ? set(cx.now + cx.gmi) : keep(cur);
  });
}

// State          Record     New state          Actions
// EXCLUDE (X,Y)  IS_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), GT=GMI
void exclude_is_ex(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  rewrite(m, a, cx, [&](const SourceTimer* cur, bool in_a) {
    if (!in_a) return drop();                          // X-A, Y-A
    return cur ? keep(cur) : set(cx.now + cx.gmi);     // A-X-Y = GMI
  });
  m.group_expires = cx.now + cx.gmi;
}

// State         Record     New state          Actions
// INCLUDE (A)   ALLOW (B)  INCLUDE (A+B)      (B)=GMI
void include_allow(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  include_is_in(m, b, cx);  // the same row in 6.4.2 as IS_IN in 6.4.1
}

// State         Record     New state          Actions
// INCLUDE (A)   BLOCK (B)  INCLUDE (A)        Send Q(G,A*B)
void include_block(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  rewrite(m, b, cx, [&](const SourceTimer* cur, bool in_b) {
    if (cur == nullptr) return drop();          // B-A: never added
    return keep(cur, in_b);                     // query A*B
  });
}

// State         Record     New state          Actions
// INCLUDE (A)   TO_EX (B)  EXCLUDE (A*B,B-A)  (B-A)=0, Delete (A-B), Send Q(G,A*B), GT=GMI
void include_to_ex(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  rewrite(m, b, cx, [&](const SourceTimer* cur, bool in_b) {
    if (!in_b) return drop();                   // A-B
    return cur ? keep(cur, true) : set(kStopped);
  });
  enter_exclude(m, cx);
  m.group_expires = cx.now + cx.gmi;
}

// State         Record     New state          Actions
// INCLUDE (A)   TO_IN (B)  INCLUDE (A+B)      (B)=GMI, Send Q(G,A-B)
void include_to_in(Membership& m, std::span<const net::IpAddr> b, RowContext& cx) {
  rewrite(m, b, cx, [&](const SourceTimer* cur, bool in_b) {
    return in_b ? set(cx.now + cx.gmi) : keep(cur, true);  // A-B is queried
  });
}

// State          Record     New state          Actions
// EXCLUDE (X,Y)  ALLOW (A)  EXCLUDE (X+A,Y-A)  (A)=GMI
void exclude_allow(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  exclude_is_in(m, a, cx);  // the same row in 6.4.2 as IS_IN in 6.4.1
}

// State          Record     New state            Actions
// EXCLUDE (X,Y)  BLOCK (A)  EXCLUDE (X+(A-Y),Y)  (A-X-Y)=GT, Send Q(G,A-Y)
void exclude_block(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  const Ms gt = m.group_expires;
  rewrite(m, a, cx, [&](const SourceTimer* cur, bool in_a) {
    if (!in_a) return keep(cur);
    if (cur == nullptr) return set(gt, true);   // A-X-Y = GT, queried
    return keep(cur, in_x(cur));                // A*X queried; A*Y untouched
  });
}

// State          Record     New state          Actions
// EXCLUDE (X,Y)  TO_EX (A)  EXCLUDE (A-Y,Y*A)  (A-X-Y)=GT, Delete (X-A), Delete (Y-A),
//                                              Send Q(G,A-Y), GT=GMI
void exclude_to_ex(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  const Ms gt = m.group_expires;
  rewrite(m, a, cx, [&](const SourceTimer* cur, bool in_a) {
    if (!in_a) return drop();                   // X-A, Y-A
    if (cur == nullptr) return set(gt, true);   // A-X-Y = GT, queried
    return keep(cur, !in_y(cur));               // A*X queried; A*Y stays in Y
  });
  m.group_expires = cx.now + cx.gmi;
}

// State          Record     New state          Actions
// EXCLUDE (X,Y)  TO_IN (A)  EXCLUDE (X+A,Y-A)  (A)=GMI, Send Q(G,X-A), Send Q(G)
void exclude_to_in(Membership& m, std::span<const net::IpAddr> a, RowContext& cx) {
  rewrite(m, a, cx, [&](const SourceTimer* cur, bool in_a) {
    if (in_a) return set(cx.now + cx.gmi);
    return keep(cur, in_x(cur));                // X-A queried
  });
  cx.query_group = true;
}

void apply_record(Membership& m, net::RecordType type, std::span<const net::IpAddr> sources,
                  RowContext& cx) {
  using net::RecordType;
  const bool inc = m.mode == FilterMode::Include;
  switch (type) {
    case RecordType::IsInclude: return inc ? include_is_in(m, sources, cx) : exclude_is_in(m, sources, cx);
    case RecordType::IsExclude: return inc ? include_is_ex(m, sources, cx) : exclude_is_ex(m, sources, cx);
    case RecordType::ToInclude: return inc ? include_to_in(m, sources, cx) : exclude_to_in(m, sources, cx);
    case RecordType::ToExclude: return inc ? include_to_ex(m, sources, cx) : exclude_to_ex(m, sources, cx);
    case RecordType::AllowNew:  return inc ? include_allow(m, sources, cx) : exclude_allow(m, sources, cx);
    case RecordType::BlockOld:  return inc ? include_block(m, sources, cx) : exclude_block(m, sources, cx);
  }
}

// RFC 3376 6.3: a source timer that expires in INCLUDE mode deletes the source; in EXCLUDE mode
// the source moves to Y (timer 0, blocked). 6.5: when GT expires in EXCLUDE mode the membership
// becomes INCLUDE(X) and Y is deleted (the caller deletes an empty INCLUDE membership).
bool expire_timers(Membership& m, Ms now) {
  bool changed = false;
  if (m.mode == FilterMode::Include) {
    const uint32_t before = m.sources.size();
    m.sources.retain([now](const SourceTimer& s) { return s.expires > now; });
    return m.sources.size() != before;
  }
  for (SourceTimer& s : m.sources) {
    if (s.running() && s.expires <= now) {
      s.expires = kStopped;
      changed = true;
    }
  }
  if (m.group_expires <= now) {
    m.mode = FilterMode::Include;
    m.group_expires = kNever;
    m.sources.retain([](const SourceTimer& s) { return s.running(); });
    changed = true;
  }
  return changed;
}

bool lower_group_timer(Membership& m, Ms until) {
  if (m.mode != FilterMode::Exclude || m.group_expires <= until) return false;
  m.group_expires = until;
  return true;
}

void lower_source_timers(Membership& m, std::span<const net::IpAddr> a, Ms until) {
  for (const net::IpAddr& s : a) {
    SourceTimer* t = m.find_source(s);
    if (t != nullptr && t->running() && t->expires > until) t->expires = until;
  }
}

}  // namespace mcsnoop::snoop
