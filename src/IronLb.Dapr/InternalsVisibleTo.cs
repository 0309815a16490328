using System.Runtime.CompilerServices;

// The adapters stay internal; the contract suite drives them directly.
[assembly: InternalsVisibleTo("IronLb.Dapr.Tests")]

// ipam's replica race runs through the real adapter, the local sidecar (or daprd) and Redis.
[assembly: InternalsVisibleTo("IronLb.Ipam.Tests")]

// The chaos benchmark reads the store through the real adapter.
[assembly: InternalsVisibleTo("IronLb.Bench")]
