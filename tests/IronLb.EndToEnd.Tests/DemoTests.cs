using System.Diagnostics;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>The README's first command, run as a user runs it: it must keep showing IronLB at work.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_Runs_PeerGetsNodeMacRouterLearnsRouteAndBothStopAfterSigterm()
    {
        Assert.True(Environment.UserName == "root", "scripts/demo creates network namespaces: run the tests as root");
        var info = new ProcessStartInfo(RepositoryLayout.PathOf("scripts", "demo"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var demo = Process.Start(info)!;
        var stdout = demo.StandardOutput.ReadToEndAsync();
        var stderr = demo.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await demo.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM lets the script's trap tear the lab down.
            Process.Start("kill", ["-TERM", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await demo.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        var output = await stdout + await stderr;
        Assert.True(demo.ExitCode == 0, output);
        Assert.Contains("bytes from 02:00:00:00:00:11 (203.0.113.16)", output, StringComparison.Ordinal);
        Assert.Contains("Target link-layer address: 02:00:00:00:00:11", output, StringComparison.Ordinal);
        Assert.Contains("203.0.113.16 nhid", output, StringComparison.Ordinal);
        Assert.Contains("via 192.0.2.11 dev eth0 proto bgp", output, StringComparison.Ordinal);
        Assert.Contains("2 packets transmitted, 0 packets received", output, StringComparison.Ordinal);
        Assert.Contains("ironlb exited with status 0", output, StringComparison.Ordinal);
        Assert.Contains("(the router has no route to 203.0.113.16 any more)", output, StringComparison.Ordinal);
    }
}
