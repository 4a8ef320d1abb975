// LH_CHECK: crash loudly on a broken invariant (never on bad input, which is a Status).
#pragma once

#include <cstdio>
#include <cstdlib>

#define LH_CHECK(cond)                                                              \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)
