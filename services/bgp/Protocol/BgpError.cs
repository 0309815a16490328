namespace IronLb.Bgp.Protocol;

/// <summary>NOTIFICATION error codes (RFC 4271 §4.5, RFC 7313).</summary>
internal enum BgpErrorCode : byte
{
    MessageHeader = 1,
    OpenMessage = 2,
    UpdateMessage = 3,
    HoldTimerExpired = 4,
    FiniteStateMachine = 5,
    Cease = 6,
    RouteRefreshMessage = 7,
}

/// <summary>Error subcodes, grouped by the error code they belong to.</summary>
internal static class BgpErrorSubcode
{
    // Message Header Error (RFC 4271 §6.1)
    public const byte ConnectionNotSynchronized = 1;
    public const byte BadMessageLength = 2;
    public const byte BadMessageType = 3;

    // OPEN Message Error (RFC 4271 §6.2, RFC 5492); 0 is "unspecific" (IANA registry).
    public const byte Unspecific = 0;
    public const byte UnsupportedVersionNumber = 1;
    public const byte BadPeerAs = 2;
    public const byte BadBgpIdentifier = 3;
    public const byte UnsupportedOptionalParameter = 4;
    public const byte UnacceptableHoldTime = 6;
    public const byte UnsupportedCapability = 7;

    // UPDATE Message Error (RFC 4271 §6.3)
    public const byte MalformedAttributeList = 1;
    public const byte UnrecognizedWellKnownAttribute = 2;
    public const byte MissingWellKnownAttribute = 3;
    public const byte AttributeFlagsError = 4;
    public const byte AttributeLengthError = 5;
    public const byte InvalidOriginAttribute = 6;
    public const byte InvalidNextHopAttribute = 8;
    public const byte OptionalAttributeError = 9;
    public const byte InvalidNetworkField = 10;
    public const byte MalformedAsPath = 11;

    // FSM Error (RFC 6608)
    public const byte UnexpectedMessageInOpenSent = 1;
    public const byte UnexpectedMessageInOpenConfirm = 2;
    public const byte UnexpectedMessageInEstablished = 3;

    // Cease (RFC 4486)
    public const byte AdministrativeShutdown = 2;
    public const byte AdministrativeReset = 4;
    public const byte ConnectionRejected = 5;
    public const byte ConnectionCollisionResolution = 7;

    // ROUTE-REFRESH Message Error (RFC 7313 §5)
    public const byte InvalidMessageLength = 1;
}
