namespace IronLb.Layer2.Ownership;

/// <summary>Whether this node may still answer for its addresses: only while its heartbeat is surely still valid.</summary>
/// <remarks>
/// Election hands an address to another node once this node's last stored heartbeat expires. This agent stops
/// answering <c>margin</c> earlier, measured from its last write that the store acknowledged, so no two nodes
/// ever answer at once (architecture rule 3: fencing).
/// </remarks>
internal sealed class LivenessFence(TimeProvider time)
{
    private long _openUntilTicks;

    /// <summary>Records a heartbeat the store acknowledged, written at <paramref name="writtenAt"/>.</summary>
    public void Acknowledged(DateTimeOffset writtenAt, TimeSpan validFor, TimeSpan margin) =>
        Interlocked.Exchange(ref _openUntilTicks, (writtenAt + validFor - margin).UtcTicks);

    /// <summary>True while answering is safe.</summary>
    public bool IsOpen => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks);

    /// <summary>When answering stops being safe unless another heartbeat is acknowledged.</summary>
    public DateTimeOffset OpenUntil => new(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero);
}
