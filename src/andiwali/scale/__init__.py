"""Scale and reliability: parallel and distributed extraction, synthetic corpora for benchmarks."""

from andiwali.scale.parallel import Outcome, Summary, default_workers, extract_parallel, iter_extract

__all__ = ["Outcome", "Summary", "default_workers", "extract_parallel", "iter_extract"]
