namespace IronLb.Layer2.Announcing;

/// <summary>Tunables of the Layer 2 announcer.</summary>
internal sealed class Layer2AnnouncerOptions
{
    /// <summary>Gratuitous ARPs / unsolicited NAs sent per gained address, the first at once. Default 4.</summary>
    public int GratuitousCount { get; set; } = 4;

    /// <summary>Time between those announcements. Default 1 second.</summary>
    public TimeSpan GratuitousInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often interfaces are re-read so new, removed or re-addressed ones are picked up. Default 2 seconds.</summary>
    public TimeSpan InterfaceRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One capture reader per CPU on each interface, each kept on its CPU, with the kernel handing every
    /// frame to the reader of the CPU that received it: the reply then needs no cross-CPU wake-up. Off, each interface
    /// has a single reader wherever the scheduler puts it. Default on.</summary>
    public bool ReaderPerCpu { get; set; } = true;

    /// <summary>Capture on every candidate interface, not only where an owned address is bound, so a standby node hears
    /// the LAN's hand-over beacons and can take an address over at once. The layer2 service turns it on. Default off.</summary>
    public bool ListenOnAllInterfaces { get; set; }

    /// <summary>Throws when a value cannot work, so a bad configuration fails at start rather than on the wire.</summary>
    public void Validate()
    {
        if (GratuitousCount is < 1 or > 100)
        {
            throw new InvalidOperationException($"{nameof(GratuitousCount)} must be between 1 and 100, not {GratuitousCount}");
        }

        if (GratuitousInterval <= TimeSpan.Zero || GratuitousInterval > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException($"{nameof(GratuitousInterval)} must be positive and at most a minute, not {GratuitousInterval}");
        }

        if (InterfaceRefreshInterval < TimeSpan.FromMilliseconds(100) || InterfaceRefreshInterval > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException($"{nameof(InterfaceRefreshInterval)} must be between 100 ms and a minute, not {InterfaceRefreshInterval}");
        }
    }
}
