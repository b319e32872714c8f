"""Background work: the queue and its tasks, Google and address reads, push channels, the worker."""
