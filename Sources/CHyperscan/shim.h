#ifndef CHYPERSCAN_SHIM_H
#define CHYPERSCAN_SHIM_H

// Hyperscan and Vectorscan install the same header under the same pkg-config name (libhs).
#include <hs.h>

#endif
