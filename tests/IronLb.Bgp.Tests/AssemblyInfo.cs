// Lab tests run real BFD (300 ms) and BGP timers against FRR; the CPU-heavy property and fuzz tests running beside
// them on a small machine delay those timers, so the tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
