// The stateful fuzz body of the snoop engine, shared by the libFuzzer target (fuzz_engine, clang)
// and the corpus replay (test_engine_fuzz_replay, every compiler).
//
// An input is a small engine configuration (ports, router modes, guards, limits, timers,
// queriers) followed by a sequence of steps: messages built from the input's bytes and decoded
// with net::decode_l3 (so the engine only sees what the decoder can produce), raw bytes decoded
// the same way, bursts, time steps and link changes. After every step the invariants are checked
// (fuzz_engine_body.cpp: check_*): every limit held, memory bounded, timers consistent, the
// introspection views consistent with the forwarding changes the engine published, router guard
// and the bounds on adopted querier values held. A broken invariant traps.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mcsnoop::snoop::fuzz {

void run_one_input(const uint8_t* data, size_t size);

}  // namespace mcsnoop::snoop::fuzz
