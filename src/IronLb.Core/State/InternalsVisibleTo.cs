using System.Runtime.CompilerServices;

// The state and messaging implementations stay internal; their tests and the contract suite reach them directly.
[assembly: InternalsVisibleTo("IronLb.Core.Tests")]
[assembly: InternalsVisibleTo("IronLb.Dapr.Tests")]
[assembly: InternalsVisibleTo("IronLb.Election.Tests")]
[assembly: InternalsVisibleTo("IronLb.Layer2.Tests")]
[assembly: InternalsVisibleTo("IronLb.Cli.Tests")]
