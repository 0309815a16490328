using IronLb.Core.SharedConfiguration;

namespace IronLb.Bgp.Tests.Announcements;

/// <summary>Stands in for a Dapr secret store: answers every lookup with what the test sets, as a store that is up, empty or unreachable would.</summary>
internal sealed class ScriptedPasswordStore : IPeerPasswordSource
{
    private readonly Lock _gate = new();
    private PeerPasswordLookup _answer;

    public event Action? Changed { add { } remove { } }

    public PeerPasswordLookup Answer
    {
        get
        {
            lock (_gate)
            {
                return _answer;
            }
        }

        set
        {
            lock (_gate)
            {
                _answer = value;
            }
        }
    }

    public Task<PeerPasswordLookup> LookupAsync(PeerPasswordReference reference, CancellationToken cancellationToken) => Task.FromResult(Answer);
}
