using System.Runtime.CompilerServices;

// The state and messaging implementations stay internal; their tests and the contract suite reach them directly.
[assembly: InternalsVisibleTo("IronLb.Core.Tests")]
[assembly: InternalsVisibleTo("IronLb.Dapr.Tests")]
