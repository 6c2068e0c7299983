// zlib for gzip-compressed XES logs (ShiftDeskInterchange/Gunzip.swift). Debian: zlib1g-dev.
#include <zlib.h>
