"""Spark's xxhash64 of a long (XXH64, seed 42), written out from the XXH64 specification for the golden
scripts (jackknife/, composite/) that reproduce a row's jackknife bucket pmod(xxhash64(id), B)."""

MASK = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                      0x27D4EB2F165667C5)


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK


def xxh64_long(value, seed=42):
    """XXH64 of the 8 little-endian bytes of a long, as Spark's xxhash64 hashes a LongType column."""
    h = (seed + P5 + 8) & MASK
    k = rotl((value & MASK) * P2 & MASK, 31) * P1 & MASK
    h ^= k
    h = (rotl(h, 27) * P1 + P4) & MASK
    h ^= h >> 33
    h = h * P2 & MASK
    h ^= h >> 29
    h = h * P3 & MASK
    h ^= h >> 32
    return h - (1 << 64) if h >= 1 << 63 else h  # as a signed long
