"""Rate limits: the table, the algorithm, the storage."""
