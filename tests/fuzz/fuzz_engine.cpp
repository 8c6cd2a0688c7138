// libFuzzer entry point of the stateful engine fuzzer (clang only): see fuzz_engine_body.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_engine_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mcsnoop::snoop::fuzz::run_one_input(data, size);
  return 0;
}
