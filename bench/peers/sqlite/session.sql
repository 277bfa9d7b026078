-- What a reading connection sets: a 256 MiB page cache, the file memory-mapped, sorts and
-- temporary b-trees in memory.
PRAGMA cache_size = -262144;
PRAGMA mmap_size = 8589934592;
PRAGMA temp_store = MEMORY;
