// String assembly for the tools' output: core::cat (see its header for why it exists).
#pragma once

#include "mcsnoop/core/text.hpp"

namespace mcsnoop::tools {

using core::cat;

}  // namespace mcsnoop::tools
