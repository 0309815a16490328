namespace IronLb.LocalSidecar.PubSub;

/// <summary>Whether the app channel is up (drives /v1.0/healthz) and which subscriptions the app declared.</summary>
internal sealed class AppChannelState
{
    private volatile IReadOnlyList<AppSubscription>? _subscriptions;

    /// <summary>True once the app answered /dapr/subscribe, or at once when there is no --app-port.</summary>
    public bool Ready => _subscriptions is not null;

    public IReadOnlyList<AppSubscription> Subscriptions => _subscriptions ?? [];

    public void MarkReady(IReadOnlyList<AppSubscription> subscriptions) => _subscriptions = subscriptions;
}
