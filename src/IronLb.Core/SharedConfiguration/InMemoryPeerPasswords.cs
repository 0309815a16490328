namespace IronLb.Core.SharedConfiguration;

/// <summary>BGP passwords held in this process's memory only: the single-host process, where ipam and bgp share one.</summary>
public sealed class InMemoryPeerPasswords : IPeerPasswordSink, IPeerPasswordSource
{
    private readonly Lock _gate = new();
    private Dictionary<string, string> _passwords = new Dictionary<string, string>(StringComparer.Ordinal);

    public event Action? Changed;

    public void Replace(IReadOnlyDictionary<string, string> passwords)
    {
        ArgumentNullException.ThrowIfNull(passwords);
        var copy = new Dictionary<string, string>(passwords, StringComparer.Ordinal);
        bool changed;
        lock (_gate)
        {
            changed = copy.Count != _passwords.Count || copy.Any(p => !_passwords.TryGetValue(p.Key, out var old) || old != p.Value);
            _passwords = copy;
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    public Task<PeerPasswordLookup> LookupAsync(PeerPasswordReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Dictionary<string, string> passwords;
        lock (_gate)
        {
            passwords = _passwords;
        }

        return Task.FromResult(passwords.TryGetValue(reference.Peer, out var password)
            ? PeerPasswordLookup.Found(password)
            : PeerPasswordLookup.Missing(reference.IsInline
                ? "is not loaded yet"
                : $"has no \"{PeerPasswordReference.SecretKey}\" in the manifests folder: a single host reads passwords only from Secrets in its folder"));
    }
}
