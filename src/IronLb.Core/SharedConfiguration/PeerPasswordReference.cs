namespace IronLb.Core.SharedConfiguration;

/// <summary>
/// Where the bgp service finds one BGPPeer's TCP MD5 password. The stored configuration carries this instead of the
/// password: a Secret's name for <c>passwordSecret</c>, or a mark that the peer had a clear-text <c>password</c>.
/// </summary>
/// <param name="Peer">The BGPPeer's name.</param>
/// <param name="SecretNamespace">The Secret's namespace (the peer's own when the reference names none); null for an inline password.</param>
/// <param name="SecretName">The Secret's name; null when the manifest wrote the password in clear (<c>spec.password</c>).</param>
public sealed record PeerPasswordReference(string Peer, string? SecretNamespace, string? SecretName)
{
    /// <summary>The key of the password in a BGP password Secret (kubernetes.io/basic-auth), as MetalLB reads it.</summary>
    public const string SecretKey = "password";

    /// <summary>True when the manifest gave the password in clear rather than in a Secret.</summary>
    public bool IsInline => SecretName is null;

    /// <summary>How status and log lines name the password's origin, never its value.</summary>
    public override string ToString() => IsInline ? $"BGPPeer/{Peer} spec.password" : $"Secret {SecretNamespace}/{SecretName}";
}

/// <summary>The outcome of looking a password up: the password, or why there is none.</summary>
/// <param name="Password">The clear-text password, or null.</param>
/// <param name="Problem">Why it could not be had; null when <paramref name="Password"/> is set.</param>
/// <param name="Transient">True when the store could not be asked (not when it answered "no such password"): the last known password may stand.</param>
public readonly record struct PeerPasswordLookup(string? Password, string? Problem, bool Transient = false)
{
    public static PeerPasswordLookup Found(string password) => new(password, null);

    public static PeerPasswordLookup Missing(string problem) => new(null, problem);

    public static PeerPasswordLookup Unreachable(string problem) => new(null, problem, Transient: true);

    /// <summary>Never prints the password.</summary>
    public override string ToString() => Password is null ? $"missing: {Problem}" : "found";
}

/// <summary>Resolves peer password references for the bgp service: a Dapr secret store, or memory in the single-host process.</summary>
public interface IPeerPasswordSource
{
    /// <summary>Raised when passwords may have changed without a new configuration version (single host: a Secret edited).</summary>
    event Action? Changed;

    /// <summary>The password <paramref name="reference"/> points at, or why it cannot be had. Throws only on cancellation.</summary>
    Task<PeerPasswordLookup> LookupAsync(PeerPasswordReference reference, CancellationToken cancellationToken);
}

/// <summary>Takes the clear-text passwords ipam read, where one process hosts every service; they never reach the state store.</summary>
public interface IPeerPasswordSink
{
    /// <summary>Replaces every known password with <paramref name="passwords"/> (by peer name).</summary>
    void Replace(IReadOnlyDictionary<string, string> passwords);
}
