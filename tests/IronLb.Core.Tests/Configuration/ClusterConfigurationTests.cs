using System.Text;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ClusterConfigurationTests
{
    private static ClusterConfiguration Examples() =>
        ManifestLoader.LoadDirectory(Path.Combine(TestManifests.RepositoryRoot(), "examples")).Configuration;

    [Fact]
    public void FromJson_CanonicalJsonOfExamples_RoundTripsToAnEqualConfiguration()
    {
        var original = Examples();

        var json = original.ToCanonicalJson();
        var restored = ClusterConfiguration.FromJson(json);

        Assert.Equal(original, restored);
        Assert.Equal(json, restored.ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_LoadedTwice_GivesTheSameBytes() =>
        Assert.Equal(Examples().ToCanonicalJson(), Examples().ToCanonicalJson());

    [Fact]
    public void ToCanonicalJson_MapsInsertedInAnyOrder_WriteKeysSorted()
    {
        var forward = StringMap.Of(("b", "2"), ("a", "1"));
        var backward = StringMap.Of(("a", "1"), ("b", "2"));
        var configuration = ClusterConfiguration.Empty with { Nodes = [new Node { Metadata = new ObjectMeta { Name = "n", Labels = forward } }] };

        var json = Encoding.UTF8.GetString(configuration.ToCanonicalJson());

        Assert.Equal(forward, backward);
        Assert.Contains("\"labels\":{\"a\":\"1\",\"b\":\"2\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_OneFieldChanged_IsNotEqual()
    {
        var original = Examples();
        var pool = original.IpAddressPools[0];
        var changed = original with
        {
            IpAddressPools = [pool with { Spec = pool.Spec with { AutoAssign = !pool.Spec.AutoAssign } }, .. original.IpAddressPools.Skip(1)],
        };

        Assert.NotEqual(original, changed);
        Assert.False(original.ContentEquals(changed));
        Assert.NotEqual(original.ToCanonicalJson(), changed.ToCanonicalJson());
    }

    [Fact]
    public void FromJson_TimersAndOptionalFields_SurviveTheRoundTrip()
    {
        var peer = Examples().BgpPeers[0];

        var restored = ClusterConfiguration.FromJson(new ClusterConfiguration { BgpPeers = [peer] }.ToCanonicalJson()).BgpPeers[0];

        Assert.Equal(TimeSpan.FromSeconds(90), restored.Spec.HoldTime);
        Assert.Equal(TimeSpan.FromSeconds(10), restored.Spec.ConnectTime);
        Assert.Equal("metallb.io/v1beta2", restored.ApiVersion);
        Assert.Equal("BGPPeer", restored.Kind);
        Assert.Equal("metallb.yaml", restored.SourceFile);
        Assert.Equal(peer, restored);
    }

    [Fact]
    public void Empty_HasEmptyListsNotNulls()
    {
        var empty = ClusterConfiguration.FromJson("{}"u8);

        Assert.Equal(ClusterConfiguration.Empty, empty);
        Assert.Empty(empty.AllObjects);
        Assert.NotNull(empty.Secrets);
    }

    [Fact]
    public void ToCanonicalJson_Node_HasKubernetesFieldOrderAndNoComputedHelpers()
    {
        var configuration = TestManifests.Load("apiVersion: v1\nkind: Node\nmetadata: { name: n, labels: { z: \"1\", a: \"2\" } }\nstatus: { conditions: [{ type: Ready, status: \"True\" }] }", "nodes.yaml");

        var json = Encoding.UTF8.GetString((ClusterConfiguration.Empty with { Nodes = configuration.Nodes }).ToCanonicalJson());

        Assert.Contains(
            "\"nodes\":[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n\",\"namespace\":\"\",\"labels\":{\"a\":\"2\",\"z\":\"1\"},\"annotations\":{}},"
            + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],\"addresses\":[],\"sourceFile\":\"nodes.yaml\"}]",
            json,
            StringComparison.Ordinal);
    }
}
