"""Getting data in: the curated seed files, their validation and loading, the synthetic generator."""
