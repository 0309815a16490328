using System.Net;

namespace IronLb.Bgp.Session;

/// <summary>A point-in-time view of one peer session, for /status, metrics and tests.</summary>
internal sealed record BgpPeerStatus(
    IPAddress Peer,
    BgpState State,
    int EstablishedCount,
    int AdvertisedPrefixes,
    long UpdatesSent,
    long UpdatesReceived,
    DateTimeOffset? EstablishedAt,
    string? LastError,
    string? Device = null,
    int DesiredPrefixes = 0,
    int Port = 179);
