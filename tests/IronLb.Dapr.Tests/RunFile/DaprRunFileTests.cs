using IronLb.LocalSidecar.Components;
using IronLb.Testing;
using YamlDotNet.RepresentationModel;

namespace IronLb.Dapr.Tests.RunFile;

/// <summary>
/// Reads dapr.yaml and components/ as `dapr run -f` and daprd do, without either installed: the CLI
/// (dapr/cli pkg/runfileconfig, pkg/standalone/run.go) hands an app's <c>env:</c> to the app only and starts daprd with
/// its own environment, so POD_NAME reaches daprd only from the shell that runs `dapr`; daprd then expands component
/// metadata as pkg/runtime/meta/meta.go does (the local sidecar's <see cref="ResourceLoader"/> follows it).
/// </summary>
public sealed class DaprRunFileTests
{
    private static readonly Guid Instance = Guid.Parse("0f0f0f0f-0000-4000-8000-000000000001");

    [Fact]
    public void RunFile_AsTheDaprCliReadsIt_VersionOneAndEveryPathExists()
    {
        var runFile = RunFileApps.Load();

        Assert.Equal("1", runFile.Version);
        Assert.True(Directory.Exists(runFile.ResourcesPath), runFile.ResourcesPath);
        Assert.Equal(["ipam", "election", "bgp", "layer2"], runFile.Apps.Select(a => a.AppId));
        Assert.All(runFile.Apps, app => Assert.True(Directory.Exists(app.AppDirectory), app.AppDirectory));
        Assert.Equal(runFile.Apps.Count, runFile.Apps.Select(a => a.AppPort).Distinct().Count());
    }

    [Fact]
    public void RunFile_PodNameFromTheCliEnvironment_NodeAgentsGetAGroupPerAppAndNodeAndReplicasShareTheirs()
    {
        var runFile = RunFileApps.Load();

        string Group(string node, RunFileApp app) =>
            new ResourceLoader(app.AppId, podName: node, ns: null, Instance).Load(runFile.ResourcesPath).PubSubs[app.PubSubName].ConsumerId;

        var agents = runFile.Apps.Where(a => a.PubSubName == "pubsub-node").ToList();
        var replicas = runFile.Apps.Where(a => a.PubSubName == "pubsub").ToList();
        var agentGroups = agents.SelectMany(app => new[] { "node-a", "node-b" }.Select(node => Group(node, app))).ToList();

        Assert.Equal(["bgp", "layer2"], agents.Select(a => a.AppId));
        Assert.Equal(agentGroups.Count, agentGroups.Distinct().Count());
        Assert.All(agents, app => Assert.Equal(Group("node-a", app), Group("node-a", app)));
        Assert.Equal(["ipam", "election"], replicas.Select(a => a.AppId));
        Assert.All(replicas, app => Assert.Equal(Group("node-a", app), Group("node-b", app)));
    }

    [Fact]
    public void RunFile_NoPodNameInTheCliEnvironment_DaprdRefusesTheNodeAgentsComponents()
    {
        var runFile = RunFileApps.Load();

        foreach (var app in runFile.Apps)
        {
            // The app's env: never reaches daprd, so a POD_NAME there would change nothing; none is set there.
            Assert.False(app.Environment.ContainsKey("POD_NAME"), app.AppId);
            var load = () => new ResourceLoader(app.AppId, podName: null, ns: null, Instance).Load(runFile.ResourcesPath);
            if (app.PubSubName == "pubsub-node")
            {
                Assert.Contains("{podName}", Assert.Throws<InvalidDataException>(load).Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains(app.PubSubName, load().PubSubs.Keys);
            }
        }
    }

    private sealed record RunFileApp(string AppId, string AppDirectory, int AppPort, IReadOnlyDictionary<string, string> Environment)
    {
        /// <summary>The pub/sub component the app uses: DaprMessagingOptions.PubSubName, default "pubsub".</summary>
        public string PubSubName => Environment.GetValueOrDefault("Dapr__PubSubName", "pubsub");
    }

    private sealed record RunFileApps(string Version, string ResourcesPath, IReadOnlyList<RunFileApp> Apps)
    {
        // Relative paths in a run file are relative to the run file's folder.
        public static RunFileApps Load()
        {
            var path = RepositoryLayout.PathOf("dapr.yaml");
            var folder = Path.GetDirectoryName(path)!;
            var stream = new YamlStream();
            using (var reader = File.OpenText(path))
            {
                stream.Load(reader);
            }

            var root = (YamlMappingNode)stream.Documents.Single().RootNode;
            var common = (YamlMappingNode)root["common"];
            var apps = ((YamlSequenceNode)root["apps"]).Children.Cast<YamlMappingNode>().Select(app => new RunFileApp(
                Scalar(app, "appID"),
                Path.GetFullPath(Path.Combine(folder, Scalar(app, "appDirPath"))),
                int.Parse(Scalar(app, "appPort"), System.Globalization.CultureInfo.InvariantCulture),
                app.Children.TryGetValue(new YamlScalarNode("env"), out var env)
                    ? ((YamlMappingNode)env).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "")
                    : new Dictionary<string, string>())).ToList();
            return new RunFileApps(Scalar(root, "version"), Path.GetFullPath(Path.Combine(folder, Scalar(common, "resourcesPath"))), apps);
        }

        private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;
    }
}
