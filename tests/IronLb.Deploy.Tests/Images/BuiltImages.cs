using IronLb.Testing;

namespace IronLb.Deploy.Tests.Images;

/// <summary>Builds the images once for the test run with scripts/images, as CI and a user build them.</summary>
public sealed class BuiltImages
{
    public BuiltImages()
    {
        var result = Shell.Run(TimeSpan.FromMinutes(25), RepositoryLayout.PathOf("scripts", "images"));
        Assert.True(result.ExitCode == 0, $"scripts/images failed:\n{result.Output}\n{result.Error}");
        Report = result.Output;
    }

    /// <summary>What scripts/images printed: one line per image with its size, then the build time.</summary>
    public string Report { get; }

    /// <summary>podman's settings for this machine (runc, ulimits), as scripts/images uses them.</summary>
    public static string ContainersConf => RepositoryLayout.PathOf("deploy", "images", "containers.conf");
}
