"""Benchmarks of the coopgraph service: latency, raw-Cypher comparison, throughput, memory."""
