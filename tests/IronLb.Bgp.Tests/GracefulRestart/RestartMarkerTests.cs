using System.Globalization;
using IronLb.Bgp.GracefulRestart;
using IronLb.Bgp.Tests.Session;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Bgp.Tests.GracefulRestart;

public sealed class RestartMarkerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ilbmarker" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private RestartMarker Marker() => new(_directory, "node1", _time, NullLogger.Instance);

    [Fact]
    public void New_NoMarkerOnDisk_NoUncleanExit()
    {
        using var marker = Marker();

        Assert.Null(marker.PreviousUncleanExit);
    }

    [Fact]
    public void New_ArmedMarkerLeftBehind_UncleanExitAtItsLastTouch()
    {
        using (var crashed = Marker())
        {
            crashed.Arm();
            for (var second = 0; second < 12; second++)
            {
                _time.Advance(TimeSpan.FromSeconds(1)); // touched at 5 s and 10 s
            }
        }

        using var next = Marker();

        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(2), next.PreviousUncleanExit);
    }

    [Fact]
    public void Clear_CleanStop_MarkerGoneAndLaterTouchesDoNotBringItBack()
    {
        using var marker = Marker();
        marker.Arm();
        Assert.True(File.Exists(marker.FilePath));

        marker.Clear();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(File.Exists(marker.FilePath));
        using var next = Marker();
        Assert.Null(next.PreviousUncleanExit);
    }

    [Fact]
    public void Arm_EmptyDirectory_MarkerOff()
    {
        using var marker = new RestartMarker("", "node1", _time, NullLogger.Instance);

        marker.Arm();
        marker.Clear();

        Assert.Null(marker.FilePath);
        Assert.Null(marker.PreviousUncleanExit);
    }

    [Theory]
    [InlineData(true, 30, true)]
    [InlineData(true, 120, true)]
    [InlineData(true, 121, false)]
    [InlineData(false, 30, false)]
    public void IsRestarting_UncleanExitAgo_OnlyForGracefulRestartPeersWithinRestartTime(bool gracefulRestart, int secondsAgo, bool expected)
    {
        var peer = FsmHarness.DefaultSettings() with { GracefulRestart = gracefulRestart, GracefulRestartTime = TimeSpan.FromSeconds(120) };
        var now = _time.GetUtcNow();

        Assert.Equal(expected, RestartMarker.IsRestarting(peer, now - TimeSpan.FromSeconds(secondsAgo), now));
    }

    [Fact]
    public void IsRestarting_CleanPreviousStop_False() =>
        Assert.False(RestartMarker.IsRestarting(FsmHarness.DefaultSettings() with { GracefulRestart = true }, null, _time.GetUtcNow()));
}
