#include "membership.hpp"

#include <algorithm>

namespace mcsnoop::snoop {

namespace {
template <typename Vec>
auto* lower_bound_source(Vec& v, const net::IpAddr& a) {
  return std::lower_bound(v.begin(), v.end(), a,
                          [](const SourceTimer& s, const net::IpAddr& x) { return s.addr < x; });
}
}  // namespace

const SourceTimer* Membership::find_source(const net::IpAddr& a) const {
  const SourceTimer* it = lower_bound_source(sources, a);
  return (it != sources.end() && it->addr == a) ? it : nullptr;
}

SourceTimer* Membership::find_source(const net::IpAddr& a) {
  SourceTimer* it = lower_bound_source(sources, a);
  return (it != sources.end() && it->addr == a) ? it : nullptr;
}

Ms Membership::next_expiry() const {
  Ms next = mode == FilterMode::Exclude ? group_expires : kNever;
  for (const SourceTimer& s : sources) {
    if (s.running() && s.expires < next) next = s.expires;
  }
  return next;
}

}  // namespace mcsnoop::snoop
