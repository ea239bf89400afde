#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H

// pcre2.h needs the code unit width before it is included; keygate matches bytes (UTF-8).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#endif
