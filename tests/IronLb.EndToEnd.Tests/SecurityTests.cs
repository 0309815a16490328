using System.Globalization;
using System.Text;
using System.Text.Json;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>`ironlb run` as a user starts it: no BGP password on disk, in /status or in its output; a private state folder; only the BGP port open to the network.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecurityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string SecretPassword = "E2e-Secret-md5-R5&";
    private const string InlinePassword = "E2e-Inline-md5-T6*";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string Peers = PasswordManifests.Yaml("e2e", SecretPassword, InlinePassword);


    private static long ConfigVersion(JsonElement status) => status.GetProperty("config").GetProperty("version").GetInt64();

    [Fact]
    public async Task Run_PeersWithPasswords_NoStateFileStatusOrOutputHoldsThem()
    {
        using var manifests = new ManifestFolder();
        manifests.Write("peers.yaml", Peers);
        await using var ironlb = await IronLbProcess.StartAsync(manifests.Path, "node-a");

        var status = await ironlb.Status.WaitForAsync(s => ConfigVersion(s) >= 1, Patience);
        var exitCode = await ironlb.TerminateAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("e2e-secret", status.GetRawText(), StringComparison.Ordinal);
        AssertNoPassword("/status", Encoding.UTF8.GetBytes(status.GetRawText()));
        AssertNoPassword("the output", Encoding.UTF8.GetBytes(ironlb.Output));
        AssertStateFolderPrivateAndClean(ironlb.StateDirectory);
    }

    [Fact]
    public async Task SeparateServices_PeersWithPasswords_NoRedisKeyHoldsThem()
    {
        using var manifests = new ManifestFolder();
        manifests.Write("peers.yaml", Peers);
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprComponents.CopyFor(redis);
        try
        {
            await using var ipam = await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
            });
            var status = await ipam.Status.WaitForAsync(s => ConfigVersion(s) >= 1, Patience);

            var everything = RedisDump(redis);

            Assert.Contains("e2e-password", everything, StringComparison.Ordinal);
            AssertNoPassword("Redis", Encoding.UTF8.GetBytes(everything));
            AssertNoPassword("/status", Encoding.UTF8.GetBytes(status.GetRawText()));
            AssertNoPassword("the ipam output", Encoding.UTF8.GetBytes(ipam.Output));
        }
        finally
        {
            Directory.Delete(resources, recursive: true);
        }
    }

    [Fact]
    public void Run_StateFolderOpenToOthers_RefusedWithAClearMessage()
    {
        using var manifests = new ManifestFolder();
        var state = Directory.CreateTempSubdirectory("ironlb-state-").FullName;
        try
        {
            File.SetUnixFileMode(state, (UnixFileMode)Convert.ToInt32("755", 8));

            var result = Shell.Run(
                TimeSpan.FromSeconds(60), "dotnet", RepositoryLayout.BuiltAssembly("src/IronLb.Cli", "ironlb"), "run",
                "--config", manifests.Path, "--node", "node-a", "--state", state, "--listen", "127.0.0.1:" + LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture), "--dry-run");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("0755", result.Error, StringComparison.Ordinal);
            Assert.Contains("chmod 700", result.Error, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(state));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [NamespaceLabFact]
    public async Task Run_InNamespace_ListensOnlyOnBgpAndLoopbackStatusAndPasswordsReachTheSessions()
    {
        using var lab = new NamespaceLan("ilbsec");
        lab.AddSegment("br0");
        lab.Add("node");
        lab.Attach("node", "eth0", "br0", "02:00:00:00:00:11", "192.0.2.11/24", "2001:db8:1::11/64");
        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("lab.yaml", LabManifests.Layer2Pool(["203.0.113.16/32"], "eth0") + LabManifests.WebService(dualStack: false, "node1") + "\n---\n" + Peers);
        var node = lab.Namespace("node");
        await using var ironlb = await IronLbProcess.StartAsync(manifests.Path, "node1", netns: node);

        var listening = await WaitForListenersAsync(lab, l => l.Any(s => s.EndsWith(":179", StringComparison.Ordinal)), Patience);
        var status = await StatusInNamespaceAsync(lab, ironlb.StatusPort, s => s.GetProperty("bgpSessions").GetProperty("peers").GetArrayLength() == 2, Patience);
        var exitCode = await ironlb.TerminateAsync();
        output.WriteLine("listening in the node's namespace: " + string.Join(", ", listening));

        var expected = new[] { ":179", "127.0.0.1:" + ironlb.StatusPort.ToString(CultureInfo.InvariantCulture) };
        Assert.All(listening, socket => Assert.True(
            socket.EndsWith(":179", StringComparison.Ordinal) || socket.EndsWith(expected[1], StringComparison.Ordinal),
            $"unexpected listening socket {socket}; all: {string.Join(", ", listening)}"));
        var problems = status.GetProperty("bgpSessions").GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.DoesNotContain(problems, p => p.Contains("password", StringComparison.Ordinal));
        AssertNoPassword("/status", Encoding.UTF8.GetBytes(status.GetRawText()));
        Assert.Equal(0, exitCode);
        AssertNoPassword("the output", Encoding.UTF8.GetBytes(ironlb.Output));
        AssertStateFolderPrivateAndClean(ironlb.StateDirectory);
    }

    /// <summary>Local addresses of every listening TCP socket and every bound UDP socket, as `ss -ltnup` shows them.</summary>
    private static async Task<List<string>> WaitForListenersAsync(NamespaceLan lab, Func<List<string>, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var sockets = new List<string>();
        while (!deadline.IsCancellationRequested)
        {
            var result = lab.Exec("node", "ss", "-H", "-ltnup");
            sockets = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 5)
                .Select(fields => fields[0] + " " + fields[4])
                .ToList();
            if (condition(sockets))
            {
                return sockets;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        throw new TimeoutException("listening sockets never matched; last: " + string.Join(", ", sockets));
    }

    /// <summary>/status read from inside the namespace (bash's /dev/tcp: no client tool to install).</summary>
    private static async Task<JsonElement> StatusInNamespaceAsync(NamespaceLan lab, int port, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var last = string.Empty;
        while (!deadline.IsCancellationRequested)
        {
            var script = $"exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET /status HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && cat <&3";
            last = lab.Exec("node", "timeout", "5", "bash", "-c", script).Output;
            var start = last.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (start >= 0)
            {
                try
                {
                    var status = JsonDocument.Parse(last[(start + 4)..]).RootElement.Clone();
                    if (condition(status))
                    {
                        return status;
                    }
                }
                catch (JsonException)
                {
                    // Not up yet, or cut short: ask again.
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        throw new TimeoutException("/status in the namespace never matched; last: " + last);
    }

    /// <summary>Every key of the Redis server with its value, whatever its type, as redis-cli prints them.</summary>
    private static string RedisDump(RedisServer redis)
    {
        string Cli(params string[] args) => Shell.Must("redis-cli", ["-h", redis.Address, "-p", redis.Port.ToString(CultureInfo.InvariantCulture), .. args]);
        var dump = new StringBuilder();
        foreach (var key in Cli("--scan").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var type = Cli("TYPE", key).Trim();
            dump.Append(key).Append(' ').Append(type).Append('\n').Append(type switch
            {
                "string" => Cli("GET", key),
                "hash" => Cli("HGETALL", key),
                "stream" => Cli("XRANGE", key, "-", "+"),
                "list" => Cli("LRANGE", key, "0", "-1"),
                "set" => Cli("SMEMBERS", key),
                "zset" => Cli("ZRANGE", key, "0", "-1"),
                _ => throw new InvalidOperationException($"key {key} has type {type}, which this dump cannot read"),
            }).Append('\n');
        }

        return dump.ToString();
    }

    private static void AssertNoPassword(string where, ReadOnlySpan<byte> text) =>
        Assert.True(PasswordManifests.FindAny(text, SecretPassword, InlinePassword) is null, $"{where} holds a password");

    private static void AssertStateFolderPrivateAndClean(string state)
    {
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(state));
        var files = Directory.GetFiles(state, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            AssertNoPassword(file, File.ReadAllBytes(file));
        }

        Assert.All(Directory.GetFiles(state), file => Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), File.GetUnixFileMode(file)));
    }
}
