using System.Text.Json;
using IronLb.Cli.Commands;
using IronLb.Testing;

namespace IronLb.Cli.Tests.Commands;

public class PlanCommandTests
{
    private static (int ExitCode, string Output) Plan(bool json)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exitCode = PlanCommand.Run(new DirectoryInfo(RepositoryLayout.PathOf("examples")), json, loadBalancerClass: null, output, errors);
        return (exitCode, output.ToString());
    }

    [Fact]
    public void Run_ExamplesAsJson_EveryServiceListedWithTheDocumentedFields()
    {
        var (exitCode, output) = Plan(json: true);

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        var services = document.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.NotEmpty(services);
        Assert.All(services, s => Assert.Equal(["namespace", "name", "addresses", "pool", "error"], s.EnumerateObject().Select(p => p.Name)));
        Assert.Contains(services, s => s.GetProperty("addresses").GetArrayLength() > 0);
    }

    [Fact]
    public void Run_SameInput_SameOutput()
    {
        Assert.Equal(Plan(json: true).Output, Plan(json: true).Output);
        Assert.Equal(Plan(json: false).Output, Plan(json: false).Output);
    }

    [Fact]
    public void Run_BrokenFolder_ExitOneWithoutPlan()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = PlanCommand.Run(new DirectoryInfo(RepositoryLayout.PathOf("tests", "IronLb.Core.Tests", "TestData", "broken")), json: false, loadBalancerClass: null, output, errors);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output.ToString());
        Assert.Contains("peers.yaml: BGPPeer/short-hold:", errors.ToString(), StringComparison.Ordinal);
    }
}
