using System.Runtime.CompilerServices;

// The adapters stay internal; the contract suite drives them directly.
[assembly: InternalsVisibleTo("IronLb.Dapr.Tests")]
