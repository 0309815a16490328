using IronLb.Cli.Commands;
using IronLb.Testing;

namespace IronLb.Cli.Tests.Commands;

public class ValidateCommandTests
{
    [Fact]
    public void Run_Examples_ExitZeroAndSummary()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = ValidateCommand.Run(new DirectoryInfo(RepositoryLayout.PathOf("examples")), output, errors);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("valid: 3 IPAddressPools", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, errors.ToString());
    }

    [Fact]
    public void Run_BrokenFolder_ExitOneAndOneLinePerError()
    {
        var expected = File.ReadAllLines(RepositoryLayout.PathOf("tests", "IronLb.Core.Tests", "TestData", "broken-expected-errors.txt"))
            .Where(line => line.Length > 0);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = ValidateCommand.Run(new DirectoryInfo(RepositoryLayout.PathOf("tests", "IronLb.Core.Tests", "TestData", "broken")), output, errors);

        Assert.Equal(1, exitCode);
        Assert.Equal(expected, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("12 errors", errors.ToString().Trim());
    }

    [Fact]
    public void Run_MissingFolder_ExitTwo()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exitCode = ValidateCommand.Run(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "ironlb-no-such-folder")), output, errors);

        Assert.Equal(2, exitCode);
        Assert.Contains("no such folder", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FieldsNotActedOn_WarnedButStillValid()
    {
        var folder = Directory.CreateTempSubdirectory("ironlb-validate-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "peer.yaml"), """
                apiVersion: metallb.io/v1beta2
                kind: BGPPeer
                metadata: { name: tor, namespace: metallb-system }
                spec:
                  myASN: 64501
                  peerASN: 64500
                  peerAddress: 192.0.2.1
                  disableMP: true
                  vrf: red
                  someFutureField: 1
                  nodeSelectors: [{ matchLabels: { rack: a }, matchFields: {} }]
                """);
            using var output = new StringWriter();
            using var errors = new StringWriter();

            var exitCode = ValidateCommand.Run(folder, output, errors);

            Assert.Equal(0, exitCode);
            var warnings = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(4, warnings.Length);
            Assert.Contains(warnings, w => w.Contains("BGPPeer/tor: spec.someFutureField: not a field IronLB reads", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("spec.nodeSelectors[0].matchFields: not a field IronLB reads", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("spec.disableMP: not acted on", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("spec.vrf: the session is opened from inside VRF \"red\"", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Run_Examples_NoWarnings() =>
        Assert.DoesNotContain("warning:", RunOn(RepositoryLayout.PathOf("examples")), StringComparison.Ordinal);

    private static string RunOn(string path)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        ValidateCommand.Run(new DirectoryInfo(path), output, errors);
        return output.ToString();
    }
}
