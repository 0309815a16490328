namespace IronLb.Bench;

/// <summary>One benchmark: runs its work and a baseline in the same process, prints progress, returns its figures.</summary>
internal interface IBenchmark
{
    /// <summary>The name `bench/run NAME` selects it by.</summary>
    string Name { get; }

    /// <summary>One line saying what it measures and against which baseline.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; the figures become the JSON object printed as the last line.</summary>
    Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken);
}
