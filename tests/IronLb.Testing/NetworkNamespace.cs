namespace IronLb.Testing;

/// <summary>Runs a program inside a named network namespace with `ip netns exec`, which execs it: the PID is the program's.</summary>
public static class NetworkNamespace
{
    /// <summary>The command line that runs <paramref name="fileName"/> in <paramref name="netns"/>, or unchanged when it is null.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string? netns, string fileName, IEnumerable<string> arguments) =>
        netns is null
            ? (fileName, [.. arguments])
            : ("ip", ["netns", "exec", netns, fileName, .. arguments]);
}
