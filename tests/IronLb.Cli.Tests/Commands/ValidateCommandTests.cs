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
}
