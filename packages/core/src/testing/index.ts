// Contract suites (one per port) and the reference model, for adapters' tests.
