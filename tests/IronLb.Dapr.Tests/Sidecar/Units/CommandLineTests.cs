using IronLb.LocalSidecar.Hosting;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Parse_OnlyAppId_DaprDefaults()
    {
        var options = CommandLine.Parse(["--app-id", "ipam"], NoEnvironment)!;

        Assert.Equal(("ipam", 50001, 3500, "127.0.0.1:6379", "127.0.0.1", "ipam"), (options.AppId, options.GrpcPort, options.HttpPort, options.Redis, options.ListenAddress, options.EffectivePodName));
        Assert.Null(options.AppPort);
        Assert.Null(options.DaprApiToken);
    }

    [Fact]
    public void Parse_EveryFlag_Bound()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var options = CommandLine.Parse(
                ["--app-id", "bgp", "--app-port", "8080", "--app-protocol", "http", "--dapr-grpc-port=50002", "--dapr-http-port", "3501",
                 "--redis", "192.0.2.10:6380", "--resources-path", dir, "--pod-name", "bgp-x", "--listen-address", "0.0.0.0"],
                NoEnvironment)!;

            Assert.Equal((8080, 50002, 3501, "192.0.2.10:6380", dir, "bgp-x", "0.0.0.0"),
                (options.AppPort!.Value, options.GrpcPort, options.HttpPort, options.Redis, options.ResourcesPath, options.PodName, options.ListenAddress));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Parse_Environment_TokensAndPodName()
    {
        var env = new Dictionary<string, string> { ["DAPR_API_TOKEN"] = "a", ["APP_API_TOKEN"] = "b", ["POD_NAME"] = "layer2-abc", ["NAMESPACE"] = "ns" };

        var options = CommandLine.Parse(["--app-id", "layer2"], k => env.GetValueOrDefault(k))!;

        Assert.Equal(("a", "b", "layer2-abc", "ns"), (options.DaprApiToken, options.AppApiToken, options.EffectivePodName, options.Namespace));
    }

    [Fact]
    public void Parse_Help_Null() => Assert.Null(CommandLine.Parse(["--help"], NoEnvironment));

    [Theory]
    [InlineData("--app-port 1")]
    [InlineData("--app-id a --app-port x")]
    [InlineData("--app-id a --app-port 70000")]
    [InlineData("--app-id a --app-protocol grpc")]
    [InlineData("--app-id a --bogus 1")]
    [InlineData("--app-id")]
    [InlineData("--app-id a --resources-path /nonexistent/ironlb")]
    public void Parse_Invalid_Throws(string args) => Assert.Throws<ArgumentException>(() => CommandLine.Parse(args.Split(' '), NoEnvironment));
}
