using IronLb.Core.Configuration;
using IronLb.Core.Tests.Configuration;
using IronLb.Testing;

namespace IronLb.Core.Tests.SharedConfiguration;

/// <summary>A configuration with one peer whose password is in a Secret and one that writes it in clear.</summary>
internal static class SecretManifests
{
    public const string SecretPassword = "Tor-V4-md5-Xq7!";
    public const string InlinePassword = "Inline-md5-Zk9?";

    public static string Yaml(string secretPassword = SecretPassword, string inlinePassword = InlinePassword) =>
        TestManifests.Pool + "\n---\n" + PasswordManifests.Yaml("tor", secretPassword, inlinePassword);

    public static ClusterConfiguration Load(string secretPassword = SecretPassword, string inlinePassword = InlinePassword) =>
        TestManifests.Load(Yaml(secretPassword, inlinePassword));

    /// <summary>True when <paramref name="haystack"/> holds either password, in clear or in base64.</summary>
    public static bool Leaks(ReadOnlySpan<byte> haystack) => PasswordManifests.FindAny(haystack, SecretPassword, InlinePassword) is not null;
}
