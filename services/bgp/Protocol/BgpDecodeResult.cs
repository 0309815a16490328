namespace IronLb.Bgp.Protocol;

/// <summary>What the session has negotiated that changes how messages are read and written.</summary>
/// <param name="FourOctetAs">Both sides sent the 4-octet AS capability, so AS_PATH carries 4-octet numbers (RFC 6793).</param>
internal readonly record struct BgpCodecOptions(bool FourOctetAs)
{
    public static BgpCodecOptions Default { get; } = new(true);
}

/// <summary>How an UPDATE error is handled (RFC 7606 §2), from mildest to harshest.</summary>
internal enum UpdateErrorAction
{
    None = 0,
    AttributeDiscard = 1,
    TreatAsWithdraw = 2,
    SessionReset = 3,
}

/// <summary>The outcome of decoding one message: the message, or the NOTIFICATION to send; UPDATEs may instead be treated as withdraws.</summary>
internal sealed record BgpDecodeResult(BgpMessage? Message, NotificationMessage? Error, UpdateErrorAction Action)
{
    public static BgpDecodeResult Ok(BgpMessage message) => new(message, null, UpdateErrorAction.None);

    public static BgpDecodeResult Fail(BgpErrorCode code, byte subcode, ReadOnlySpan<byte> data = default) =>
        new(null, new NotificationMessage(code, subcode, data.ToArray()), UpdateErrorAction.SessionReset);

    /// <summary>True when the session must be closed with <see cref="Error"/>.</summary>
    public bool IsSessionReset => Action == UpdateErrorAction.SessionReset;
}
